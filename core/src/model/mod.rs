//! Plain data shared by the API, the server functions and the console (serde, no I/O).

use crate::authz::{Principal, Scope};
use serde::{Deserialize, Serialize};

mod applications;
mod consequences;
pub mod decisions;
mod events;
mod forms;
mod scripts;
mod sso;
mod vocabulary;
pub use applications::*;
pub use consequences::*;
pub use events::*;
pub use forms::*;
pub use scripts::*;
pub use sso::*;
pub use vocabulary::*;

/// One live browser session, as its user sees it on the Sessions page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    /// A handle for ending it (the stored row id; it cannot be turned back into a cookie).
    pub id: String,
    pub current: bool,
    pub device: String,
    pub ip: Option<String>,
    /// "password" or the identity provider's name.
    pub method: String,
    pub signed_in_at: Option<i64>,
    pub last_seen_at: Option<i64>,
    pub expires_at: i64,
}

/// The answer of `GET /api/v1/auth/me`: who the caller is and what they may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Me {
    pub role: Option<String>,
    pub auth_kind: crate::authz::AuthKind,
    pub org_id: Option<String>,
    pub team_id: Option<String>,
    pub subject: Option<String>,
    pub email: Option<String>,
    pub can_write: bool,
    /// `resource:action` at org scope, then `resource:action@team:<id>` for team grants.
    /// Borrowed names where possible: this answer is built on every token check.
    pub permissions: Vec<std::borrow::Cow<'static, str>>,
}

impl Me {
    pub fn of(p: &Principal) -> Self {
        let (subject, email) = match &p.identity {
            crate::authz::Identity::User { id, email, .. } => {
                (Some(id.clone()), Some(email.clone()))
            }
            crate::authz::Identity::Anonymous | crate::authz::Identity::Token { .. } => {
                (None, None)
            }
        };
        let permissions = held_words(p);
        Me {
            role: match p.auth_kind {
                crate::authz::AuthKind::TeamToken => Some("team".to_string()),
                crate::authz::AuthKind::OrgToken => Some("org_admin".to_string()),
                crate::authz::AuthKind::PersonalToken => Some("personal".to_string()),
                crate::authz::AuthKind::Jwt => Some("script".to_string()),
                _ => p.role().map(|r| r.id().to_string()),
            },
            auth_kind: p.auth_kind,
            org_id: p.org_id.clone(),
            team_id: p.team_id.clone(),
            subject,
            email,
            can_write: p.can_write(),
            permissions,
        }
    }
}

/// What the console's dashboard shows about the signed-in user and their org.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ConsoleSummary {
    pub org_name: String,
    pub org_slug: String,
    pub user_email: String,
    pub user_name: String,
    pub role_name: String,
    /// What the viewer holds, so the console can hide what they cannot do (the server
    /// still refuses it).
    pub grants: crate::authz::Grants,
    /// Every org the viewer belongs to, for the org switcher.
    pub orgs: Vec<Org>,
    /// The org's token lifetime policy: new tokens must expire within this many days.
    pub max_token_lifetime_days: Option<u32>,
    /// How long the org's script grants live unused and at most (days; None: the defaults).
    #[serde(default)]
    pub script_lifetimes: (Option<u32>, Option<u32>),
    /// The viewer's applications' permissions, as words (`@team:<id>` when held in one
    /// team), which a personal token may then carry.
    pub app_permissions: Vec<String>,
    /// Each role the viewer holds here and where: "Org Admin" in "the whole organization",
    /// "Deployer" in "team Payments". Empty for a token.
    pub held_roles: Vec<HeldRole>,
}

/// A role the viewer holds, named, and where they hold it, named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct HeldRole {
    pub role: String,
    pub place: String,
}

