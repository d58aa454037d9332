//! `/api/v1/orgs/{org}/teams[/{team}]`: the teams of an org.

use super::ApiJson;
use crate::api_error::ApiError;
use crate::principal::Caller;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use foxgate_core::model::{MemberGrants, NewTeam, Team, TeamChanges};
use foxgate_core::service::teams;

pub async fn list(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(org): Path<String>,
) -> Result<Json<Vec<Team>>, ApiError> {
    Ok(Json(teams::list(&st.services, &p, &org).await?))
}

pub async fn create(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(org): Path<String>,
    ApiJson(input): ApiJson<NewTeam>,
) -> Result<(StatusCode, Json<Team>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(teams::create(&st.services, &p, &org, input).await?),
    ))
}

pub async fn get(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, team)): Path<(String, String)>,
) -> Result<Json<Team>, ApiError> {
    Ok(Json(teams::get(&st.services, &p, &org, &team).await?))
}

pub async fn update(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, team)): Path<(String, String)>,
    ApiJson(changes): ApiJson<TeamChanges>,
) -> Result<Json<Team>, ApiError> {
    Ok(Json(
        teams::update(&st.services, &p, &org, &team, changes).await?,
    ))
}

pub async fn delete(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, team)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    teams::delete(&st.services, &p, &org, &team).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn members(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, team)): Path<(String, String)>,
) -> Result<Json<Vec<MemberGrants>>, ApiError> {
    Ok(Json(teams::members(&st.services, &p, &org, &team).await?))
}
