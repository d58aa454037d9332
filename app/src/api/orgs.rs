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
    let limit = match max_days.trim() {
        "" => None,
        days => Some(days.parse::<u32>().map_err(|_| {
            UiError::from(foxgate_core::Error::invalid(
                "max_token_lifetime_days",
                "must be a whole number of days, or empty for no limit",
            ))
        })?),
    };
    let changes = foxgate_core::model::OrgChanges {
        max_token_lifetime_days: Some(limit),
        ..Default::default()
    };
    door::serve!(foxgate_core::service::orgs::update, changes)
}
