//! Scripts acting as the caller: `GET /api/v1/auth/scripts` (their live grants) and
//! `DELETE /api/v1/auth/scripts/{id}` (revoke one), and a member's for an admin.

use super::InOrg;
use crate::api_error::ApiError;
use crate::principal::Caller;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use foxgate_core::model::ScriptGrantInfo;
use foxgate_core::service::scripts;
use foxgate_core::use_cases as uc;

#[utoipa::path(
    get,
    path = "/auth/scripts",
    operation_id = "list_my_scripts",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::PERSONAL_TOKENS])))),
    tag = "auth",
    summary = "Scripts acting as the caller (device-flow grants)",
    responses((status = 200, body = Vec<ScriptGrantInfo>))
)]
pub async fn mine(
    State(st): State<AppState>,
    Caller(p): Caller,
) -> Result<Json<Vec<ScriptGrantInfo>>, ApiError> {
    Ok(Json(scripts::list_mine(&st.services, &p).await?))
}

#[utoipa::path(
    get,
    path = "/orgs/{org}/members/{user}/scripts",
    operation_id = "list_member_scripts",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::SESSIONS_END])))),
    tag = "members",
    summary = "Scripts acting as a member",
    params(
        InOrg,
        ("user" = String, Path, description = "a user id")
    ),
    responses((status = 200, body = Vec<ScriptGrantInfo>))
)]
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

#[utoipa::path(
    delete,
    path = "/auth/scripts/{id}",
    operation_id = "revoke_my_script",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::PERSONAL_TOKENS])))),
    tag = "auth",
    summary = "Revoke a script acting as the caller",
    params(
        ("id" = String, Path, description = "its id")
    ),
    responses((status = 204, description = "done"))
)]
pub async fn revoke_mine(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    scripts::revoke_mine(&st.services, &p, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
