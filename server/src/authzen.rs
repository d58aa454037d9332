//! The AuthZEN door (Authorization API 1.0): `POST /access/v1/evaluation`, `POST
//! /access/v1/evaluations` and `GET /.well-known/authzen-configuration`. Callers present a
//! Foxgate token holding `decisions:read`; decisions are always `200` (a denial is
//! `{"decision":false}`), malformed requests `400`, and `X-Request-ID` is echoed as sent.

use crate::api_error::ApiError;
use crate::principal::{bearer, context_of};
use crate::request_id;
use crate::security;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use foxgate_core::authz::{Principal, RequestContext};
use foxgate_core::error::ErrorBody;
use foxgate_core::model::decisions::{Decision, Decisions, Evaluation, Evaluations};
use foxgate_core::service::{bearer as tokens, decisions};
use foxgate_core::use_cases as uc;
use foxgate_core::Error;
use serde::de::DeserializeOwned;
use serde::Serialize;
use utoipa::openapi::OpenApi;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub const CONFIGURATION_PATH: &str = "/.well-known/authzen-configuration";
pub const EVALUATION_PATH: &str = "/access/v1/evaluation";
pub const EVALUATIONS_PATH: &str = "/access/v1/evaluations";
/// A request body larger than this is refused (a full batch of 1,000 fits easily).
const MAX_BODY: usize = 1024 * 1024;

/// Whether a request goes through this door.
pub fn wants(req: &Request) -> bool {
    let path = req.uri().path();
    path == CONFIGURATION_PATH || path.starts_with("/access/v1/")
}

/// The door's routes and their OpenAPI description, from the same handlers.
pub fn described() -> (Router<AppState>, OpenApi) {
    OpenApiRouter::new()
        .routes(routes!(configuration))
        .routes(routes!(evaluation))
        .routes(routes!(evaluations))
        .split_for_parts()
}

pub fn router(state: AppState) -> Router {
    described()
        .0
        .fallback(|| async { ApiError::from(Error::NotFound).into_response() })
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(from_fn_with_state(state.clone(), enter))
        .with_state(state)
}

/// Request id, the cross-site write refusal and the security headers as on the other
/// doors; then the spec's echo of `X-Request-ID` exactly as the caller sent it.
async fn enter(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let sent = req.headers().get(request_id::HEADER).cloned();
    let mut response = request_id::around(req, |req| async move {
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
    .await;
    if let Some(sent) = sent.filter(|v| v.len() <= 256) {
        response.headers_mut().insert(request_id::HEADER, sent);
    }
    response
}

/// AuthZEN §9: the Policy Decision Point's metadata.
#[derive(Serialize, ToSchema)]
struct Configuration {
    /// The PDP's identifier: Foxgate's public URL.
    policy_decision_point: String,
    access_evaluation_endpoint: String,
    access_evaluations_endpoint: String,
}

/// The answer to a batch request: one decision per item, or a single decision when the
/// request named no items (§7.1: it is then a single evaluation).
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
enum BatchAnswer {
    Batch(Decisions),
    Single(Decision),
}

/// §9: where the evaluation endpoints are.
#[utoipa::path(
    get,
    path = "/.well-known/authzen-configuration",
    operation_id = "get_authzen_configuration",
    tag = "authzen",
    summary = "Where the AuthZEN evaluation endpoints are",
    security(()),
    responses((status = 200, body = Configuration))
)]
async fn configuration(State(st): State<AppState>) -> Json<Configuration> {
    let pdp = &st.config.public_origin;
    Json(Configuration {
        policy_decision_point: pdp.clone(),
        access_evaluation_endpoint: format!("{pdp}{EVALUATION_PATH}"),
        access_evaluations_endpoint: format!("{pdp}{EVALUATIONS_PATH}"),
    })
}

/// The caller, from its bearer token.
async fn caller(
    st: &AppState,
    token: Option<String>,
    context: RequestContext,
) -> Result<Principal, Response> {
    let Some(token) = token else {
        return Err(challenge(
            ApiError::from(Error::Unauthorized).into_response(),
        ));
    };
    tokens::authenticate(&st.services, &token, context)
        .await
        .map_err(|e| challenge(ApiError::from(e).into_response()))
}