/// The first organization and its owner, as asked for by `/setup`, the API and `foxgate bootstrap`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetupInput {
    /// The one-time code from the server log; required through the web, ignored by `foxgate bootstrap`.
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(value_type = Option<String>, format = Password, write_only))]
    pub setup_code: Option<crate::secret::Secret<String>>,
    #[cfg_attr(feature = "server", schema(min_length = 1, max_length = 100))]
    pub org_name: String,
    #[cfg_attr(
        feature = "server",
        schema(min_length = 2, max_length = 40, pattern = "^[a-z][a-z0-9-]*[a-z0-9]$")
    )]
    pub org_slug: String,
    #[cfg_attr(feature = "server", schema(format = Email, max_length = 254))]
    pub email: String,
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(max_length = 100))]
    pub display_name: Option<String>,
    #[cfg_attr(feature = "server", schema(value_type = String, format = Password, write_only, min_length = 12, max_length = 1024))]
    pub password: crate::secret::Secret<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SetupDone {
    pub org_id: String,
    pub org_slug: String,
    pub user_id: String,
}

/// A team as the API and the console show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Team {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewTeam {
    #[cfg_attr(
        feature = "server",
        schema(min_length = 2, max_length = 40, pattern = "^[a-z][a-z0-9-]*[a-z0-9]$")
    )]
    pub slug: String,
    #[cfg_attr(feature = "server", schema(min_length = 1, max_length = 100))]
    pub name: String,
}

/// A partial update: absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TeamChanges {
    #[serde(default)]
    #[cfg_attr(
        feature = "server",
        schema(min_length = 2, max_length = 40, pattern = "^[a-z][a-z0-9-]*[a-z0-9]$")
    )]
    pub slug: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(min_length = 1, max_length = 100))]
    pub name: Option<String>,
}

/// A local (email + password) account created by an admin inside their org.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewLocalMember {
    #[cfg_attr(feature = "server", schema(format = Email, max_length = 254))]
    pub email: String,
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(max_length = 100))]
    pub display_name: Option<String>,
    #[cfg_attr(feature = "server", schema(value_type = String, format = Password, write_only, min_length = 12, max_length = 1024))]
    pub password: crate::secret::Secret<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Member {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
}

/// Which members a list shows, and which page of them: `q` is a case-insensitive prefix of
/// the email or of the name (or of a word of it); `role` a role id (built-in or custom) held
/// anywhere in the org; `team` a team (slug or id) where they hold any role; `via` how they
/// sign in. Pages go by email, continued by `cursor`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct MemberFilter {
    #[serde(default)]
    #[cfg_attr(feature = "server", param(max_length = 254))]
    pub q: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub team: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "server", param(inline))]
    pub via: Option<SignInWay>,
    #[serde(default)]
    #[cfg_attr(feature = "server", param(inline))]
    pub status: Option<MemberStatus>,
    /// From a previous page's `next_cursor`.
    #[serde(default)]
    pub cursor: Option<String>,
    /// 1 to 200; default 50.
    #[serde(default)]
    #[cfg_attr(feature = "server", param(minimum = 1, maximum = 200))]
    pub limit: Option<u32>,
}

/// Whether a member's account may sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MemberStatus {
    Active,
    /// Disabled: cannot sign in, sessions ended.
    Disabled,
}

/// How a member signs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SignInWay {
    /// Through an identity provider.
    Sso,
    /// With a Foxgate password.
    Local,
}

/// One page of members, by email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MemberPage {
    pub members: Vec<MemberGrants>,
    /// Pass as `cursor` for the next page; None on the last page.
    pub next_cursor: Option<String>,
    #[serde(flatten)]
    pub total: Total,
}

/// A role to give a member: org-wide (`team` absent) or for one team (slug or id).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewGrant {
    pub user_id: String,
    pub role: String,
    #[serde(default)]
    pub team: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct GrantView {
    pub id: String,
    pub user_id: String,
    pub role: String,
    /// The role's name as shown.
    pub role_name: String,
    pub team_id: Option<String>,
    pub team_name: Option<String>,
}

