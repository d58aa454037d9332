//! `POST /api/v1/setup`: first-run setup for automation, with the code from the server log.

use super::ApiJson;
use crate::api_error::ApiError;
use crate::principal::Anyone;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use foxgate_core::model::{SetupDone, SetupInput};
use foxgate_core::service::setup;

#[utoipa::path(
    post,
    path = "/setup",
    operation_id = "set_up",
    tag = "setup",
    summary = "First-run setup: the first org and its owner",
    security(()),
    request_body = SetupInput,
    responses((status = 201, body = SetupDone))
)]
pub async fn create(
    State(state): State<AppState>,
    Anyone(p): Anyone,
    ApiJson(input): ApiJson<SetupInput>,
) -> Result<(StatusCode, Json<SetupDone>), ApiError> {
    let done = setup::complete_with_code(&state.services, &p.context, input).await?;
    Ok((StatusCode::CREATED, Json(done)))
}
