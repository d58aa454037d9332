//! Scripts acting as the caller: `GET /api/v1/auth/scripts` (their live grants) and
//! `DELETE /api/v1/auth/scripts/{id}` (revoke one), and a member's for an admin.

use crate::api_error::ApiError;
use crate::principal::Caller;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use foxgate_core::model::ScriptGrantInfo;
use foxgate_core::service::scripts;

pub async fn mine(
    State(st): State<AppState>,
    Caller(p): Caller,
) -> Result<Json<Vec<ScriptGrantInfo>>, ApiError> {
    Ok(Json(scripts::list_mine(&st.services, &p).await?))
}

/// `GET /api/v1/orgs/{org}/members/{user}/scripts`: a member's scripts, for an admin.
pub async fn of_member(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, user)): Path<(String, String)>,
) -> Result<Json<Vec<ScriptGrantInfo>>, ApiError> {
    Ok(Json(
        scripts::list_of_member(&st.services, &p, &org, &user).await?,
    ))
}

pub async fn revoke_mine(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    scripts::revoke_mine(&st.services, &p, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
