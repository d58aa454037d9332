//! Single sign-on settings as the console and the API see them: an org's identity providers,
//! their group mapping, and what "Test connection" found.

use crate::secret::Secret;
use serde::{Deserialize, Serialize};

/// Which kind of IdP a provider is; it decides the shape of issuer and claims to expect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProviderKind {
    Okta,
    Entra,
    Google,
    Auth0,
    Generic,
}

impl ProviderKind {
    pub const ALL: [ProviderKind; 5] = [
        Self::Okta,
        Self::Entra,
        Self::Google,
        Self::Auth0,
        Self::Generic,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Okta => "okta",
            Self::Entra => "entra",
            Self::Google => "google",
            Self::Auth0 => "auth0",
            Self::Generic => "generic",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// How the console names it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Okta => "Okta",
            Self::Entra => "Microsoft Entra ID",
            Self::Google => "Google Workspace",
            Self::Auth0 => "Auth0",
            Self::Generic => "OpenID Connect",
        }
    }

    /// What the issuer of this kind looks like, as a hint in the provider form.
    pub fn issuer_example(self) -> &'static str {
        match self {
            Self::Okta => "https://acme.okta.com/oauth2/default",
            Self::Entra => "https://login.microsoftonline.com/<tenant id>/v2.0",
            Self::Google => "https://accounts.google.com",
            Self::Auth0 => "https://acme.us.auth0.com/",
            Self::Generic => "https://idp.example.com",
        }
    }

    /// The scopes asked for when none are configured. Okta sends `groups` only when asked.
    pub fn default_scopes(self) -> &'static [&'static str] {
        match self {
            Self::Okta => &["openid", "email", "profile", "groups"],
            _ => &["openid", "email", "profile"],
        }
    }
}

/// An org's claim to an email domain, and the DNS record that proves it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct DomainClaim {
    pub id: String,
    pub domain: String,
    /// Where the TXT record goes: `_foxgate-challenge.<domain>`.
    pub record_name: String,
    /// What it must hold.
    pub record_value: String,
    pub verified: bool,
    pub verified_at: Option<i64>,
    pub created_at: i64,
}

/// `POST …/sso/domains`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewDomainClaim {
    pub domain: String,
}

/// Members of IdP group `group` get `role` (a role id) on `team` (slug or id), or org-wide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GroupRule {
    pub group: String,
    #[serde(default)]
    pub team: Option<String>,
    pub role: String,
}

impl GroupRule {
    /// The rules of the console's form, one row each: `groups[i]` → `roles[i]` (a role id or
    /// name) on `teams[i]` (a team slug or id; empty for the whole organization). Rows left
    /// blank are skipped; a row with only a group or only a role is refused, naming the row.
    pub fn from_rows(
        groups: &[String],
        roles: &[String],
        teams: &[String],
    ) -> Result<Vec<GroupRule>, String> {
        if groups.len() != roles.len() || groups.len() != teams.len() {
            return Err(
                "each rule needs a group, a role and a team (or the whole organization)".into(),
            );
        }
        groups
            .iter()
            .zip(roles)
            .zip(teams)
            .enumerate()
            .map(|(i, ((group, role), team))| (i + 1, group.trim(), role.trim(), team.trim()))
            .filter(|(_, group, role, _)| !group.is_empty() || !role.is_empty())
            .map(
                |(row, group, role, team)| match (group.is_empty(), role.is_empty()) {
                    (true, _) => Err(format!("rule {row}: name the identity provider's group")),
                    (_, true) => Err(format!("rule {row}: pick the role members of {group} get")),
                    _ => Ok(GroupRule {
                        group: group.to_string(),
                        team: Some(team.to_string()).filter(|t| !t.is_empty()),
                        role: role.to_string(),
                    }),
                },
            )
            .collect()
    }
}

