//! Reading the activity log: validates the filters, limits what the caller sees to what they
//! may read (a team-scoped reader sees only their teams' events, and only entity types they
//! may read there), and pages newest first with an opaque cursor.

use super::{page, scope, Services};
use crate::authz::{Action, Permission, Principal, Resource, Scope};
use crate::model::{
    AuditAction, DayCount, EntityType, Event, EventActor, EventEntity, EventFilter, EventPage,
    Outcome,
};
use crate::store::events;
use crate::store::DAY_MS;
use crate::use_cases::AUDIT_READ;
use crate::Error;

const READ: Permission = AUDIT_READ.permission;

/// A time filter: unix ms, `YYYY-MM-DD` (UTC; `until` then means through that day), RFC
/// 3339, or a span back from now such as `24h` or `7d`.
fn instant(field: &'static str, text: &str, end_of_day: bool) -> Result<i64, Error> {
    let text = text.trim();
    for (unit, ms) in [('h', 3_600_000), ('d', 86_400_000)] {
        if let Some(n) = text.strip_suffix(unit).and_then(|n| n.parse::<i64>().ok()) {
            if (1..=3650 * 24).contains(&n) {
                return Ok(crate::store::now_ms() - n * ms);
            }
        }
    }
    if let Ok(ms) = text.parse::<i64>() {
        return Ok(ms);
    }
    if let Some(day) = crate::model::parse_utc_date(text).filter(|_| text.len() == 10) {
        return Ok(if end_of_day { day + 86_400_000 } else { day });
    }
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.timestamp_millis())
        .map_err(|_| {
            Error::invalid(
                field,
                "use unix milliseconds, YYYY-MM-DD or an RFC 3339 time",
            )
        })
}

fn cursor_of(created_at: i64, id: &str) -> String {
    page::cursor(&[&created_at.to_string(), id])
}

fn parse_cursor(text: &str) -> Result<Option<(i64, String)>, Error> {
    match page::after::<2>(Some(text))? {
        Some([at, id]) => Ok(Some((page::number(&at)?, id))),
        None => Ok(None),
    }
}

/// Unix milliseconds as an RFC 3339 UTC time with milliseconds.
pub(crate) fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}

fn origin_host(origin: &str) -> String {
    let rest = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    rest.split('/').next().unwrap_or(rest).to_string()
}

fn view(r: events::EventRow) -> Event {
    Event {
        time: rfc3339(r.created_at),
        created_at: r.created_at,
        actor: EventActor {
            kind: r.actor_kind,
            id: r.actor_id,
            label: r.actor_label,
        },
        action: r.action,
        entity: EventEntity {
            kind: r.entity_type,
            id: r.entity_id,
            label: r.entity_label,
        },
        org_id: r.org_id,
        team_id: r.team_id,
        ip: r.ip,
        origin_host: r.origin.as_deref().map(origin_host),
        request_id: r.request_id,
        outcome: r.outcome,
        reason: r.reason,
        snapshot: r.snapshot.and_then(|s| serde_json::from_str(&s).ok()),
        seq: r.chain_seq,
        id: r.id,
    }
}

/// What one caller may read of one org's log: every event org-wide, or (a team-scoped
/// reader) their teams' events about entity types they may read there. Worked out once
/// per request; a live stream keeps it until it reconnects.
#[derive(Debug, Clone)]
pub struct Reader {
    org_id: String,
    org_ref: String,
    /// None for the local operator (`foxgate audit export`), who resolves teams unchecked.
    principal: Option<Principal>,
    teams: Option<Vec<String>>,
    types: Option<Vec<&'static str>>,
}

impl Reader {
    /// The caller's view of the org's log: 401/403 without `audit:read` anywhere in it.
    pub async fn of(s: &Services, p: &Principal, org_ref: &str) -> Result<Self, Error> {
        let org = AUDIT_READ.read(s, p, org_ref, None).await?.org;
        let org_wide = p.can(READ, &Scope::Org);
        let readable_teams: Vec<String> = if org_wide {
            Vec::new()
        } else {
            p.grants
                .team_sets()
                .iter()
                .filter(|(_, set)| set.contains(READ))
                .map(|(team, _)| team.clone())
                .collect()
        };
        // Entity types the caller may read where they read events: all of them org-wide,
        // for a team-scoped reader those readable in one of their teams.
        let may_read = |resource: Resource| {
            let perm = Permission::new(resource, Action::Read);
            if org_wide {
                p.can(perm, &Scope::Org)
            } else {
                readable_teams
                    .iter()
                    .any(|t| p.can(perm, &Scope::Team(t.clone())))
            }
        };
        let types: Vec<&'static str> = EntityType::ALL
            .iter()
            .filter(|t| may_read(t.resource()))
            .map(|t| t.as_str())
            .collect();
        Ok(Self {
            org_id: org.id,
            org_ref: org_ref.to_string(),
            principal: Some(p.clone()),
            teams: (!org_wide).then_some(readable_teams),
            types: (types.len() < EntityType::ALL.len()).then_some(types),
        })
    }

