//! The OAuth door for services: RFC 8414 authorization server metadata and RFC 7662 token
//! introspection. Answers follow the RFCs (their error shape, not Foxgate's), take no
//! session, and say nothing about a token that is not live.

use crate::principal::context_of;
use crate::request_id;
use crate::security;
use crate::state::AppState;
use axum::extract::{FromRequest, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json, Router};
use base64::Engine;
use foxgate_core::authz::{Identity, Principal, RequestContext};
use foxgate_core::model::Introspection;
use foxgate_core::service::{bearer as tokens, introspection, scripts};
use foxgate_core::use_cases as uc;
use foxgate_core::Error;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::openapi::OpenApi;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub const METADATA_PATH: &str = "/.well-known/oauth-authorization-server";
pub const INTROSPECTION_PATH: &str = "/oauth2/introspect";
pub const JWKS_PATH: &str = "/.well-known/jwks.json";
pub const DEVICE_PATH: &str = "/oauth2/device_authorization";
pub const TOKEN_PATH: &str = "/oauth2/token";
/// RFC 8628 §3.5: the grant type a polling script names.
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// Whether a request goes through this door.
pub fn wants(req: &Request) -> bool {
    let path = req.uri().path();
    path == METADATA_PATH || path == JWKS_PATH || path.starts_with("/oauth2/")
}

/// The door's routes and their OpenAPI description, from the same handlers.
pub fn described() -> (Router<AppState>, OpenApi) {
    OpenApiRouter::new()
        .routes(routes!(metadata))
        .routes(routes!(jwks))
        .routes(routes!(introspect))
        .routes(routes!(device_authorization))
        .routes(routes!(token))
        .split_for_parts()
}

pub fn router(state: AppState) -> Router {
    described()
        .0
        .fallback(|| async { oauth_error(StatusCode::NOT_FOUND, "not_found", None) })
        .layer(from_fn_with_state(state.clone(), enter))
        .with_state(state)
}