/// A provider as shown after saving: the client secret is only ever "set" or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct IdentityProvider {
    pub id: String,
    pub kind: ProviderKind,
    pub name: String,
    pub issuer: String,
    pub client_id: String,
    pub client_secret_set: bool,
    pub scopes: Vec<String>,
    pub allowed_domains: Vec<String>,
    pub allowed_tenants: Vec<String>,
    pub groups_claim: Option<String>,
    pub group_rules: Vec<GroupRule>,
    pub default_role: Option<String>,
    pub enabled: bool,
    /// Its JWTs carrying this audience are accepted as bearer tokens on the API.
    pub api_audience: Option<String>,
    /// Where the IdP sends people back: register exactly this in the IdP.
    pub redirect_uri: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A provider to create, or the full new settings of one (PUT). A missing `client_secret`
/// keeps the stored one.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProviderSettings {
    pub kind: ProviderKind,
    #[serde(default)]
    pub name: Option<String>,
    pub issuer: String,
    pub client_id: String,
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(value_type = Option<String>, format = Password, write_only))]
    pub client_secret: Option<Secret<String>>,
    #[serde(default)]
    pub scopes: Vec<String>,
    #[serde(default)]
    pub allowed_domains: Vec<String>,
    #[serde(default)]
    pub allowed_tenants: Vec<String>,
    #[serde(default)]
    pub groups_claim: Option<String>,
    #[serde(default)]
    pub group_rules: Vec<GroupRule>,
    #[serde(default)]
    pub default_role: Option<String>,
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
    /// Accept this IdP's JWTs as bearer tokens on the API when they carry this audience
    /// (absent or null: never).
    #[serde(default)]
    pub api_audience: Option<String>,
}

fn enabled_by_default() -> bool {
    true
}

/// What the Single sign-on page shows: the redirect URI to register, and the providers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SsoSettings {
    pub redirect_uri: String,
    pub require_sso: bool,
    pub providers: Vec<IdentityProvider>,
}

/// One step of "Test connection", in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ConnectionCheck {
    pub step: String,
    pub ok: bool,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ConnectionReport {
    pub ok: bool,
    pub checks: Vec<ConnectionCheck>,
}

/// A provider offered on the sign-in page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SignInOption {
    pub org_slug: String,
    /// Shown on the button, so a visitor sees which organization they are signing in to.
    pub org_name: String,
    pub provider_id: String,
    pub label: String,
}

/// What the sign-in page offers once a visitor typed their email. Decided by the email's
/// domain alone, never by whether an account exists, so it tells nobody who has one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SignInRoute {
    /// The provider the org that verified the domain signs its people in with.
    pub sso: Option<SignInOption>,
    /// That org asks everyone but its owners to use single sign-on: the password form is
    /// only the owners' way in while the IdP is down.
    pub sso_required: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_rules_come_as_rows() {
        let text = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let rules = GroupRule::from_rows(
            &text(&["Engineering", " ", "a=b "]),
            &text(&["member", "", "admin"]),
            &text(&["alpha", "", ""]),
        )
        .unwrap();
        assert_eq!(
            rules,
            vec![
                GroupRule {
                    group: "Engineering".into(),
                    team: Some("alpha".into()),
                    role: "member".into()
                },
                GroupRule {
                    group: "a=b".into(),
                    team: None,
                    role: "admin".into()
                },
            ]
        );
        let refused = |g: &[&str], r: &[&str], t: &[&str]| {
            GroupRule::from_rows(&text(g), &text(r), &text(t)).unwrap_err()
        };
        assert_eq!(
            refused(&["", "Ops"], &["", ""], &["", ""]),
            "rule 2: pick the role members of Ops get"
        );
        assert_eq!(
            refused(&[""], &["admin"], &["alpha"]),
            "rule 1: name the identity provider's group"
        );
        assert!(refused(&["Ops"], &["admin"], &[]).contains("each rule"));
    }
}

/// One page of an org's identity providers, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ProviderPage {
    pub providers: Vec<IdentityProvider>,
    /// Pass as `cursor` for the next page; None on the last page.
    pub next_cursor: Option<String>,
}
