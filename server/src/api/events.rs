//! `GET /api/v1/orgs/{org}/events`: the activity log, filtered, newest first, one page per
//! call (follow `next_cursor`).

use crate::api_error::ApiError;
use crate::principal::Caller;
use crate::state::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::Json;
use foxgate_core::model::{EventFilter, EventPage};
use foxgate_core::service::events;

pub async fn list(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(org): Path<String>,
    query: Result<Query<EventFilter>, QueryRejection>,
) -> Result<Json<EventPage>, ApiError> {
    // An unknown parameter, or a limit that is not a number, is the caller's mistake.
    let Query(filter) = query.map_err(|e| foxgate_core::Error::invalid("query", e.body_text()))?;
    Ok(Json(events::list(&st.services, &p, &org, filter).await?))
}