    /// The whole of an org's log, for the local operator at the command line.
    pub async fn operator(s: &Services, org_ref: &str) -> Result<Self, Error> {
        let mut conn = s.db.pool().acquire().await?;
        let org = crate::store::orgs::find(&mut conn, org_ref)
            .await?
            .ok_or_else(|| Error::invalid("org", format!("no organization {org_ref:?}")))?;
        Ok(Self {
            org_id: org.id,
            org_ref: org_ref.to_string(),
            principal: None,
            teams: None,
            types: None,
        })
    }

    /// The org's chain position now: a live tail starts after it.
    pub async fn head(&self, s: &Services) -> Result<i64, Error> {
        let mut conn = s.db.pool().acquire().await?;
        Ok(events::head(&mut conn, &self.org_id).await?)
    }
}

/// Which way a read goes: a page back from a cursor, or forward from a chain position.
#[derive(Clone, Copy)]
enum Direction {
    Older,
    Newer,
}

/// One page of the org's events that the caller may read, newest first.
pub async fn list(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    f: EventFilter,
) -> Result<EventPage, Error> {
    let reader = Reader::of(s, p, org_ref).await?;
    page(s, &reader, f).await
}

/// One page for a reader already worked out (the export reads many).
pub async fn page(s: &Services, reader: &Reader, f: EventFilter) -> Result<EventPage, Error> {
    let size = page::size(f.limit)?;
    let rows = read(s, reader, f, Direction::Older).await?;
    let (rows, next_cursor) = page::cut(rows, size, |r| cursor_of(r.created_at, &r.id));
    Ok(EventPage {
        events: rows.into_iter().map(view).collect(),
        next_cursor,
    })
}

/// The live tail: events after `f.after` in commit order, oldest first, at most `f.limit`.
pub async fn newer(s: &Services, reader: &Reader, f: EventFilter) -> Result<Vec<Event>, Error> {
    let size = page::size(f.limit)? as usize;
    let mut rows = read(s, reader, f, Direction::Newer).await?;
    rows.truncate(size);
    Ok(rows.into_iter().map(view).collect())
}

async fn read(
    s: &Services,
    reader: &Reader,
    f: EventFilter,
    direction: Direction,
) -> Result<Vec<events::EventRow>, Error> {
    let limit = page::size(f.limit)?;
    if f.after.is_some_and(|after| after < 0) {
        return Err(Error::invalid(
            "after",
            "must be a chain position (0 or more)",
        ));
    }
    let mut conn = s.db.pool().acquire().await?;
    let resolved = resolve(&mut conn, reader, &f).await?;
    let before = match direction {
        Direction::Older => f.cursor.as_deref().map(parse_cursor).transpose()?.flatten(),
        Direction::Newer => None,
    };
    let query = events::Query {
        before: before.as_ref().map(|(at, id)| (*at, id.as_str())),
        after_seq: f.after,
        limit: i64::from(limit) + 1,
        ..resolved.query(reader, &f)
    };
    Ok(match direction {
        Direction::Older => events::page(&mut conn, &query).await?,
        Direction::Newer => events::tail(&mut conn, &query).await?,
    })
}

/// A filter with its names worked out: the team, the actor, the actions, the times.
struct Resolved {
    team_id: Option<String>,
    actor: Option<String>,
    actions: Option<Vec<&'static str>>,
    since: Option<i64>,
    until: Option<i64>,
}