/// Request id, the cross-site write refusal and the security headers, as on the other doors.
async fn enter(State(state): State<AppState>, req: Request, next: Next) -> Response {
    request_id::around(req, |req| async move {
        let mut response = match security::cross_site_write(&state, &req) {
            Some(refusal) => refusal,
            None => next.run(req).await,
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

/// RFC 8414 §2: the authorization server's metadata.
#[derive(Serialize, ToSchema)]
struct Metadata {
    issuer: String,
    introspection_endpoint: String,
    introspection_endpoint_auth_methods_supported: [&'static str; 2],
    device_authorization_endpoint: String,
    token_endpoint: String,
    token_endpoint_auth_methods_supported: [&'static str; 1],
    jwks_uri: String,
    response_types_supported: [&'static str; 0],
    grant_types_supported: [&'static str; 2],
}

/// RFC 7517 §5: a JWK Set.
#[derive(Serialize, ToSchema)]
struct KeySet {
    /// Ed25519 public keys (`kty` OKP), each with its `kid`.
    keys: Vec<Value>,
}

/// RFC 8628 §3.2: what a script shows the person who is to approve it.
#[derive(Serialize, ToSchema)]
struct DeviceAuthorization {
    device_code: String,
    user_code: String,
    verification_uri: String,
    verification_uri_complete: String,
    /// Seconds the codes stay valid.
    expires_in: i64,
    /// Seconds to wait between polls.
    interval: i64,
}

/// RFC 6749 §5.1: the tokens issued.
#[derive(Serialize, ToSchema)]
struct Issued {
    /// An EdDSA JWT, verifiable with the JWKS.
    access_token: String,
    /// Always `Bearer`.
    token_type: &'static str,
    expires_in: i64,
    /// One use: redeeming it issues a new one.
    refresh_token: String,
    scope: String,
}

/// RFC 6749 §5.2: the OAuth error shape these routes answer (not Foxgate's).
#[derive(Serialize, ToSchema)]
struct OAuthError<'a> {
    /// `invalid_request`, `invalid_client`, `invalid_grant`, `unsupported_grant_type`,
    /// `authorization_pending`, `slow_down`, `access_denied`, `expired_token`,
    /// `insufficient_scope`.
    error: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_description: Option<&'a str>,
}

/// RFC 8414: where each endpoint is and how callers authenticate there. Scripts are public
/// clients (RFC 8628 §3.1: they name themselves with `client_id`, no secret).
#[utoipa::path(
    get,
    path = "/.well-known/oauth-authorization-server",
    operation_id = "get_oauth_metadata",
    tag = "oauth",
    summary = "OAuth authorization server metadata (RFC 8414)",
    security(()),
    responses((status = 200, body = Metadata))
)]
async fn metadata(State(st): State<AppState>) -> Json<Metadata> {
    let issuer = &st.config.public_origin;
    Json(Metadata {
        issuer: issuer.clone(),
        introspection_endpoint: format!("{issuer}{INTROSPECTION_PATH}"),
        introspection_endpoint_auth_methods_supported: [
            "client_secret_basic",
            "client_secret_post",
        ],
        device_authorization_endpoint: format!("{issuer}{DEVICE_PATH}"),
        token_endpoint: format!("{issuer}{TOKEN_PATH}"),
        token_endpoint_auth_methods_supported: ["none"],
        jwks_uri: format!("{issuer}{JWKS_PATH}"),
        response_types_supported: [],
        grant_types_supported: [DEVICE_GRANT, "refresh_token"],
    })
}

/// The public keys Foxgate's access tokens are signed with (RFC 7517), cacheable briefly:
/// a rotation publishes the new key before anything is signed with it reaches a verifier
/// that cached this for longer than that.
#[utoipa::path(
    get,
    path = "/.well-known/jwks.json",
    operation_id = "get_jwks",
    tag = "oauth",
    summary = "The keys Foxgate's access tokens are signed with (RFC 7517)",
    security(()),
    responses((status = 200, body = KeySet))
)]
async fn jwks(State(st): State<AppState>) -> Response {
    match st.services.signing.published(&st.services).await {
        Ok(keys) => {
            let keys: Vec<_> = keys.iter().map(foxgate_core::jwt::PublicKey::jwk).collect();
            let mut r = Json(KeySet { keys }).into_response();
            r.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=60"),
            );
            r
        }
        Err(e) => crate::api_error::ApiError::from(e).into_response(),
    }
}

/// RFC 8628 §3.1.
#[derive(Debug, Deserialize, ToSchema)]
struct DeviceRequest {
    /// The script's name for itself (a public client: no secret).
    client_id: Option<String>,
    #[serde(default)]
    scope: String,
}

/// RFC 8628 §3.1–3.2: a script asks to act as someone and is told the code to show them.
#[utoipa::path(
    post,
    path = "/oauth2/device_authorization",
    operation_id = "start_device_authorization",
    tag = "oauth",
    summary = "A script asks to act as someone (RFC 8628 device flow)",
    security(()),
    request_body(content = DeviceRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, body = DeviceAuthorization),
        (status = 400, body = OAuthError),
        (status = 429, body = OAuthError, description = "`slow_down`: after `Retry-After` seconds")
    )
)]
async fn device_authorization(State(st): State<AppState>, req: Request) -> Response {
    let context = context_of(&req);
    let asked: DeviceRequest = match form(&st, req).await {
        Ok(asked) => asked,
        Err(refusal) => return refusal,
    };
    let Some(client_id) = asked.client_id else {
        return missing("client_id");
    };
    match scripts::start(&st.services, &context, &client_id, &asked.scope).await {
        Ok(started) => {
            let issuer = &st.config.public_origin;
            let verification_uri = format!("{issuer}/device");
            no_store(
                Json(DeviceAuthorization {
                    device_code: started.device_code.expose().to_string(),
                    verification_uri_complete: format!(
                        "{verification_uri}?user_code={}",
                        started.user_code
                    ),
                    user_code: started.user_code,
                    verification_uri,
                    expires_in: started.expires_in,
                    interval: started.interval,
                })
                .into_response(),
            )
        }
        Err(e) => refused(e),
    }
}

/// RFC 6749 §4.1.3 / §6 and RFC 8628 §3.4: the fields a token request may carry.
#[derive(Debug, Deserialize, ToSchema)]
struct TokenRequest {
    /// `urn:ietf:params:oauth:grant-type:device_code` or `refresh_token`.
    grant_type: Option<String>,
    client_id: Option<String>,
    device_code: Option<String>,
    refresh_token: Option<String>,
}