/// A role as listed: built-in ones are read-only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Role {
    pub id: String,
    pub name: String,
    pub description: String,
    /// `resource:action` words.
    pub permissions: Vec<String>,
    pub builtin: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewRole {
    #[cfg_attr(feature = "server", schema(min_length = 1, max_length = 60))]
    pub name: String,
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(max_length = 500))]
    pub description: String,
    pub permissions: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RoleChanges {
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(min_length = 1, max_length = 60))]
    pub name: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(max_length = 500))]
    pub description: Option<String>,
    #[serde(default)]
    pub permissions: Option<Vec<String>>,
}

/// A member of an org with every grant they hold there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MemberGrants {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    /// Their first grants, oldest first: at most 20 (on a team's member list, those in the
    /// team); `GET /orgs/{org}/members/{user}/grants` pages through all.
    pub grants: Vec<GrantView>,
    /// How many grants they hold (on a team's member list, in the team).
    pub grants_held: i64,
    /// Their last sign-in to this org (unix ms), if any since it was first recorded.
    pub last_signin_at: Option<i64>,
    /// They have a Foxgate password (a local account).
    pub password: bool,
    /// They are known to an identity provider (signed in through single sign-on).
    pub sso: bool,
    /// Their account is disabled: they cannot sign in.
    pub disabled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Org {
    pub id: String,
    pub slug: String,
    pub name: String,
    /// Every new token must expire within this many days; None allows tokens that never do.
    pub max_token_lifetime_days: Option<u32>,
    /// Everyone but owners must sign in through an identity provider.
    pub require_sso: bool,
    /// How many days its audit events are kept (default 30).
    pub audit_retention_days: u32,
    /// A shorter retention waiting out its 7 days before it takes effect.
    pub audit_retention_pending: Option<PendingRetention>,
    /// Each denied decision its services ask about is written to the activity log, with
    /// the subject as its entity (otherwise decisions are only counted per minute).
    #[serde(default)]
    pub log_denied_decisions: bool,
    /// How many days a script grant (device flow) lives unused; None: 30.
    #[serde(default)]
    pub script_idle_days: Option<u32>,
    /// How many days a script grant lives at most, however often it refreshes; None: 90.
    #[serde(default)]
    pub script_max_days: Option<u32>,
}

/// A lowered audit retention, and when (unix ms) it takes effect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PendingRetention {
    pub days: u32,
    pub effective_at: i64,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OrgChanges {
    #[serde(default)]
    #[cfg_attr(
        feature = "server",
        schema(min_length = 2, max_length = 40, pattern = "^[a-z][a-z0-9-]*[a-z0-9]$")
    )]
    pub slug: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(min_length = 1, max_length = 100))]
    pub name: Option<String>,
    /// Absent: unchanged; `null`: no limit; a number: the new limit in days.
    #[serde(default, deserialize_with = "present")]
    pub max_token_lifetime_days: Option<Option<u32>>,
    /// Everyone but owners must sign in through an identity provider (needs `sso:update` too).
    #[serde(default)]
    pub require_sso: Option<bool>,
    /// Days to keep audit events, from the instance's minimum to 3650. Raising takes effect
    /// at once; lowering needs an owner and takes effect 7 days later.
    #[serde(default)]
    pub audit_retention_days: Option<u32>,
    /// Write each denied decision to the activity log (see [`Org::log_denied_decisions`]).
    #[serde(default)]
    pub log_denied_decisions: Option<bool>,
    /// Absent: unchanged; `null`: the default; 1 to 365 days a script grant lives unused.
    #[serde(default, deserialize_with = "present")]
    pub script_idle_days: Option<Option<u32>>,
    /// Absent: unchanged; `null`: the default; 1 to 3650 days a script grant lives at most.
    #[serde(default, deserialize_with = "present")]
    pub script_max_days: Option<Option<u32>>,
}

