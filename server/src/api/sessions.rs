//! Browser sessions: `GET/DELETE /api/v1/auth/sessions[/{id}]` (the caller's own; a
//! `DELETE` without an id ends all but the current one) and
//! `DELETE /api/v1/orgs/{org}/members/{user}/sessions` (an admin ends all of a member's).

use crate::api_error::ApiError;
use crate::principal::Caller;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use foxgate_core::model::SessionInfo;
use foxgate_core::service::sessions;

pub async fn mine(
    State(st): State<AppState>,
    Caller(p): Caller,
) -> Result<Json<Vec<SessionInfo>>, ApiError> {
    Ok(Json(sessions::list_mine(&st.services, &p).await?))
}

pub async fn end_mine(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    sessions::end_mine(&st.services, &p, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /api/v1/auth/sessions`: every other session of the caller ends.
pub async fn end_my_others(
    State(st): State<AppState>,
    Caller(p): Caller,
) -> Result<Json<serde_json::Value>, ApiError> {
    let ended = sessions::end_my_others(&st.services, &p).await?;
    Ok(Json(serde_json::json!({ "ended": ended })))
}

pub async fn end_all_of_member(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, user)): Path<(String, String)>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let ended = sessions::end_all_of_member(&st.services, &p, &org, &user).await?;
    Ok(Json(serde_json::json!({ "ended": ended })))
}