impl Resolved {
    /// The store query for the filter (no paging: callers add a cursor and a limit).
    fn query<'a>(&'a self, reader: &'a Reader, f: &'a EventFilter) -> events::Query<'a> {
        events::Query {
            org_id: &reader.org_id,
            teams: reader.teams.as_deref(),
            entity_types: reader.types.as_deref(),
            entity_type: f.entity_type.as_deref(),
            entity_id: f.entity_id.as_deref(),
            actor_id: self.actor.as_deref(),
            actor_kind: f.actor_kind.as_deref(),
            actions: self.actions.as_deref(),
            team_id: self.team_id.as_deref(),
            ip: f.ip.as_deref(),
            outcome: f.outcome.as_deref(),
            since: self.since,
            until: self.until,
            before: None,
            after_seq: None,
            limit: 0,
        }
    }
}

/// Checks a filter and resolves its names, as the reader may see them.
async fn resolve(
    conn: &mut sqlx::AnyConnection,
    reader: &Reader,
    f: &EventFilter,
) -> Result<Resolved, Error> {
    if let Some(outcome) = f.outcome.as_deref() {
        if Outcome::parse(outcome).is_none() {
            return Err(Error::invalid(
                "outcome",
                "must be success, failure or denied",
            ));
        }
    }
    let team_id = match (f.team.as_deref(), &reader.principal) {
        (None, _) => None,
        (Some(team_ref), Some(p)) => {
            Some(scope::team(conn, p, &reader.org_ref, team_ref).await?.1.id)
        }
        (Some(team_ref), None) => Some(
            crate::store::teams::find(conn, &reader.org_id, team_ref)
                .await?
                .ok_or_else(|| Error::invalid("team", format!("no team {team_ref:?}")))?
                .id,
        ),
    };
    let actor = match f.actor.as_deref() {
        None => None,
        Some(actor) => Some(actor_id(conn, reader, actor).await?),
    };
    Ok(Resolved {
        team_id,
        actor,
        actions: action_filter(f.action.as_deref())?,
        since: f
            .since
            .as_deref()
            .map(|t| instant("since", t, false))
            .transpose()?,
        until: f
            .until
            .as_deref()
            .map(|t| instant("until", t, true))
            .transpose()?,
    })
}

/// The actor filter as an actor id: `me` is the reader, an email is that user, anything
/// else an actor id as given.
async fn actor_id(
    conn: &mut sqlx::AnyConnection,
    reader: &Reader,
    actor: &str,
) -> Result<String, Error> {
    let actor = actor.trim();
    if actor.eq_ignore_ascii_case("me") {
        let me = reader.principal.as_ref().ok_or_else(|| {
            Error::invalid("actor", "me means the signed-in caller; name an actor")
        })?;
        // As events record it: a personal token's actions are its user's.
        return me.actor_id().map(str::to_string).ok_or(Error::Unauthorized);
    }
    if actor.contains('@') {
        // Unknown emails match nothing, as an unknown id would.
        return Ok(crate::store::users::id_by_email(conn, actor)
            .await?
            .unwrap_or_else(|| actor.to_string()));
    }
    Ok(actor.to_string())
}

/// The action filter as the actions it means: a known action, or every action starting
/// with the text (`team` is `team.created`, `team.updated`, `team.deleted`), matched on the
/// list of known actions so each one still reads its index newest first.
fn action_filter(action: Option<&str>) -> Result<Option<Vec<&'static str>>, Error> {
    let Some(action) = action
        .map(|a| a.trim().to_ascii_lowercase())
        .filter(|a| !a.is_empty())
    else {
        return Ok(None);
    };
    if action.len() > 64
        || !action
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'.' || b == b'_')
    {
        return Err(Error::invalid(
            "action",
            "is an action such as team.created, or the start of one such as team",
        ));
    }
    Ok(Some(match AuditAction::parse(&action) {
        Some(exact) => vec![exact.as_str()],
        None => AuditAction::ALL
            .iter()
            .map(|a| a.as_str())
            .filter(|a| a.starts_with(action.as_str()))
            .collect(),
    }))
}

/// Days the activity chart covers when no time range is chosen, today included.
pub const CHART_DAYS: i64 = 30;
/// The most days the chart draws: a longer range shows its last days.
pub const MAX_CHART_DAYS: i64 = 92;

