//! `/api/v1/orgs/{org}/applications[/{app}]`: the org's applications, their resource types
//! and actions.

use super::ApiJson;
use crate::api_error::ApiError;
use crate::principal::Caller;
use crate::state::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use foxgate_core::model::{Application, ApplicationChanged, ApplicationChanges, NewApplication};
use foxgate_core::service::applications;
use serde::Deserialize;

pub async fn list(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(org): Path<String>,
) -> Result<Json<Vec<Application>>, ApiError> {
    Ok(Json(applications::list(&st.services, &p, &org).await?))
}

pub async fn get(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, app)): Path<(String, String)>,
) -> Result<Json<Application>, ApiError> {
    Ok(Json(applications::get(&st.services, &p, &org, &app).await?))
}

pub async fn create(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(org): Path<String>,
    ApiJson(input): ApiJson<NewApplication>,
) -> Result<(StatusCode, Json<Application>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(applications::create(&st.services, &p, &org, input).await?),
    ))
}

pub async fn update(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, app)): Path<(String, String)>,
    ApiJson(changes): ApiJson<ApplicationChanges>,
) -> Result<Json<ApplicationChanged>, ApiError> {
    Ok(Json(
        applications::update(&st.services, &p, &org, &app, changes).await?,
    ))
}

/// `?confirm=true` deletes an application that roles or tokens still use.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Confirm {
    #[serde(default)]
    confirm: bool,
}

pub async fn delete(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, app)): Path<(String, String)>,
    query: Result<Query<Confirm>, QueryRejection>,
) -> Result<Json<ApplicationChanged>, ApiError> {
    let Query(Confirm { confirm }) =
        query.map_err(|e| foxgate_core::Error::invalid("confirm", e.body_text()))?;
    Ok(Json(
        applications::delete(&st.services, &p, &org, &app, confirm).await?,
    ))
}