/// Tells an explicit `null` (Some(None)) from an absent field (None, via `default`).
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewOrg {
    #[cfg_attr(
        feature = "server",
        schema(min_length = 2, max_length = 40, pattern = "^[a-z][a-z0-9-]*[a-z0-9]$")
    )]
    pub slug: String,
    #[cfg_attr(feature = "server", schema(min_length = 1, max_length = 100))]
    pub name: String,
}

/// A token to mint. `kind` defaults to a team token when `team` is given and to an org
/// admin token otherwise; a personal token names `permissions` instead of `roles`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    #[cfg_attr(feature = "server", schema(min_length = 1, max_length = 100))]
    pub name: String,
    #[serde(default)]
    pub kind: Option<crate::token::TokenKind>,
    #[serde(default)]
    pub team: Option<String>,
    /// Role ids (built-in or custom) a team or org admin token carries.
    #[serde(default)]
    pub roles: Vec<String>,
    /// `resource:action` words a personal token may use (of its user's permissions).
    #[serde(default)]
    pub permissions: Vec<String>,
    /// Days until it expires. With `expires_on` absent too, it never expires.
    #[serde(default)]
    pub expires_in_days: Option<u32>,
    /// The last day (`YYYY-MM-DD`, UTC) it works.
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(format = Date))]
    pub expires_on: Option<String>,
    /// A one-time key (16 to 64 letters, digits, `-` or `_`): a second request with the
    /// same key is refused (409) instead of minting another token.
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(pattern = "^[A-Za-z0-9_-]{16,64}$"))]
    pub submission: Option<String>,
    /// Secure mode: the public key (Ed25519 or P-256, PEM or JWK) the token is bound to.
    /// Such a token has no secret; its requests are signed (README, "Signed requests").
    #[serde(default)]
    pub public_key: Option<String>,
}

/// Regenerating a token's secret; the old one keeps working for `grace_hours` (0 to 24).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TokenRotation {
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(maximum = 24))]
    pub grace_hours: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TokenStatus {
    Active,
    Expired,
    Revoked,
}

impl TokenStatus {
    pub const ALL: [TokenStatus; 3] = [Self::Active, Self::Expired, Self::Revoked];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Expired => "expired",
            Self::Revoked => "revoked",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// Which tokens a list shows (all when a field is None), and which page of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct TokenFilter {
    /// A prefix of the token's name, any letter case.
    #[serde(default)]
    #[cfg_attr(feature = "server", param(max_length = 100))]
    pub q: Option<String>,
    /// Only this team's tokens (slug or id).
    #[serde(default)]
    pub team: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "server", param(inline))]
    pub status: Option<TokenStatus>,
    #[serde(default)]
    #[cfg_attr(feature = "server", param(inline))]
    pub kind: Option<crate::token::TokenKind>,
    /// Only tokens minted by this user (a user id).
    #[serde(default)]
    pub creator: Option<String>,
    /// From a previous page's `next_cursor`.
    #[serde(default)]
    pub cursor: Option<String>,
    /// 1 to 200; default 50.
    #[serde(default)]
    #[cfg_attr(feature = "server", param(minimum = 1, maximum = 200))]
    pub limit: Option<u32>,
}

/// Which page of a list to read, for lists with nothing to filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct PageAsk {
    /// From a previous page's `next_cursor`.
    #[serde(default)]
    pub cursor: Option<String>,
    /// 1 to 200; default 50.
    #[serde(default)]
    #[cfg_attr(feature = "server", param(minimum = 1, maximum = 200))]
    pub limit: Option<u32>,
}

impl PageAsk {
    /// The first page of `limit` rows.
    pub fn first(limit: u32) -> Self {
        PageAsk {
            cursor: None,
            limit: Some(limit),
        }
    }
}

/// One page of roles: the built-in ones first, then the org's custom roles by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RolePage {
    pub roles: Vec<Role>,
    /// Pass as `cursor` for the next page; None on the last page.
    pub next_cursor: Option<String>,
}

