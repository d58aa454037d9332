//! Browser-facing protections (docs/architecture.md): security headers with a per-response CSP nonce,
//! and the refusal of cross-site state-changing requests.

use crate::api_error::ApiError;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use rand::RngCore;

/// The nonce that this response's inline scripts (Leptos hydration) carry and its CSP allows.
#[derive(Debug, Clone)]
pub struct CspNonce(pub String);

/// CSP for everything that is not an HTML page: nothing may load, nothing may frame it.
pub const STRICT_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

pub async fn headers(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let static_asset = path.starts_with("/pkg/");
    // Only pages run scripts; the API, hit by services thousands of times a second, never
    // answers HTML, so it gets no nonce (and the strict policy).
    let nonce = (!path.starts_with("/api/")).then(|| {
        let mut bytes = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut bytes);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    });
    if let Some(nonce) = &nonce {
        req.extensions_mut().insert(CspNonce(nonce.clone()));
    }

    let mut response = next.run(req).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let csp = match nonce.filter(|_| is_html) {
        Some(nonce) => HeaderValue::from_str(&format!(
            "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
             img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
        ))
        .unwrap_or(HeaderValue::from_static(STRICT_CSP)),
        None => HeaderValue::from_static(STRICT_CSP),
    };
    protect(
        response.headers_mut(),
        csp,
        static_asset,
        state.config.https(),
    );
    response
}

/// The headers every answer carries; `cacheable` is for static assets only.
pub fn protect(h: &mut HeaderMap, csp: HeaderValue, cacheable: bool, https: bool) {
    h.insert(header::CONTENT_SECURITY_POLICY, csp);
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !cacheable && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if https {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Refuses state-changing requests that a browser marks as coming from another site, or
/// whose `Origin` is not Foxgate's public origin. Requests without either header (curl,
/// services with bearer tokens) carry no ambient browser credentials to abuse, so they pass.
pub async fn same_origin_writes(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    match cross_site_write(&state, &req) {
        Some(refusal) => refusal,
        None => next.run(req).await,
    }
}

/// The refusal of a state-changing request from another site, if this is one.
pub fn cross_site_write(state: &AppState, req: &Request) -> Option<Response> {
    if !changes_state(req.method()) {
        return None;
    }
    let headers = req.headers();
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if matches!(fetch_site, Some("cross-site" | "same-site")) {
        return Some(refuse("the request comes from another site"));
    }
    let origin = headers.get(header::ORIGIN)?.to_str().unwrap_or("");
    if origin.eq_ignore_ascii_case(&state.config.public_origin) {
        return None;
    }
    tracing::warn!(origin, expected = %state.config.public_origin, "cross-origin write refused");
    Some(refuse(
        "the request's Origin is not this Foxgate's public URL",
    ))
}

fn refuse(why: &str) -> Response {
    ApiError::from(foxgate_core::Error::Forbidden)
        .with_message(format!("cross-origin request refused: {why}"))
        .into_response()
}
