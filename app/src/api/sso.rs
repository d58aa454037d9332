//! Server functions for Single sign-on: the sign-in page's provider buttons, and the
//! Settings → Single sign-on page (providers saved from one flat form, rules one per line).
// A plain HTML form posts flat fields, and each field is an argument of the server function;
// the lint cannot be allowed on the generated client stub, only on the module.
#![allow(clippy::too_many_arguments)]

#[cfg(feature = "ssr")]
use super::door;
use crate::error::UiError;
use foxgate_core::model::{
    ConnectionReport, DomainClaim, IdentityProvider, SignInOption, SignInRoute, SsoSettings,
};
use leptos::prelude::*;

/// The providers an org offers on `/login?org=…`. Public: it names buttons, nothing more.
#[server(prefix = "/fn", endpoint = "sign_in_options")]
pub async fn sign_in_options(org: String) -> Result<Vec<SignInOption>, UiError> {
    let (s, p) = door::enter().await?;
    door::leave(&p, foxgate_core::service::sso::options(&s, &org).await)
}

/// What `/login?email=…` offers: the email domain's provider, and whether a password may
/// follow. Public, like the buttons: it depends on the domain only.
#[server(prefix = "/fn", endpoint = "sign_in_route_for")]
pub async fn sign_in_route_for(email: String) -> Result<SignInRoute, UiError> {
    let (s, p) = door::enter().await?;
    door::leave(&p, foxgate_core::service::sso::route_for(&s, &email).await)
}

#[server(prefix = "/fn", endpoint = "list_providers")]
pub async fn list_providers() -> Result<SsoSettings, UiError> {
    let (s, p) = door::enter().await?;
    // One page of the most holds them all: an org has at most `MAX_PROVIDERS`.
    let asked = foxgate_core::model::PageAsk::first(foxgate_core::service::page::MAX_SIZE);
    let providers = foxgate_core::service::sso_providers::list(&s, &p, door::org(&p), &asked)
        .await
        .map(|page| page.providers);
    let org = foxgate_core::service::orgs::get(&s, &p, door::org(&p)).await;
    door::leave(
        &p,
        providers.and_then(|providers| {
            Ok(SsoSettings {
                redirect_uri: s.sso_redirect_uri.clone(),
                require_sso: org?.require_sso,
                providers,
            })
        }),
    )
}

/// "Require single sign-on for everyone but owners": a checkbox, present when ticked.
#[server(prefix = "/fn", endpoint = "set_require_sso")]
pub async fn set_require_sso(#[server(default)] require: Option<String>) -> Result<(), UiError> {
    let (s, p) = door::enter().await?;
    let changes = foxgate_core::model::OrgChanges {
        require_sso: Some(require.is_some()),
        ..Default::default()
    };
    door::leave(
        &p,
        foxgate_core::service::orgs::update(&s, &p, door::org(&p), changes)
            .await
            .map(|_| ()),
    )
}

/// Creates a provider (`provider` empty) or replaces one's settings. An empty client secret
/// keeps the stored one; `enabled` is a checkbox (present when ticked); an empty
/// `api_audience` refuses the IdP's tokens on the API.
#[server(prefix = "/fn", endpoint = "save_provider")]
pub async fn save_provider(
    #[server(default)] provider: String,
    kind: String,
    #[server(default)] name: String,
    issuer: String,
    client_id: String,
    #[server(default)] client_secret: String,
    #[server(default)] scopes: String,
    #[server(default)] allowed_domains: String,
    #[server(default)] allowed_tenants: String,
    #[server(default)] groups_claim: String,
    #[server(default)] rule_group: Vec<String>,
    #[server(default)] rule_role: Vec<String>,
    #[server(default)] rule_team: Vec<String>,
    #[server(default)] default_role: String,
    #[server(default)] enabled: Option<String>,
    #[server(default)] api_audience: String,
) -> Result<IdentityProvider, UiError> {
    let form = foxgate_core::model::ProviderForm {
        kind,
        name,
        issuer,
        client_id,
        client_secret,
        scopes,
        allowed_domains,
        allowed_tenants,
        groups_claim,
        rule_groups: rule_group,
        rule_roles: rule_role,
        rule_teams: rule_team,
        default_role,
        enabled: enabled.is_some(),
        api_audience,
    };
    let (s, p) = door::enter().await?;
    let org = door::org(&p);
    let result = async {
        let settings = foxgate_core::model::ProviderSettings::try_from(form)?;
        match provider.trim() {
            "" => foxgate_core::service::sso_providers::create(&s, &p, org, settings).await,
            id => foxgate_core::service::sso_providers::update(&s, &p, org, id, settings).await,
        }
    }
    .await;
    door::leave(&p, result)
}

#[server(prefix = "/fn", endpoint = "delete_provider")]
pub async fn delete_provider(provider: String) -> Result<(), UiError> {
    door::serve!(foxgate_core::service::sso_providers::delete, &provider)
}

#[server(prefix = "/fn", endpoint = "test_provider")]
pub async fn test_provider(provider: String) -> Result<ConnectionReport, UiError> {
    door::serve!(foxgate_core::service::sso_providers::test, &provider)
}

/// The email domains the org claims, and the TXT record each needs.
#[server(prefix = "/fn", endpoint = "list_domains")]
pub async fn list_domains() -> Result<Vec<DomainClaim>, UiError> {
    door::serve!(foxgate_core::service::domains::list)
}

#[server(prefix = "/fn", endpoint = "claim_domain")]
pub async fn claim_domain(domain: String) -> Result<DomainClaim, UiError> {
    let input = foxgate_core::model::NewDomainClaim { domain };
    door::serve!(foxgate_core::service::domains::claim, input)
}

/// Looks the domain's TXT record up now.
#[server(prefix = "/fn", endpoint = "verify_domain")]
pub async fn verify_domain(domain_id: String) -> Result<DomainClaim, UiError> {
    door::serve!(foxgate_core::service::domains::verify, &domain_id)
}

#[server(prefix = "/fn", endpoint = "remove_domain")]
pub async fn remove_domain(domain_id: String) -> Result<(), UiError> {
    door::serve!(foxgate_core::service::domains::delete, &domain_id)
}
