//! `/api/v1/orgs/{org}/members` and `/grants`: local accounts and the roles given to them.

use super::ApiJson;
use crate::api_error::ApiError;
use crate::principal::Caller;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use foxgate_core::model::{GrantView, Member, NewGrant, NewLocalMember};
use foxgate_core::service::members;

pub async fn create(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(org): Path<String>,
    ApiJson(input): ApiJson<NewLocalMember>,
) -> Result<(StatusCode, Json<Member>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(members::create_local(&st.services, &p, &org, input).await?),
    ))
}

pub async fn grant(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(org): Path<String>,
    ApiJson(input): ApiJson<NewGrant>,
) -> Result<(StatusCode, Json<GrantView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(members::grant(&st.services, &p, &org, input).await?),
    ))
}
