//! Single sign-on settings as the console and the API see them: an org's identity providers,
//! their group mapping, and what "Test connection" found.

use crate::secret::Secret;
use serde::{Deserialize, Serialize};

/// Which kind of IdP a provider is; it decides the shape of issuer and claims to expect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

    /// The scopes asked for when none are configured. Okta sends `groups` only when asked.
    pub fn default_scopes(self) -> &'static [&'static str] {
        match self {
            Self::Okta => &["openid", "email", "profile", "groups"],
            _ => &["openid", "email", "profile"],
        }
    }
}

/// Members of IdP group `group` get `role` (a role id) on `team` (slug or id), or org-wide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupRule {
    pub group: String,
    #[serde(default)]
    pub team: Option<String>,
    pub role: String,
}

/// A provider as shown after saving: the client secret is only ever "set" or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    /// Where the IdP sends people back: register exactly this in the IdP.
    pub redirect_uri: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A provider to create, or the full new settings of one (PUT). A missing `client_secret`
/// keeps the stored one.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderSettings {
    pub kind: ProviderKind,
    #[serde(default)]
    pub name: Option<String>,
    pub issuer: String,
    pub client_id: String,
    #[serde(default)]
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
}

fn enabled_by_default() -> bool {
    true
}

/// One step of "Test connection", in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionCheck {
    pub step: String,
    pub ok: bool,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionReport {
    pub ok: bool,
    pub checks: Vec<ConnectionCheck>,
}

/// A provider offered on the sign-in page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInOption {
    pub org_slug: String,
    pub provider_id: String,
    pub label: String,
}