/// One page of a member's grants, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct GrantPage {
    pub grants: Vec<GrantView>,
    /// Pass as `cursor` for the next page; None on the last page.
    pub next_cursor: Option<String>,
    #[serde(flatten)]
    pub total: Total,
}

/// One page of the caller's live sessions, the latest to expire first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SessionPage {
    pub sessions: Vec<SessionInfo>,
    /// Pass as `cursor` for the next page; None on the last page.
    pub next_cursor: Option<String>,
}

/// Which teams a list shows, and which page of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct TeamFilter {
    /// A prefix of the team's name or slug, any letter case.
    #[serde(default)]
    #[cfg_attr(feature = "server", param(max_length = 100))]
    pub q: Option<String>,
    /// From a previous page's `next_cursor`.
    #[serde(default)]
    pub cursor: Option<String>,
    /// 1 to 200; default 50.
    #[serde(default)]
    #[cfg_attr(feature = "server", param(minimum = 1, maximum = 200))]
    pub limit: Option<u32>,
}

/// One page of teams, by slug.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TeamPage {
    pub teams: Vec<Team>,
    /// Pass as `cursor` for the next page; None on the last page.
    pub next_cursor: Option<String>,
    #[serde(flatten)]
    pub total: Total,
}

/// One page of tokens, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TokenPage {
    pub tokens: Vec<TokenInfo>,
    /// Pass as `cursor` for the next page; None on the last page.
    pub next_cursor: Option<String>,
    #[serde(flatten)]
    pub total: Total,
}

/// How many rows a list's filter picks, on every page: exact up to 10,000 (1,000 when a
/// filter is set), beyond that the bound with `total_exact` false (an exact count of a
/// million rows costs more than a page).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Total {
    pub total: i64,
    pub total_exact: bool,
}

impl Total {
    /// "1,204", "1,000+" or "10,000+".
    pub fn words(&self) -> String {
        let digits = self.total.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        if !self.total_exact {
            out.push('+');
        }
        out
    }
}

/// A token as listed: never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TokenInfo {
    pub id: String,
    pub kind: crate::token::TokenKind,
    pub name: String,
    pub team_id: Option<String>,
    /// The team's name (in lists and mint answers).
    pub team_name: Option<String>,
    pub roles: Vec<String>,
    /// A personal token's user and the permissions it may use of theirs.
    pub user_id: Option<String>,
    pub permissions: Vec<String>,
    pub status: TokenStatus,
    pub created_by: Option<String>,
    pub created_by_email: Option<String>,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub rotated_at: Option<i64>,
    /// Until then the secret replaced by the last rotation still works.
    pub previous_valid_until: Option<i64>,
    pub last_used_at: Option<i64>,
    pub last_used_ip: Option<String>,
    /// `bearer` (a secret) or `signed` (secure mode: requests signed with `key`).
    pub mode: TokenMode,
    pub key: Option<TokenKeyInfo>,
}

/// The public key a secure-mode token is bound to, as shown: the request signatures'
/// `keyid` is the token's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TokenKeyInfo {
    pub algorithm: KeyAlgorithm,
    /// RFC 7638 thumbprint (SHA-256, base64url), to compare with the key one holds.
    pub thumbprint: String,
    /// The key as a JWK.
    pub jwk: String,
}

/// The answer to minting: the only time the secret is ever shown. A secure-mode token has
/// no secret, so no `token`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CreatedToken {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    pub info: TokenInfo,
}

/// `YYYY-MM-DD HH:MM UTC` for unix milliseconds: pure, so the browser formats times the
/// same way the server does.
pub fn format_utc(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60
    )
}