/// The token endpoint: a polling script's device code, or a refresh token, for tokens.
#[utoipa::path(
    post,
    path = "/oauth2/token",
    operation_id = "issue_token",
    tag = "oauth",
    summary = "Tokens for an approved device code, or for a refresh token (RFC 6749, RFC 8628)",
    security(()),
    request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, body = Issued),
        (status = 400, body = OAuthError),
        (status = 429, body = OAuthError, description = "`slow_down`: after `Retry-After` seconds")
    )
)]
async fn token(State(st): State<AppState>, req: Request) -> Response {
    let context = context_of(&req);
    let asked: TokenRequest = match form(&st, req).await {
        Ok(asked) => asked,
        Err(refusal) => return refusal,
    };
    let Some(client_id) = asked.client_id else {
        return missing("client_id");
    };
    let issued = match (
        asked.grant_type.as_deref(),
        asked.device_code,
        asked.refresh_token,
    ) {
        (Some(DEVICE_GRANT), Some(code), _) => {
            scripts::redeem(&st.services, &context, &client_id, &code).await
        }
        (Some("refresh_token"), _, Some(token)) => {
            scripts::refresh(&st.services, &context, &client_id, &token).await
        }
        (Some(DEVICE_GRANT), None, _) => return missing("device_code"),
        (Some("refresh_token"), _, None) => return missing("refresh_token"),
        (Some(_), _, _) => {
            return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", None)
        }
        (None, _, _) => return missing("grant_type"),
    };
    match issued {
        Ok(issued) => no_store(
            Json(Issued {
                access_token: issued.access_token,
                token_type: "Bearer",
                expires_in: issued.expires_in,
                refresh_token: issued.refresh_token.expose().to_string(),
                scope: issued.scope,
            })
            .into_response(),
        ),
        Err(e) => refused(e),
    }
}

/// A form body, or the OAuth answer to a bad one.
async fn form<T: serde::de::DeserializeOwned>(st: &AppState, req: Request) -> Result<T, Response> {
    match Form::<T>::from_request(req, st).await {
        Ok(Form(value)) => Ok(value),
        Err(rejection) => Err(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            Some(&rejection.body_text()),
        )),
    }
}

/// RFC 6749 §5.2: a required parameter is missing.
fn missing(parameter: &str) -> Response {
    oauth_error(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        Some(&format!("{parameter} is required")),
    )
}

/// RFC 6749 §5.1: token answers are never cached.
fn no_store(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r.headers_mut()
        .insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    r
}

/// A refused device or token request in OAuth's words (400, or 429 with Retry-After).
fn refused(e: scripts::OAuthError) -> Response {
    use scripts::OAuthError as E;
    match e {
        E::RateLimited(wait) => {
            let mut r = oauth_error(StatusCode::TOO_MANY_REQUESTS, e.code(), None);
            if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            r
        }
        E::Internal(inner) => crate::api_error::ApiError::from(inner).into_response(),
        E::InvalidRequest(why) => oauth_error(StatusCode::BAD_REQUEST, e.code(), Some(why)),
        _ => no_store(oauth_error(StatusCode::BAD_REQUEST, e.code(), None)),
    }
}

/// The form RFC 7662 §2.1 defines, with the client's credentials when it authenticates in
/// the body (`client_secret_post`). An unknown `token_type_hint` is ignored, as it allows.
#[derive(Debug, Deserialize, ToSchema)]
struct IntrospectionRequest {
    /// The token presented to the service.
    token: String,
    #[allow(dead_code)]
    #[serde(default)]
    token_type_hint: Option<String>,
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    client_secret: Option<String>,
}

/// How the caller proved itself.
enum Credentials {
    /// `Authorization: Bearer <Foxgate token>`.
    Bearer(String),
    /// The token's id as client id and the token as secret: `Authorization: Basic`
    /// (`client_secret_basic`) or in the form (`client_secret_post`).
    Client { client_id: String, secret: String },
}

/// RFC 7662 §2: the caller authenticates (Basic or Bearer) and must hold `decisions:read`
/// in its org; the answer is `Cache-Control: no-store`.
#[utoipa::path(
    post,
    path = "/oauth2/introspect",
    operation_id = "introspect_token",
    tag = "oauth",
    summary = "Is this token live, and what may it do? (RFC 7662)",
    extensions(("x-permission" = json!(crate::api::needs(&[uc::DECISIONS_READ])))),
    security(("client" = []), ("bearer" = [])),
    request_body(content = IntrospectionRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, body = Introspection),
        (status = 400, body = OAuthError),
        (status = 401, body = OAuthError, description = "`invalid_client` or `insufficient_scope`"),
        (status = 429, body = OAuthError, description = "`slow_down`: after `Retry-After` seconds")
    )
)]
async fn introspect(State(st): State<AppState>, req: Request) -> Response {
    let context = context_of(&req);
    let from_header = credentials(req.headers());
    let Form(asked) = match Form::<IntrospectionRequest>::from_request(req, &st).await {
        Ok(form) => form,
        Err(rejection) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                Some(&rejection.body_text()),
            )
        }
    };
    let credentials = match (from_header, &asked.client_id, &asked.client_secret) {
        (Some(header), None, None) => Some(header),
        (None, Some(client_id), Some(secret)) => Some(Credentials::Client {
            client_id: client_id.clone(),
            secret: secret.clone(),
        }),
        // RFC 6749 §2.3: one way of authenticating per request.
        (Some(_), _, _) | (None, _, _) => None,
    };
    // A caller that did not use Bearer is challenged as a client.
    let basic = !matches!(credentials, Some(Credentials::Bearer(_)));
    let caller = match caller(&st, credentials, context).await {
        Ok(caller) => caller,
        Err(refusal) => return refusal,
    };
    match introspection::introspect(&st.services, &caller, &asked.token).await {
        Ok(answer) => {
            let mut r = Json(answer).into_response();
            r.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            r
        }
        // RFC 7662 §2.3: a caller without the privilege is refused as unauthorized.
        Err(Error::Forbidden | Error::NotFound | Error::Unauthorized) => {
            unauthorized(basic, "insufficient_scope")
        }
        Err(e) => crate::api_error::ApiError::from(e).into_response(),
    }
}