fn challenge(mut r: Response) -> Response {
    if r.status() == StatusCode::UNAUTHORIZED {
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"foxgate\""),
        );
    }
    r
}

/// A bad request is `400` on these routes (the spec's status), with Foxgate's error body.
fn bad_request(e: Error) -> Response {
    let mut r = ApiError::from(e).into_response();
    if r.status() == StatusCode::UNPROCESSABLE_ENTITY {
        *r.status_mut() = StatusCode::BAD_REQUEST;
    }
    r
}

/// Authenticates the caller, checks it may ask, and reads the JSON body.
async fn open<T: DeserializeOwned>(
    st: &AppState,
    req: Request,
) -> Result<(decisions::Asker, T), Response> {
    let (token, context) = (bearer(&req), context_of(&req));
    let principal = caller(st, token, context).await?;
    let asker = decisions::asker(&st.services, principal)
        .await
        .map_err(|e| ApiError::from(e).into_response())?;
    let bytes = axum::body::to_bytes(req.into_body(), MAX_BODY)
        .await
        .map_err(|_| {
            bad_request(Error::invalid(
                "body",
                format!("must be at most {MAX_BODY} bytes"),
            ))
        })?;
    let body = parse(&bytes).map_err(bad_request)?;
    Ok((asker, body))
}

fn parse<T: DeserializeOwned>(bytes: &Bytes) -> Result<T, Error> {
    serde_json::from_slice(bytes).map_err(|e| Error::invalid("body", e.to_string()))
}

#[utoipa::path(
    post,
    path = "/access/v1/evaluation",
    operation_id = "evaluate",
    tag = "authzen",
    summary = "May this subject do this action on this resource? (AuthZEN 1.0 §6)",
    description = "A denial is `200` with `{\"decision\":false}`; `X-Request-ID` is echoed.",
    extensions(("x-permission" = json!(crate::api::needs(&[uc::DECISIONS_READ])))),
    security(("bearer" = [])),
    request_body = Evaluation,
    responses(
        (status = 200, body = Decision),
        (status = 400, description = "A malformed request", body = ErrorBody),
        (status = 401, description = "No or bad token", body = ErrorBody),
        (status = 403, description = "The token may not ask", body = ErrorBody),
        (status = 429, description = "Too many refused tokens from this address", body = ErrorBody)
    )
)]
async fn evaluation(State(st): State<AppState>, req: Request) -> Response {
    let (asker, asked) = match open::<Evaluation>(&st, req).await {
        Ok(opened) => opened,
        Err(refusal) => return refusal,
    };
    match decisions::evaluate(&st.services, &asker, &asked).await {
        Ok(decision) => Json(decision).into_response(),
        Err(e) => bad_request(e),
    }
}

#[utoipa::path(
    post,
    path = "/access/v1/evaluations",
    operation_id = "evaluate_batch",
    tag = "authzen",
    summary = "Many decisions in one request (AuthZEN 1.0 §7)",
    extensions(("x-permission" = json!(crate::api::needs(&[uc::DECISIONS_READ])))),
    security(("bearer" = [])),
    request_body = Evaluations,
    responses(
        (status = 200, body = BatchAnswer),
        (status = 400, description = "A malformed request", body = ErrorBody),
        (status = 401, description = "No or bad token", body = ErrorBody),
        (status = 403, description = "The token may not ask", body = ErrorBody),
        (status = 429, description = "Too many refused tokens from this address", body = ErrorBody)
    )
)]
async fn evaluations(State(st): State<AppState>, req: Request) -> Response {
    let (asker, asked) = match open::<Evaluations>(&st, req).await {
        Ok(opened) => opened,
        Err(refusal) => return refusal,
    };
    match decisions::evaluate_all(&st.services, &asker, asked).await {
        Ok(Ok(batch)) => Json(BatchAnswer::Batch(batch)).into_response(),
        Ok(Err(single)) => Json(BatchAnswer::Single(single)).into_response(),
        Err(e) => bad_request(e),
    }
}
