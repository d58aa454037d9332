//! `/api/v1/orgs/{org}/tokens[/{token}]`: mint (the secret is in this answer only), list, revoke.

use super::ApiJson;
use crate::api_error::ApiError;
use crate::principal::Caller;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use foxgate_core::model::{CreatedToken, NewToken, TokenInfo};
use foxgate_core::service::tokens;

pub async fn list(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(org): Path<String>,
) -> Result<Json<Vec<TokenInfo>>, ApiError> {
    Ok(Json(tokens::list(&st.services, &p, &org).await?))
}

pub async fn create(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(org): Path<String>,
    ApiJson(input): ApiJson<NewToken>,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(tokens::create(&st.services, &p, &org, input).await?),
    ))
}

pub async fn revoke(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, token)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    tokens::revoke(&st.services, &p, &org, &token).await?;
    Ok(StatusCode::NO_CONTENT)
}
