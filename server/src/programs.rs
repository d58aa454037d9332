//! The programs' door: `/api/` requests that carry a bearer token. Services check tokens
//! here thousands of times a second, so these requests take a short path — request id,
//! cross-site write refusal, the token's Principal, the security headers — and skip what
//! only browsers need (the session cookie and the console's page gate). Browsers never
//! send a bearer token on their own, so nothing a browser does reaches this door.

use crate::api;
use crate::api_error::ApiError;
use crate::principal::{bearer, context_of};
use crate::request_id;
use crate::security;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use foxgate_core::service::bearer;

/// Whether a request goes through this door.
pub fn wants(req: &Request) -> bool {
    req.uri().path().starts_with("/api/") && bearer(req).is_some()
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .nest("/api/v1", api::routes())
        .fallback(|| async { ApiError::from(foxgate_core::Error::NotFound) })
        .layer(crate::assets::compression())
        .layer(from_fn_with_state(state.clone(), enter))
        .with_state(state)
}

/// One middleware for the whole path, so a token check is not a stack of layers.
async fn enter(State(state): State<AppState>, req: Request, next: Next) -> Response {
    request_id::around(req, |mut req| async move {
        let mut response = match security::cross_site_write(&state, &req) {
            Some(refusal) => refusal,
            None => {
                let token = bearer(&req).unwrap_or_default();
                match bearer::authenticate(&state.services, &token, context_of(&req)).await {
                    Ok(principal) => {
                        req.extensions_mut().insert(principal);
                        next.run(req).await
                    }
                    Err(e) => ApiError::from(e).into_response(),
                }
            }
        };
        security::protect(
            response.headers_mut(),
            HeaderValue::from_static(security::STRICT_CSP),
            false,
            state.config.https(),
        );
        response
    })
    .await
}
