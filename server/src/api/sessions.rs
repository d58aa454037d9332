//! Browser sessions: `GET/DELETE /api/v1/auth/sessions[/{id}]` (the caller's own; a
//! `DELETE` without an id ends all but the current one) and
//! `DELETE /api/v1/orgs/{org}/members/{user}/sessions` (an admin ends all of a member's).

use super::{Filter, InOrg};
use crate::api_error::ApiError;
use crate::principal::Caller;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use foxgate_core::model::{PageAsk, SessionPage};
use foxgate_core::service::sessions;
use foxgate_core::use_cases as uc;

#[utoipa::path(
    get,
    path = "/auth/sessions",
    operation_id = "list_my_sessions",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::OWN_SESSIONS])))),
    tag = "auth",
    summary = "The caller's live browser sessions",
    params(PageAsk),
    responses((status = 200, body = SessionPage))
)]
pub async fn mine(
    State(st): State<AppState>,
    Caller(p): Caller,
    Filter(asked): Filter<PageAsk>,
) -> Result<Json<SessionPage>, ApiError> {
    Ok(Json(sessions::list_mine(&st.services, &p, &asked).await?))
}

#[utoipa::path(
    delete,
    path = "/auth/sessions/{id}",
    operation_id = "end_my_session",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::OWN_SESSIONS])))),
    tag = "auth",
    summary = "End one of the caller's sessions",
    params(
        ("id" = String, Path, description = "its id")
    ),
    responses((status = 204, description = "done"))
)]
pub async fn end_mine(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    sessions::end_mine(&st.services, &p, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    delete,
    path = "/auth/sessions",
    operation_id = "end_my_other_sessions",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::OWN_SESSIONS])))),
    tag = "auth",
    summary = "End every other session of the caller",
    responses((status = 200, body = Ended))
)]
/// `DELETE /api/v1/auth/sessions`: every other session of the caller ends.
pub async fn end_my_others(
    State(st): State<AppState>,
    Caller(p): Caller,
) -> Result<Json<Ended>, ApiError> {
    let ended = sessions::end_my_others(&st.services, &p).await?;
    Ok(Json(Ended { ended }))
}

#[utoipa::path(
    delete,
    path = "/orgs/{org}/members/{user}/sessions",
    operation_id = "end_member_sessions",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::SESSIONS_END])))),
    tag = "members",
    summary = "End every session of a member",
    params(
        InOrg,
        ("user" = String, Path, description = "a user id")
    ),
    responses((status = 200, body = Ended))
)]
pub async fn end_all_of_member(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, user)): Path<(String, String)>,
) -> Result<Json<Ended>, ApiError> {
    let ended = sessions::end_all_of_member(&st.services, &p, &org, &user).await?;
    Ok(Json(Ended { ended }))
}

/// How many sessions ended.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Ended {
    pub ended: u64,
}