/// The caller's Principal, or the RFC's 401 for bad or missing credentials.
async fn caller(
    st: &AppState,
    credentials: Option<Credentials>,
    context: RequestContext,
) -> Result<Principal, Response> {
    let basic = !matches!(credentials, Some(Credentials::Bearer(_)));
    let refused = || unauthorized(basic, "invalid_client");
    let (presented, claimed_id) = match credentials {
        Some(Credentials::Bearer(token)) => (token, None),
        Some(Credentials::Client { client_id, secret }) => (secret, Some(client_id)),
        None => return Err(refused()),
    };
    let principal = match tokens::authenticate(&st.services, &presented, context).await {
        Ok(principal) => principal,
        Err(Error::RateLimited { retry_after_secs }) => {
            let mut r = oauth_error(StatusCode::TOO_MANY_REQUESTS, "slow_down", None);
            if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            return Err(r);
        }
        Err(_) => return Err(refused()),
    };
    // The client id names the token too: both must be the same token.
    if let Some(claimed) = claimed_id {
        let actual = match &principal.identity {
            Identity::Token { id, .. } => Some(id.as_str()),
            _ => principal.via_token.as_deref(),
        };
        if actual != Some(claimed.as_str()) {
            return Err(refused());
        }
    }
    Ok(principal)
}

fn credentials(headers: &HeaderMap) -> Option<Credentials> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, rest) = value.split_once(' ')?;
    if scheme.eq_ignore_ascii_case("bearer") {
        return Some(Credentials::Bearer(rest.trim().to_string()));
    }
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(rest.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    // RFC 6749 §2.3.1: both parts are form-urlencoded before they are joined.
    Some(Credentials::Client {
        client_id: form_decode(id)?,
        secret: form_decode(secret)?,
    })
}

/// `application/x-www-form-urlencoded` decoding of one value: `+` is a space, `%XX` a byte.
fn form_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// RFC 6749 §5.2 / RFC 6750 §3: 401 with the challenge of the scheme the caller used.
fn unauthorized(basic: bool, error: &str) -> Response {
    let challenge = if basic {
        "Basic realm=\"foxgate\"".to_string()
    } else {
        format!("Bearer realm=\"foxgate\", error=\"{error}\"")
    };
    let mut r = oauth_error(StatusCode::UNAUTHORIZED, error, None);
    if let Ok(v) = HeaderValue::from_str(&challenge) {
        r.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    r
}

/// `{"error", "error_description"?}`, the OAuth error shape.
fn oauth_error(status: StatusCode, error: &str, description: Option<&str>) -> Response {
    let body = OAuthError {
        error,
        error_description: description,
    };
    (status, Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_form_decoded() {
        assert_eq!(
            form_decode("fg%5Fteam_a%2Bb+c").as_deref(),
            Some("fg_team_a+b c")
        );
        assert_eq!(form_decode("%zz"), None);
        assert_eq!(form_decode("%4"), None);
        let mut h = HeaderMap::new();
        let encoded = base64::engine::general_purpose::STANDARD.encode("tok%5F1:s%5Fecret");
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Basic {encoded}")).unwrap(),
        );
        match credentials(&h) {
            Some(Credentials::Client { client_id, secret }) => {
                assert_eq!((client_id.as_str(), secret.as_str()), ("tok_1", "s_ecret"));
            }
            _ => panic!("Basic credentials expected"),
        }
    }
}
