//! Server functions for the organization panel of the dashboard.

#[cfg(feature = "ssr")]
use super::door;
use crate::error::UiError;
use foxgate_core::model::Org;
use leptos::prelude::*;

#[server(prefix = "/fn", endpoint = "update_org")]
pub async fn update_org(name: String, slug: String) -> Result<Org, UiError> {
    let changes = foxgate_core::model::OrgChanges {
        name: Some(name),
        slug: Some(slug),
        ..Default::default()
    };
    door::serve!(foxgate_core::service::orgs::update, changes)
}

#[server(prefix = "/fn", endpoint = "create_org")]
pub async fn create_org(slug: String, name: String) -> Result<Org, UiError> {
    let (s, p) = door::enter().await?;
    let input = foxgate_core::model::NewOrg { slug, name };
    door::leave(&p, foxgate_core::service::orgs::create(&s, &p, input).await)
}

/// The org's maximum token lifetime in days; empty means no limit.
#[server(prefix = "/fn", endpoint = "set_token_lifetime")]
pub async fn set_token_lifetime(max_days: String) -> Result<Org, UiError> {
    let (s, p) = door::enter().await?;
    let updated = async {
        let limit =
            foxgate_core::model::optional_number("max_token_lifetime_days", &max_days, "days")?;
        let changes = foxgate_core::model::OrgChanges {
            max_token_lifetime_days: Some(limit),
            ..Default::default()
        };
        foxgate_core::service::orgs::update(&s, &p, door::org(&p), changes).await
    }
    .await;
    door::leave(&p, updated)
}

/// How long script grants live unused and at most (days); empty means the default.
#[server(prefix = "/fn", endpoint = "set_script_lifetimes")]
pub async fn set_script_lifetimes(idle_days: String, max_days: String) -> Result<Org, UiError> {
    let (s, p) = door::enter().await?;
    let updated = async {
        use foxgate_core::model::optional_number;
        let changes = foxgate_core::model::OrgChanges {
            script_idle_days: Some(optional_number("script_idle_days", &idle_days, "days")?),
            script_max_days: Some(optional_number("script_max_days", &max_days, "days")?),
            ..Default::default()
        };
        foxgate_core::service::orgs::update(&s, &p, door::org(&p), changes).await
    }
    .await;
    door::leave(&p, updated)
}

/// The org's settings as the viewer may read them.
#[server(prefix = "/fn", endpoint = "org_settings")]
pub async fn org_settings() -> Result<Org, UiError> {
    door::serve!(foxgate_core::service::orgs::get)
}

/// Turns the logging of each denied decision on (the box is ticked) or off.
#[server(prefix = "/fn", endpoint = "set_decision_logging")]
pub async fn set_decision_logging(
    #[server(default)] log_denied: Option<String>,
) -> Result<Org, UiError> {
    let changes = foxgate_core::model::OrgChanges {
        log_denied_decisions: Some(log_denied.is_some()),
        ..Default::default()
    };
    door::serve!(foxgate_core::service::orgs::update, changes)
}
