//! `UiError`: how a `foxgate_core::Error` travels through a server function to the console.

use foxgate_core::error::{ErrorBody, ErrorDetail};
use foxgate_core::ErrorCode;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// A server-function error: on the wire exactly the API's `{"error":{"code","message"}}`
/// (docs/architecture.md, "The error contract"), so both doors answer in one shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UiError(pub ErrorBody);

impl UiError {
    pub fn code(&self) -> ErrorCode {
        self.0.error.code
    }

    pub fn message(&self) -> &str {
        &self.0.error.message
    }
}

impl std::fmt::Display for UiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

impl FromServerFnError for UiError {
    type Encoder = JsonEncoding;

    /// Failures of the server-function machinery itself: arguments that do not decode are
    /// the caller's fault, anything else is ours.
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let code = match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_) => {
                ErrorCode::InvalidInput
            }
            _ => ErrorCode::Internal,
        };
        UiError(ErrorBody {
            error: ErrorDetail {
                code,
                message: value.to_string(),
                field: None,
            },
        })
    }
}

impl From<foxgate_core::Error> for UiError {
    fn from(e: foxgate_core::Error) -> Self {
        UiError(e.body(None))
    }
}

/// The fixed sentence shown for an error code carried in a page's `?error=` query, so a
/// crafted link can never put its own text on a Foxgate page.
pub fn message_for(code: &str, field: Option<&str>) -> &'static str {
    match (code, field) {
        ("invalid_credentials", _) => "Wrong email or password.",
        ("rate_limited", _) => "Too many attempts. Wait a few minutes and try again.",
        ("conflict", _) => {
            "That conflicts with what exists: a name or slug already in use, or the last owner."
        }
        ("forbidden", _) => "You do not have permission to do this.",
        ("not_found", _) => "That no longer exists, or you cannot see it.",
        ("invalid_input", Some("setup_code")) => {
            "The setup code does not match the one in the server log."
        }
        ("invalid_input", Some("org_slug")) => {
            "The slug must be 2–40 lowercase letters, digits or '-', starting with a letter."
        }
        ("invalid_input", Some("org_name")) => "The organization name must be 1 to 100 characters.",
        ("invalid_input", Some("email")) => "Enter a valid email address.",
        ("invalid_input", Some("password")) => "The password must be at least 12 characters.",
        ("invalid_input", Some("slug")) => {
            "The slug must be 2–40 lowercase letters, digits or '-', starting with a letter."
        }
        ("invalid_input", Some("name")) => "The name is empty, too long, or reserved.",
        ("invalid_input", Some("role")) => {
            "Pick a role of this organization (built-in roles cannot be edited)."
        }
        ("invalid_input", Some("team")) => {
            "Pick the team: Team Admin grants and team tokens belong to one team."
        }
        ("invalid_input", Some("permissions")) => {
            "Pick permissions you hold (personal tokens only; others take roles)."
        }
        ("invalid_input", Some("roles")) => "Pick at least one role for the token.",
        ("invalid_input", Some("expires_in_days" | "expires_on")) => {
            "Pick an expiry within the organization's maximum token lifetime (a date from today on)."
        }
        ("invalid_input", Some("grace_hours")) => "The grace period is 0 to 24 hours.",
        ("invalid_input", Some("max_token_lifetime_days")) => {
            "The maximum token lifetime is 1 to 3650 days, or empty for no limit."
        }
        ("invalid_input", Some("issuer")) => {
            "The issuer must be an https URL (plain http only on this machine), without ?query."
        }
        ("invalid_input", Some("client_secret")) => "Enter the client secret the IdP gave you.",
        ("invalid_input", Some("allowed_tenants")) => {
            "Tenant ids are Entra ID GUIDs; a multi-tenant (/common) issuer needs at least one."
        }
        ("invalid_input", Some("allowed_domains")) => {
            "Allowed domains are names such as acme.com (Entra ID: restrict by tenant instead)."
        }
        ("invalid_input", Some("group_rules")) => {
            "Each rule is one line, `group = role` or `group = role @ team`, naming roles and teams of this organization."
        }
        ("invalid_input", Some("default_role")) => "Pick a role of this organization, or none.",
        ("invalid_input", Some("require_sso")) => {
            "Add and enable an identity provider first, or nobody but owners could sign in."
        }
        ("invalid_input", _) => "Some fields are missing or invalid.",
        ("sso_not_set_up", _) => {
            "No single sign-on is set up for that email domain or organization. Use your Foxgate password, or ask an admin."
        }
        ("sso_unavailable", _) => {
            "The identity provider cannot be reached right now. Try again in a minute."
        }
        ("sso_invalid", _) => "Enter your work email or your organization.",
        ("sso_required", _) => {
            "Your organization requires single sign-on: use “Continue with SSO” with your work email."
        }
        _ => "Something went wrong. Try again.",
    }
}

/// The sentence for a refused single sign-on (`/login?error=sso&reason=…`); the reason code
/// itself is in the activity log for admins.
pub fn sso_message(reason: &str) -> &'static str {
    match reason {
        "state_invalid" | "state_expired" => {
            "That sign-in was already used, has expired, or was started in another browser. Start again."
        }
        "no_access" => {
            "You have no access to this organization yet. Ask an admin to add you or to map one of your groups."
        }
        "provider_disabled" => "Single sign-on through this provider is switched off.",
        "domain_not_allowed" | "tenant_not_allowed" => {
            "Your account is not from a domain or tenant this organization accepts."
        }
        "email_belongs_to_other_account" => {
            "An account with your email exists but is not linked to this identity provider. Ask an admin."
        }
        "account_disabled" => "Your account is disabled.",
        "idp_refused" => "The identity provider did not sign you in.",
        _ => "Single sign-on failed. Try again; if it keeps failing, an admin can find the reason in the activity log.",
    }
}
