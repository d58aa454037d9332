//! Server functions: each takes the request's Principal and the services, calls one
//! `foxgate_core::service` fn, and maps its error. Nothing else happens here.

pub mod applications;
pub mod consequences;
#[cfg(feature = "ssr")]
mod door;
pub mod events;
pub mod members;
pub mod orgs;
pub mod roles;
pub mod scripts;
pub mod sessions;
pub mod sso;
pub mod teams;
pub mod tokens;

use crate::error::UiError;
use foxgate_core::model::ConsoleSummary;
use leptos::prelude::*;

/// The org and the signed-in user, for the dashboard and the header.
#[server(prefix = "/fn", endpoint = "dashboard_summary")]
pub async fn dashboard_summary() -> Result<ConsoleSummary, UiError> {
    let (services, principal) = door::enter().await?;
    door::leave(
        &principal,
        foxgate_core::service::console::summary(&services, &principal).await,
    )
}

/// Answers the current page with 404 (server side; a no-op in the browser).
pub fn mark_not_found() {
    #[cfg(feature = "ssr")]
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(axum::http::StatusCode::NOT_FOUND);
    }
}
