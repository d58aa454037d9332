//! `GET /api/v1/auth/me`: who the caller is and what they may do.

use crate::api_error::ApiError;
use crate::principal::Caller;
use axum::Json;
use foxgate_core::model::Me;
use foxgate_core::service::principal;

pub async fn me(Caller(p): Caller) -> Result<Json<Me>, ApiError> {
    Ok(Json(principal::describe(&p)?))
}
