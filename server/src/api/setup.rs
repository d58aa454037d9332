//! `POST /api/v1/setup`: first-run setup for automation, with the code from the server log.

use super::ApiJson;
use crate::api_error::ApiError;
use crate::principal::Caller;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use foxgate_core::model::{SetupDone, SetupInput};
use foxgate_core::service::setup;

pub async fn create(
    State(state): State<AppState>,
    Caller(p): Caller,
    ApiJson(input): ApiJson<SetupInput>,
) -> Result<(StatusCode, Json<SetupDone>), ApiError> {
    let done = setup::complete_with_code(&state.services, &p.context, input).await?;
    Ok((StatusCode::CREATED, Json(done)))
}
