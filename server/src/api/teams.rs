//! `/api/v1/orgs/{org}/teams[/{team}]`: the teams of an org.

use super::ApiJson;
use super::Created;
use super::{Filter, InOrg};
use crate::api_error::ApiError;
use crate::principal::Caller;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use foxgate_core::model::{
    MemberFilter, MemberPage, NewTeam, Team, TeamChanges, TeamFilter, TeamPage,
};
use foxgate_core::service::teams;
use foxgate_core::use_cases as uc;

#[utoipa::path(
    get,
    path = "/orgs/{org}/teams",
    operation_id = "list_teams",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::TEAMS_READ])))),
    tag = "teams",
    summary = "One page of the teams the caller may read, by slug",
    params(InOrg, TeamFilter),
    responses((status = 200, body = TeamPage))
)]
pub async fn list(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(InOrg { org }): Path<InOrg>,
    Filter(filter): Filter<TeamFilter>,
) -> Result<Json<TeamPage>, ApiError> {
    Ok(Json(teams::list(&st.services, &p, &org, &filter).await?))
}

#[utoipa::path(
    post,
    path = "/orgs/{org}/teams",
    operation_id = "create_team",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::TEAMS_CREATE])))),
    tag = "teams",
    summary = "Create a team",
    params(InOrg),
    request_body = NewTeam,
    responses((status = 201, body = Team, headers(("Location" = String, description = "where the new team is read"))))
)]
pub async fn create(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(InOrg { org }): Path<InOrg>,
    ApiJson(input): ApiJson<NewTeam>,
) -> Result<Created<Team>, ApiError> {
    let made = teams::create(&st.services, &p, &org, input).await?;
    Ok(Created(format!("/orgs/{org}/teams/{}", made.id), made))
}

#[utoipa::path(
    get,
    path = "/orgs/{org}/teams/{team}",
    operation_id = "get_team",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::TEAMS_READ])))),
    tag = "teams",
    summary = "One team",
    params(
        InOrg,
        ("team" = String, Path, description = "a team: slug or id")
    ),
    responses((status = 200, body = Team))
)]
pub async fn get(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, team)): Path<(String, String)>,
) -> Result<Json<Team>, ApiError> {
    Ok(Json(teams::get(&st.services, &p, &org, &team).await?))
}

#[utoipa::path(
    patch,
    path = "/orgs/{org}/teams/{team}",
    operation_id = "update_team",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::TEAMS_UPDATE])))),
    tag = "teams",
    summary = "Rename a team or change its slug",
    params(
        InOrg,
        ("team" = String, Path, description = "a team: slug or id")
    ),
    request_body = TeamChanges,
    responses((status = 200, body = Team))
)]
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

#[utoipa::path(
    delete,
    path = "/orgs/{org}/teams/{team}",
    operation_id = "delete_team",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::TEAMS_DELETE])))),
    tag = "teams",
    summary = "Delete a team (its tokens are revoked)",
    params(
        InOrg,
        ("team" = String, Path, description = "a team: slug or id")
    ),
    responses((status = 204, description = "done"))
)]
pub async fn delete(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, team)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    teams::delete(&st.services, &p, &org, &team).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/orgs/{org}/teams/{team}/members",
    operation_id = "list_team_members",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::TEAM_MEMBERS_READ])))),
    tag = "teams",
    summary = "One page of the members holding a role in the team, by email, with those roles",
    params(
        InOrg,
        ("team" = String, Path, description = "a team: slug or id"),
        MemberFilter
    ),
    responses((status = 200, body = MemberPage))
)]
pub async fn members(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, team)): Path<(String, String)>,
    Filter(filter): Filter<MemberFilter>,
) -> Result<Json<MemberPage>, ApiError> {
    Ok(Json(
        teams::members(&st.services, &p, &org, &team, &filter).await?,
    ))
}
