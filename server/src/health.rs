//! `/healthz` (the process lives) and `/readyz` (the database answers and is migrated).

use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::openapi::OpenApi;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// How the process is.
#[derive(Serialize, ToSchema)]
pub struct Health {
    status: Status,
    /// Why it is unavailable.
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
enum Status {
    Ok,
    Ready,
    Unavailable,
}

/// The health routes and their OpenAPI description, from the same handlers.
pub fn described() -> (Router<AppState>, OpenApi) {
    OpenApiRouter::new()
        .routes(routes!(live))
        .routes(routes!(ready))
        .split_for_parts()
}

#[utoipa::path(
    get,
    path = "/healthz",
    operation_id = "get_liveness",
    tag = "health",
    summary = "The process answers",
    security(()),
    responses((status = 200, body = Health))
)]
pub async fn live() -> Json<Health> {
    Json(Health {
        status: Status::Ok,
        reason: None,
    })
}

#[utoipa::path(
    get,
    path = "/readyz",
    operation_id = "get_readiness",
    tag = "health",
    summary = "The database answers and is migrated",
    security(()),
    responses(
        (status = 200, body = Health),
        (status = 503, body = Health, description = "Not ready: `reason` says why")
    )
)]
pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    match state.services.db.readiness().await {
        Ok(()) => (
            StatusCode::OK,
            Json(Health {
                status: Status::Ready,
                reason: None,
            }),
        ),
        Err(reason) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(Health {
                status: Status::Unavailable,
                reason: Some(reason),
            }),
        ),
    }
}
