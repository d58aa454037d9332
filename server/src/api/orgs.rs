//! `/api/v1/orgs/{org}`: organization settings.

use super::ApiJson;
use crate::api_error::ApiError;
use crate::principal::Caller;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use foxgate_core::model::{NewOrg, Org, OrgChanges};
use foxgate_core::service::orgs;

pub async fn get(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(org): Path<String>,
) -> Result<Json<Org>, ApiError> {
    Ok(Json(orgs::get(&st.services, &p, &org).await?))
}

pub async fn update(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(org): Path<String>,
    ApiJson(changes): ApiJson<OrgChanges>,
) -> Result<Json<Org>, ApiError> {
    Ok(Json(orgs::update(&st.services, &p, &org, changes).await?))
}

pub async fn mine(
    State(st): State<AppState>,
    Caller(p): Caller,
) -> Result<Json<Vec<Org>>, ApiError> {
    Ok(Json(orgs::mine(&st.services, &p).await?))
}

pub async fn create(
    State(st): State<AppState>,
    Caller(p): Caller,
    ApiJson(input): ApiJson<NewOrg>,
) -> Result<(StatusCode, Json<Org>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(orgs::create(&st.services, &p, input).await?),
    ))
}
