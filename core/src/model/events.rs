//! The activity log as the API and the console read it: events, the filters over them, and
//! pages of results joined by an opaque cursor.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct EventActor {
    /// `user`, `token`, `personal_token`, `sso_provider`, or `anonymous`.
    pub kind: String,
    pub id: Option<String>,
    pub label: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct EventEntity {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub id: Option<String>,
    pub label: Option<String>,
}

/// One event: who did what to which entity, when, from where, and how it ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Event {
    pub id: String,
    /// Position in the org's chain, in commit order: the live stream's event id.
    pub seq: Option<i64>,
    /// UTC, RFC 3339.
    pub time: String,
    /// The same instant in unix milliseconds.
    pub created_at: i64,
    pub actor: EventActor,
    pub action: String,
    pub entity: EventEntity,
    pub org_id: Option<String>,
    pub team_id: Option<String>,
    pub ip: Option<String>,
    /// The host of the request's `Origin`, when it had one.
    pub origin_host: Option<String>,
    pub request_id: Option<String>,
    /// `success`, `failure` or `denied`.
    pub outcome: String,
    pub reason: Option<String>,
    /// The entity's last state, on deletes (secrets never included).
    pub snapshot: Option<serde_json::Value>,
}

/// Filters of `GET /api/v1/orgs/{org}/events`; every one optional, all must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct EventFilter {
    #[serde(default)]
    pub entity_type: Option<String>,
    #[serde(default)]
    pub entity_id: Option<String>,
    /// The actor: a user id or token id, a user's email, or `me` (the caller).
    #[serde(default)]
    pub actor: Option<String>,
    #[serde(default)]
    pub actor_kind: Option<String>,
    /// An action (`team.created`), or the start of actions (`team`).
    #[serde(default)]
    pub action: Option<String>,
    /// A team slug or id.
    #[serde(default)]
    pub team: Option<String>,
    /// From this time on: unix ms, `YYYY-MM-DD` (UTC), RFC 3339, or a span back from now
    /// such as `24h` or `7d`.
    #[serde(default)]
    pub since: Option<String>,
    /// Before this time: unix ms, RFC 3339, or `YYYY-MM-DD` (through that day).
    #[serde(default)]
    pub until: Option<String>,
    #[serde(default)]
    pub ip: Option<String>,
    #[serde(default)]
    pub outcome: Option<String>,
    /// From a previous page's `next_cursor`.
    #[serde(default)]
    pub cursor: Option<String>,
    /// Only events later than this chain position (`seq`); how the live stream resumes.
    #[serde(default)]
    pub after: Option<i64>,
    /// 1 to 200; default 50.
    #[serde(default)]
    #[cfg_attr(feature = "server", param(minimum = 1, maximum = 200))]
    pub limit: Option<u32>,
}

/// A page of events, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct EventPage {
    pub events: Vec<Event>,
    /// Pass as `cursor` for the next (older) page; None on the last page.
    pub next_cursor: Option<String>,
}

/// How many events (that the caller may read) happened on one UTC day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct DayCount {
    /// `YYYY-MM-DD`, UTC.
    pub day: String,
    pub events: i64,
}
