//! `/api/v1/orgs/{org}/roles[/{role}]`: built-in roles and the org's custom roles.

use super::ApiJson;
use crate::api_error::ApiError;
use crate::principal::Caller;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use foxgate_core::model::{NewRole, Role, RoleChanges};
use foxgate_core::service::roles;

pub async fn list(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(org): Path<String>,
) -> Result<Json<Vec<Role>>, ApiError> {
    Ok(Json(roles::list(&st.services, &p, &org).await?))
}

pub async fn create(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(org): Path<String>,
    ApiJson(input): ApiJson<NewRole>,
) -> Result<(StatusCode, Json<Role>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(roles::create(&st.services, &p, &org, input).await?),
    ))
}

pub async fn get(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, role)): Path<(String, String)>,
) -> Result<Json<Role>, ApiError> {
    Ok(Json(roles::get(&st.services, &p, &org, &role).await?))
}

pub async fn update(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, role)): Path<(String, String)>,
    ApiJson(changes): ApiJson<RoleChanges>,
) -> Result<Json<Role>, ApiError> {
    Ok(Json(
        roles::update(&st.services, &p, &org, &role, changes).await?,
    ))
}

pub async fn delete(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, role)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    roles::delete(&st.services, &p, &org, &role).await?;
    Ok(StatusCode::NO_CONTENT)
}
