//! The programs' door: `/api/` requests that carry a bearer token or an HTTP message
//! signature (secure-mode tokens). Services check tokens here thousands of times a second,
//! so these requests take a short path — request id, cross-site write refusal, the token's
//! Principal, the security headers — and skip what only browsers need (the session cookie
//! and the console's page gate). Browsers never send a bearer token or a signature on their
//! own, so nothing a browser does reaches this door.

use crate::api;
use crate::api_error::ApiError;
use crate::principal::{bearer, context_of};
use crate::request_id;
use crate::security;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use foxgate_core::http_signature::Fields;
use foxgate_core::service::bearer;
use foxgate_core::service::signed_requests::{self, SignedRequest};

/// A signed request's body is read whole to check its digest: at most this many bytes.
const MAX_SIGNED_BODY: usize = 1024 * 1024;

/// Whether a request goes through this door.
pub fn wants(req: &Request) -> bool {
    req.uri().path().starts_with("/api/")
        && (bearer(req).is_some() || req.headers().contains_key(SIGNATURE_INPUT))
}

const SIGNATURE_INPUT: &str = "signature-input";

/// A request's headers as a signature base reads them.
struct HeaderFields<'a>(&'a HeaderMap);

impl Fields for HeaderFields<'_> {
    fn values(&self, name: &str) -> Vec<&str> {
        self.0
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect()
    }
}

/// The Principal of a signed request. The body is read (bounded) to check its digest and
/// handed on unchanged.
async fn signed(state: &AppState, req: Request) -> Result<Request, Response> {
    let context = context_of(&req);
    let (parts, body) = req.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_SIGNED_BODY).await else {
        return Err(ApiError::from(foxgate_core::Error::invalid(
            "body",
            format!("a signed request's body must be at most {MAX_SIGNED_BODY} bytes"),
        ))
        .into_response());
    };
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    };
    let fields = HeaderFields(&parts.headers);
    let request = SignedRequest {
        signature_input: header(SIGNATURE_INPUT),
        signature: header("signature"),
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query(),
        fields: &fields,
        body: &body,
    };
    match signed_requests::authenticate(&state.services, &request, context).await {
        Ok(principal) => {
            let mut req = Request::from_parts(parts, Body::from(body));
            req.extensions_mut().insert(principal);
            Ok(req)
        }
        Err(e) => Err(ApiError::from(e).into_response()),
    }
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
            None => match bearer(&req) {
                Some(token) => {
                    match bearer::authenticate(&state.services, &token, context_of(&req)).await {
                        Ok(principal) => {
                            req.extensions_mut().insert(principal);
                            next.run(req).await
                        }
                        Err(e) => ApiError::from(e).into_response(),
                    }
                }
                None => match signed(&state, req).await {
                    Ok(req) => next.run(req).await,
                    Err(refusal) => refusal,
                },
            },
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
