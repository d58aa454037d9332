//! Which `iss` values a provider's tokens may carry. Exact string match (Auth0's trailing
//! slash included), except Entra ID's multi-tenant endpoints, whose discovery document names
//! the template `…/{tenantid}/v2.0`: a token then matches when its `tid` fills the template.

use crate::model::ProviderKind;

pub(super) const TENANT_PLACEHOLDER: &str = "{tenantid}";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    Exact(String),
    /// Entra ID's `/common` or `/organizations`: any tenant, named by the token's `tid`.
    AnyTenant {
        template: String,
    },
}

/// What to expect, given the configured issuer and the one the discovery document names.
pub fn expected(
    kind: ProviderKind,
    configured: &str,
    discovered: &str,
) -> Result<Expected, String> {
    if discovered == configured {
        return Ok(Expected::Exact(configured.to_string()));
    }
    if kind == ProviderKind::Entra && discovered.matches(TENANT_PLACEHOLDER).count() == 1 {
        return Ok(Expected::AnyTenant {
            template: discovered.to_string(),
        });
    }
    Err(format!(
        "the discovery document names the issuer \"{discovered}\", not \"{configured}\" (they must be identical, trailing slash included)"
    ))
}

/// An Entra tenant id is a GUID: only hex digits and dashes may fill the template.
fn is_tenant_id(tid: &str) -> bool {
    tid.len() == 36
        && tid.chars().enumerate().all(|(i, c)| {
            matches!(i, 8 | 13 | 18 | 23) == (c == '-') && (c == '-' || c.is_ascii_hexdigit())
        })
}

impl Expected {
    /// Whether a token with this `iss` (and `tid`, for Entra) comes from the provider.
    pub fn accepts(&self, iss: &str, tid: Option<&str>) -> bool {
        match self {
            Expected::Exact(issuer) => iss == issuer,
            Expected::AnyTenant { template } => tid
                .filter(|t| is_tenant_id(t))
                .is_some_and(|t| iss == template.replacen(TENANT_PLACEHOLDER, t, 1)),
        }
    }

    /// RFC 9207's `iss` response parameter, before any token names the tenant.
    pub fn accepts_response_iss(&self, iss: &str) -> bool {
        match self {
            Expected::Exact(issuer) => iss == issuer,
            Expected::AnyTenant { template } => {
                let (before, after) = template
                    .split_once(TENANT_PLACEHOLDER)
                    .expect("a template holds the placeholder");
                iss.strip_prefix(before)
                    .and_then(|rest| rest.strip_suffix(after))
                    .is_some_and(is_tenant_id)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TID: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    #[test]
    fn exact_issuers_match_exactly() {
        let e = expected(
            ProviderKind::Auth0,
            "https://acme.auth0.com/",
            "https://acme.auth0.com/",
        )
        .unwrap();
        assert!(e.accepts("https://acme.auth0.com/", None));
        assert!(
            !e.accepts("https://acme.auth0.com", None),
            "trailing slash matters"
        );
        assert!(expected(
            ProviderKind::Auth0,
            "https://acme.auth0.com",
            "https://acme.auth0.com/"
        )
        .is_err());
    }

    #[test]
    fn entra_common_accepts_any_tenant_named_by_tid() {
        let template = "https://login.microsoftonline.com/{tenantid}/v2.0";
        let e = expected(
            ProviderKind::Entra,
            "https://login.microsoftonline.com/common/v2.0",
            template,
        )
        .unwrap();
        let iss = format!("https://login.microsoftonline.com/{TID}/v2.0");
        assert!(e.accepts(&iss, Some(TID)));
        assert!(!e.accepts(&iss, None));
        assert!(!e.accepts(&iss, Some("11111111-1111-1111-1111-111111111111")));
        assert!(!e.accepts("https://evil.example/x/v2.0", Some("x")));
        assert!(e.accepts_response_iss(&iss));
        assert!(!e.accepts_response_iss("https://login.microsoftonline.com/evil/../v2.0"));
        assert!(
            expected(ProviderKind::Okta, "https://a/common", template).is_err(),
            "only Entra has templates"
        );
    }
}
