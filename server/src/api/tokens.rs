//! `/api/v1/orgs/{org}/tokens[/{token}[/rotate]]`: mint and rotate (the secret is in that
//! answer only), list a page (filters q, team, status, kind, creator), revoke.

use super::ApiJson;
use super::{Filter, InOrg};
use crate::api_error::ApiError;
use crate::principal::Caller;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use foxgate_core::model::{CreatedToken, NewToken, TokenFilter, TokenPage, TokenRotation};
use foxgate_core::service::tokens;
use foxgate_core::use_cases as uc;

#[utoipa::path(
    get,
    path = "/orgs/{org}/tokens",
    operation_id = "list_tokens",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::TOKENS_READ])))),
    tag = "tokens",
    summary = "One page of the tokens the caller may see, newest first (never secrets)",
    params(InOrg, TokenFilter),
    responses((status = 200, body = TokenPage))
)]
pub async fn list(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(InOrg { org }): Path<InOrg>,
    Filter(filter): Filter<TokenFilter>,
) -> Result<Json<TokenPage>, ApiError> {
    Ok(Json(tokens::list(&st.services, &p, &org, &filter).await?))
}

#[utoipa::path(
    post,
    path = "/orgs/{org}/tokens",
    operation_id = "mint_token",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::TOKENS_CREATE, uc::PERSONAL_TOKENS])))),
    tag = "tokens",
    summary = "Mint a token (the secret is in this answer only)",
    params(InOrg),
    request_body = NewToken,
    responses((status = 201, body = CreatedToken))
)]
pub async fn create(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(InOrg { org }): Path<InOrg>,
    ApiJson(input): ApiJson<NewToken>,
) -> Result<ShownOnce, ApiError> {
    Ok(ShownOnce(
        StatusCode::CREATED,
        tokens::create(&st.services, &p, &org, input).await?,
    ))
}

#[utoipa::path(
    delete,
    path = "/orgs/{org}/tokens/{token}",
    operation_id = "revoke_token",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::TOKENS_REVOKE, uc::PERSONAL_TOKENS])))),
    tag = "tokens",
    summary = "Revoke a token",
    params(
        InOrg,
        ("token" = String, Path, description = "a token id")
    ),
    responses((status = 204, description = "done"))
)]
pub async fn revoke(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, token)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    tokens::revoke(&st.services, &p, &org, &token).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    post,
    path = "/orgs/{org}/tokens/{token}/rotate",
    operation_id = "rotate_token",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::TOKENS_ROTATE, uc::PERSONAL_TOKENS])))),
    tag = "tokens",
    summary = "Regenerate a token's secret (shown once)",
    params(
        InOrg,
        ("token" = String, Path, description = "a token id")
    ),
    request_body(content = Option<TokenRotation>, description = "optional", content_type = "application/json"),
    responses((status = 200, body = CreatedToken))
)]
/// The body is optional: no body means no grace period.
pub async fn rotate(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, token)): Path<(String, String)>,
    body: Option<ApiJson<TokenRotation>>,
) -> Result<ShownOnce, ApiError> {
    let rotation = body.map(|ApiJson(r)| r).unwrap_or_default();
    Ok(ShownOnce(
        StatusCode::OK,
        tokens::rotate(&st.services, &p, &org, &token, rotation).await?,
    ))
}

/// The answer that carries a new secret: marked never to be stored or compressed.
pub struct ShownOnce(StatusCode, CreatedToken);

impl IntoResponse for ShownOnce {
    fn into_response(self) -> Response {
        (
            self.0,
            [(header::CACHE_CONTROL, foxgate_core::secret::CACHE_CONTROL)],
            Json(self.1),
        )
            .into_response()
    }
}
