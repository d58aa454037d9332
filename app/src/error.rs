//! `UiError`: how a `foxgate_core::Error` travels through a server function to the console.

use foxgate_core::error::{ErrorBody, ErrorDetail};
use foxgate_core::model::{PageError, SigninRefusal};
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

/// Shown for an error code this build does not know.
const UNKNOWN: &str = "Something went wrong. Try again.";

/// The fixed sentence shown for an error code carried in a page's `?error=` query, so a
/// crafted link can never put its own text on a Foxgate page.
pub fn message_for(code: &str, field: Option<&str>) -> &'static str {
    let Some(code) = PageError::parse(code) else {
        return UNKNOWN;
    };
    match (code, field) {
        (PageError::InvalidCredentials, _) => "Wrong email or password.",
        (PageError::RateLimited, _) => "Too many attempts. Wait a few minutes and try again.",
        (PageError::Conflict, Some("slug" | "name" | "email" | "domain")) => {
            "Already in use: pick another."
        }
        (PageError::Conflict, _) => {
            "That conflicts with what exists: a name or slug already in use, or the last owner."
        }
        (PageError::Forbidden, _) => "You do not have permission to do this.",
        (PageError::NotFound, _) => "That no longer exists, or you cannot see it.",
        (PageError::InvalidInput, Some("setup_code")) => {
            "The setup code does not match the one in the server log."
        }
        (PageError::InvalidInput, Some("org_slug")) => {
            "The slug must be 2–40 lowercase letters, digits or '-', starting with a letter."
        }
        (PageError::InvalidInput, Some("org_name")) => "The organization name must be 1 to 100 characters.",
        (PageError::InvalidInput, Some("email")) => "Enter a valid email address.",
        (PageError::InvalidInput, Some("password")) => "The password must be at least 12 characters.",
        (PageError::InvalidInput, Some("slug")) => {
            "The slug must be 2–40 lowercase letters, digits or '-', starting with a letter."
        }
        (PageError::InvalidInput, Some("name")) => "The name is empty, too long, or reserved.",
        (PageError::InvalidInput, Some("role")) => {
            "Pick a role of this organization (built-in roles cannot be edited)."
        }
        (PageError::InvalidInput, Some("team")) => {
            "Pick the team: Team Admin grants and team tokens belong to one team."
        }
        (PageError::InvalidInput, Some("permissions")) => {
            "Pick permissions you hold (personal tokens only; others take roles)."
        }
        (PageError::InvalidInput, Some("roles")) => "Pick at least one role for the token.",
        (PageError::InvalidInput, Some("expires_in_days" | "expires_on")) => {
            "Pick an expiry within the organization's maximum token lifetime (a date from today on)."
        }
        (PageError::InvalidInput, Some("grace_hours")) => "The grace period is 0 to 24 hours.",
        (PageError::InvalidInput, Some("max_token_lifetime_days")) => {
            "The maximum token lifetime is 1 to 3650 days, or empty for no limit."
        }
        (PageError::InvalidInput, Some("script_idle_days" | "script_max_days")) => {
            "A script grant lives 1 to 365 days unused and 1 to 3650 days at most (no more unused than at most); empty for the default."
        }
        (PageError::InvalidInput, Some("issuer")) => {
            "The issuer must be an https URL (plain http only on this machine), without ?query."
        }
        (PageError::InvalidInput, Some("client_secret")) => "Enter the client secret the IdP gave you.",
        (PageError::InvalidInput, Some("allowed_tenants")) => {
            "Tenant ids are Entra ID GUIDs; a multi-tenant (/common) issuer needs at least one."
        }
        (PageError::InvalidInput, Some("allowed_domains")) => {
            "Allowed domains are names such as acme.com (Entra ID: restrict by tenant instead)."
        }
        (PageError::InvalidInput, Some("group_rules")) => {
            "Each group rule names the IdP group and a role of this organization; leave unused rows blank."
        }
        (PageError::InvalidInput, Some("default_role")) => "Pick a role of this organization, or none.",
        (PageError::InvalidInput, Some("require_sso")) => {
            "Add and enable an identity provider first, or nobody but owners could sign in."
        }
        (PageError::InvalidInput, _) => "Some fields are missing or invalid.",
        (PageError::SsoNotSetUp, _) => {
            "No single sign-on is set up for that email domain or organization. Use your Foxgate password, or ask an admin."
        }
        (PageError::SsoUnavailable, _) => {
            "The identity provider cannot be reached right now. Try again in a minute."
        }
        (PageError::SsoInvalid, _) => "Enter your work email or your organization.",
        (PageError::SsoRequired, _) => {
            "Your organization requires single sign-on: use “Continue with SSO” with your work email."
        }
        _ => UNKNOWN,
    }
}

/// The sentence for a refused single sign-on (`/login?error=sso&reason=…`); the reason code
/// itself is in the activity log for admins.
pub fn sso_message(reason: &str) -> &'static str {
    use SigninRefusal as R;
    match SigninRefusal::parse(reason) {
        Some(R::StateInvalid) | Some(R::StateExpired) => {
            "That sign-in was already used, has expired, or was started in another browser. Start again."
        }
        Some(R::NoAccess) => {
            "You have no access to this organization yet. Ask an admin to add you or to map one of your groups."
        }
        Some(R::ProviderDisabled) => "Single sign-on through this provider is switched off.",
        Some(R::DomainNotAllowed) | Some(R::TenantNotAllowed) => {
            "Your account is not from a domain or tenant this organization accepts."
        }
        Some(R::EmailBelongsToOtherAccount) => {
            "An account with your email exists but is not linked to this identity provider. Ask an admin."
        }
        Some(R::EmailNotVerified) => {
            "Your identity provider has not confirmed your email address, so Foxgate cannot tell which organization you belong to. Confirm the address with your identity provider (or ask its admin), then sign in again."
        }
        Some(R::EmailMissing) => {
            "Your identity provider did not share your email address. Ask its admin to release the email claim to Foxgate."
        }
        Some(R::AccountDisabled) => "Your account is disabled.",
        Some(R::IdpRefused) => "The identity provider did not sign you in.",
        _ => "Single sign-on failed. Try again; if it keeps failing, an admin can find the reason in the activity log.",
    }
}
