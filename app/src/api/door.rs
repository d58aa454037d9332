//! The server side of every server function: find the Principal and the services the
//! server put in the request, and turn a core error into a status and a `UiError`.

use crate::error::UiError;
use foxgate_core::authz::Principal;
use foxgate_core::service::Services;
use leptos::prelude::*;
use std::sync::Arc;

pub async fn enter() -> Result<(Arc<Services>, Principal), UiError> {
    let services = use_context::<Arc<Services>>().ok_or_else(|| {
        UiError::from(foxgate_core::Error::internal(
            "services missing from context",
        ))
    })?;
    let principal = use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Principal>().cloned())
        .ok_or_else(|| {
            UiError::from(foxgate_core::Error::internal(
                "principal missing from request",
            ))
        })?;
    Ok((services, principal))
}

/// Maps a service result; an internal error names the request id its cause was logged under.
pub fn leave<T>(
    principal: &Principal,
    result: Result<T, foxgate_core::Error>,
) -> Result<T, UiError> {
    result.map_err(|e| {
        if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
            options.set_status(
                axum::http::StatusCode::from_u16(e.code().http_status())
                    .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR),
            );
        }
        if let foxgate_core::Error::Internal(cause) = &e {
            tracing::error!(%cause, "server function failed");
        }
        UiError(e.body(principal.context.request_id.as_deref()))
    })
}