/// Events per UTC day under the log's filters, oldest first, every day present: the days
/// of the filter's time range (the last [`CHART_DAYS`] without one, at most
/// [`MAX_CHART_DAYS`], never past today). Unfiltered, it reads the daily rollup; filtered,
/// it counts the matching events, each filter's index bounding the scan to the range.
pub async fn per_day(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    f: EventFilter,
) -> Result<Vec<DayCount>, Error> {
    let reader = Reader::of(s, p, org_ref).await?;
    let mut conn = s.db.pool().acquire().await?;
    let resolved = resolve(&mut conn, &reader, &f).await?;
    let day_of = |ms: i64| ms.div_euclid(DAY_MS) * DAY_MS;
    let today = day_of(crate::store::now_ms());
    let last = resolved.until.map_or(today, |u| day_of(u - 1)).min(today);
    let first = resolved
        .since
        .map_or(last - (CHART_DAYS - 1) * DAY_MS, day_of)
        .max(last - (MAX_CHART_DAYS - 1) * DAY_MS);
    if first > last {
        return Ok(Vec::new());
    }
    let narrowed = [
        &f.entity_type,
        &f.entity_id,
        &f.actor,
        &f.actor_kind,
        &f.action,
        &f.team,
        &f.ip,
        &f.outcome,
    ]
    .iter()
    .any(|v| v.is_some());
    let query = resolved.query(&reader, &f);
    let counted: std::collections::HashMap<i64, i64> = if narrowed {
        let query = events::Query {
            since: Some(resolved.since.unwrap_or(first).max(first)),
            until: Some(resolved.until.unwrap_or(i64::MAX).min(last + DAY_MS)),
            ..query
        };
        events::count_per_day(&mut conn, &query).await?
    } else {
        events::per_day(&mut conn, &query, first..last + DAY_MS).await?
    }
    .into_iter()
    .collect();
    Ok((0..=(last - first) / DAY_MS)
        .map(|i| first + i * DAY_MS)
        .map(|day| DayCount {
            day: rfc3339(day)[..10].to_string(),
            events: counted.get(&day).copied().unwrap_or(0),
        })
        .collect())
}

/// Events of orgs that keep no retention setting of their own (none today) and events that
/// belong to no org (failed sign-ins of unknown accounts) are kept this long.
pub const DEFAULT_RETENTION_DAYS: i64 = 30;

/// The retention job: deletes events past their org's retention, as one transaction.
pub async fn purge_expired(s: &Services) -> Result<u64, Error> {
    purge_as_of(s, crate::store::now_ms()).await
}

/// The purge as it would run at `now` (unix ms).
pub async fn purge_as_of(s: &Services, now: i64) -> Result<u64, Error> {
    let mut tx = s.db.begin().await?;
    let sign = |message: &str| s.sign_checkpoint(message);
    let min_days = i64::from(s.audit_min_retention_days);
    let deleted = crate::store::retention::purge(
        &mut tx,
        now,
        DEFAULT_RETENTION_DAYS.max(min_days),
        min_days,
        sign,
    )
    .await?;
    tx.commit().await?;
    if deleted > 0 {
        tracing::info!(deleted, "audit retention purge");
    }
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_in_three_forms() {
        assert_eq!(
            instant("since", "1700000000000", false).unwrap(),
            1_700_000_000_000
        );
        let day = instant("since", "2026-11-23", false).unwrap();
        assert_eq!(
            instant("until", "2026-11-23", true).unwrap(),
            day + 86_400_000
        );
        assert_eq!(
            instant("since", "2026-11-23T00:00:00Z", false).unwrap(),
            day
        );
        assert_eq!(
            instant("since", "2026-11-23T01:00:00+01:00", false).unwrap(),
            day
        );
        assert!(instant("since", "yesterday", false).is_err());
        let week_ago = instant("since", "7d", false).unwrap();
        let expected = crate::store::now_ms() - 7 * 86_400_000;
        assert!((expected - week_ago).abs() < 60_000);
        assert!(instant("since", "0d", false).is_err());
    }

    #[test]
    fn cursors_round_trip_and_refuse_junk() {
        let c = cursor_of(1_700_000_000_000, "0192-abc");
        assert_eq!(
            parse_cursor(&c).unwrap(),
            Some((1_700_000_000_000, "0192-abc".to_string()))
        );
        assert!(parse_cursor("%%%").is_err());
        assert!(parse_cursor(&page::cursor(&["no-number", "id"])).is_err());
        assert!(parse_cursor(&page::cursor(&["1"])).is_err());
    }

    #[test]
    fn origin_hosts_drop_the_scheme() {
        assert_eq!(
            origin_host("https://console.acme.test:8443"),
            "console.acme.test:8443"
        );
        assert_eq!(origin_host("foxgate bootstrap"), "foxgate bootstrap");
    }
}
