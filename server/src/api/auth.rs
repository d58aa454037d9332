//! `GET /api/v1/auth/me`: who the caller is and what they may do.

use crate::api_error::ApiError;
use crate::principal::Caller;
use axum::Json;
use foxgate_core::model::Me;
use foxgate_core::service::principal;

#[utoipa::path(
    get,
    path = "/auth/me",
    operation_id = "get_me",
    extensions(("x-permission" = json!(super::spec::needs(&[])))),
    tag = "auth",
    summary = "Who the caller is and what they may do",
    responses((status = 200, body = Me))
)]
pub async fn me(Caller(p): Caller) -> Result<Json<Me>, ApiError> {
    Ok(Json(principal::describe(&p)?))
}
