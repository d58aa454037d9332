//! Plain data shared by the API, the server functions and the console (serde, no I/O).

use crate::authz::{Principal, Scope};
use serde::{Deserialize, Serialize};

/// The answer of `GET /api/v1/auth/me`: who the caller is and what they may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub role: Option<String>,
    pub auth_kind: crate::authz::AuthKind,
    pub org_id: Option<String>,
    pub team_id: Option<String>,
    pub subject: Option<String>,
    pub email: Option<String>,
    pub can_write: bool,
    /// `resource:action` at org scope, then `resource:action@team:<id>` for team grants.
    pub permissions: Vec<String>,
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
        let org = p.grants.at(&Scope::Org);
        let mut permissions: Vec<String> = org.iter().map(|perm| perm.to_string()).collect();
        for (team, set) in p.grants.team_sets() {
            permissions.extend(
                set.iter()
                    .filter(|perm| !org.contains(*perm))
                    .map(|perm| format!("{perm}@team:{team}")),
            );
        }
        Me {
            role: match p.auth_kind {
                crate::authz::AuthKind::TeamToken => Some("team".to_string()),
                crate::authz::AuthKind::OrgToken => Some("org_admin".to_string()),
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
}

/// The first organization and its owner, as asked for by `/setup`, the API and `foxgate bootstrap`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetupInput {
    /// The one-time code from the server log; required through the web, ignored by `foxgate bootstrap`.
    #[serde(default)]
    pub setup_code: Option<crate::secret::Secret<String>>,
    pub org_name: String,
    pub org_slug: String,
    pub email: String,
    #[serde(default)]
    pub display_name: Option<String>,
    pub password: crate::secret::Secret<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupDone {
    pub org_id: String,
    pub org_slug: String,
    pub user_id: String,
}

/// A team as the API and the console show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewTeam {
    pub slug: String,
    pub name: String,
}

/// A partial update: absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamChanges {
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

/// A local (email + password) account created by an admin inside their org.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewLocalMember {
    pub email: String,
    #[serde(default)]
    pub display_name: Option<String>,
    pub password: crate::secret::Secret<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
}

/// A role to give a member: org-wide (`team` absent) or for one team (slug or id).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewGrant {
    pub user_id: String,
    pub role: String,
    #[serde(default)]
    pub team: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantView {
    pub id: String,
    pub user_id: String,
    pub role: String,
    pub team_id: Option<String>,
}

/// A role as listed: built-in ones are read-only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub id: String,
    pub name: String,
    pub description: String,
    /// `resource:action` words.
    pub permissions: Vec<String>,
    pub builtin: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewRole {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub permissions: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleChanges {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub permissions: Option<Vec<String>>,
}

/// A member of an org with every grant they hold there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberGrants {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    pub grants: Vec<GrantView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Org {
    pub id: String,
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgChanges {
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewOrg {
    pub slug: String,
    pub name: String,
}

/// A token to mint: org-wide (`team` absent, an org admin token) or for one team.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    pub name: String,
    #[serde(default)]
    pub team: Option<String>,
    /// Role ids (built-in or custom) the token carries.
    pub roles: Vec<String>,
    /// Days until it expires; absent means it never does.
    #[serde(default)]
    pub expires_in_days: Option<u32>,
}

/// A token as listed: never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    pub id: String,
    pub kind: crate::token::TokenKind,
    pub name: String,
    pub team_id: Option<String>,
    pub roles: Vec<String>,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub last_used_ip: Option<String>,
}

/// The answer to minting: the only time the secret is ever shown.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CreatedToken {
    pub token: String,
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

#[cfg(test)]
mod tests {
    use super::format_utc;

    #[test]
    fn formats_utc_minutes() {
        assert_eq!(format_utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_utc(951_782_400_000), "2000-02-29 00:00 UTC");
        assert_eq!(format_utc(1_795_407_296_000), "2026-11-23 04:14 UTC");
    }
}