/// Unix milliseconds at 00:00 UTC of a `YYYY-MM-DD` date, or None when it is not a real date.
pub fn parse_utc_date(text: &str) -> Option<i64> {
    let mut parts = text.trim().splitn(3, '-');
    let mut next = |len: usize| {
        parts
            .next()
            .filter(|p| p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| p.parse::<i64>().ok())
    };
    let (year, month, day) = (next(4)?, next(2)?, next(2)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&month) || day < 1 || day > month_days[(month - 1) as usize] {
        return None;
    }
    // Days since 1970-01-01 from a civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some((era * 146_097 + doe - 719_468) * 86_400_000)
}

#[cfg(test)]
mod tests {
    use super::{format_utc, parse_utc_date};

    #[test]
    fn parses_dates_as_utc_midnight_and_refuses_impossible_ones() {
        for ms in [0, 951_782_400_000, 1_795_392_000_000, 4_102_358_400_000] {
            let text = &format_utc(ms)[..10];
            assert_eq!(parse_utc_date(text), Some(ms), "{text}");
        }
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-1-01",
            "26-01-01",
            "x",
            "",
        ] {
            assert_eq!(parse_utc_date(bad), None, "{bad}");
        }
        assert_eq!(parse_utc_date("2028-02-29"), Some(1_835_395_200_000));
    }

    #[test]
    fn formats_utc_minutes() {
        assert_eq!(format_utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_utc(951_782_400_000), "2000-02-29 00:00 UTC");
        assert_eq!(format_utc(1_795_407_296_000), "2026-11-23 04:14 UTC");
    }
}

/// Calls `f` with each of Foxgate's permissions a principal holds: org-wide ones with no
/// team, those held in one team only with its id.
fn each_held(p: &Principal, mut f: impl FnMut(&'static str, Option<&str>)) {
    let org = p.grants.at(&Scope::Org);
    for perm in org.iter() {
        f(perm.name(), None);
    }
    for (team, set) in p.grants.team_sets() {
        for perm in set.iter().filter(|perm| !org.contains(*perm)) {
            f(perm.name(), Some(team));
        }
    }
}

/// What a principal holds, as words: org-wide permissions by name, those held in one team
/// only as `name@team:<id>`, then applications' permissions the same way. `/auth/me` lists
/// them.
pub fn held_words(p: &Principal) -> Vec<std::borrow::Cow<'static, str>> {
    let mut words: Vec<std::borrow::Cow<'static, str>> = Vec::new();
    // Pushed, not `format!`ted: a member of 200 teams has hundreds of these per request.
    each_held(p, |name, team| {
        words.push(match team {
            None => name.into(),
            Some(team) => {
                let mut word = String::with_capacity(name.len() + "@team:".len() + team.len());
                word.push_str(name);
                word.push_str("@team:");
                word.push_str(team);
                word.into()
            }
        })
    });
    if !p.apps.is_empty() {
        let mut apps = String::new();
        p.apps.write_words(&mut apps, ' ');
        words.extend(apps.split(' ').map(|w| w.to_string().into()));
    }
    words
}

/// The same words as [`held_words`], space-separated: introspection's `scope`, written in
/// one buffer since a service token may hold hundreds of them.
pub fn scope(p: &Principal) -> String {
    let mut out = String::with_capacity(1024);
    each_held(p, |name, team| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(name);
        if let Some(team) = team {
            out.push_str("@team:");
            out.push_str(team);
        }
    });
    p.apps.write_words(&mut out, ' ');
    out
}

/// An RFC 7662 introspection answer. An inactive token is only `{"active":false}`: nothing
/// about why, nor whether it exists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Introspection {
    pub active: bool,
    /// Who acts: a personal token's user id, else the token's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// A personal token's user's email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The token's public id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// What the token may do now, space-separated: `teams:read`, and `tokens:read@team:<id>`
    /// for what it holds in one team only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_type: Option<&'static str>,
    /// Expiry and issue time, seconds since the epoch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exp: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    /// This Foxgate's public URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_kind: Option<crate::authz::AuthKind>,
}
