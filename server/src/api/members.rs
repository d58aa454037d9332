//! `/api/v1/orgs/{org}/members` and `/grants`: local accounts and the roles given to them.

use super::ApiJson;
use super::{Filter, InOrg};
use crate::api_error::ApiError;
use crate::principal::Caller;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use foxgate_core::model::{
    GrantPage, GrantView, Member, MemberFilter, MemberPage, NewGrant, NewLocalMember, PageAsk,
};
use foxgate_core::service::members;
use foxgate_core::use_cases as uc;

#[utoipa::path(
    post,
    path = "/orgs/{org}/members",
    operation_id = "add_member",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::MEMBERS_CREATE])))),
    tag = "members",
    summary = "Create a local (password) member",
    params(InOrg),
    request_body = NewLocalMember,
    responses((status = 201, body = Member))
)]
pub async fn create(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(InOrg { org }): Path<InOrg>,
    ApiJson(input): ApiJson<NewLocalMember>,
) -> Result<(StatusCode, Json<Member>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(members::create_local(&st.services, &p, &org, input).await?),
    ))
}

#[utoipa::path(
    post,
    path = "/orgs/{org}/grants",
    operation_id = "grant_role",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::GRANTS_CREATE])))),
    tag = "members",
    summary = "Give a member a role, org-wide or in a team",
    params(InOrg),
    request_body = NewGrant,
    responses((status = 201, body = GrantView))
)]
pub async fn grant(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(InOrg { org }): Path<InOrg>,
    ApiJson(input): ApiJson<NewGrant>,
) -> Result<(StatusCode, Json<GrantView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(members::grant(&st.services, &p, &org, input).await?),
    ))
}

#[utoipa::path(
    get,
    path = "/orgs/{org}/members",
    operation_id = "list_members",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::MEMBERS_READ])))),
    tag = "members",
    summary = "One page of members with their grants, by email",
    params(
        InOrg,
        MemberFilter
    ),
    responses((status = 200, body = MemberPage))
)]
pub async fn list(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(InOrg { org }): Path<InOrg>,
    Filter(filter): Filter<MemberFilter>,
) -> Result<Json<MemberPage>, ApiError> {
    Ok(Json(members::list(&st.services, &p, &org, &filter).await?))
}

#[utoipa::path(
    get,
    path = "/orgs/{org}/members/{user}/grants",
    operation_id = "list_member_grants",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::MEMBERS_READ])))),
    tag = "members",
    summary = "One page of a member's grants, oldest first",
    params(
        InOrg,
        ("user" = String, Path, description = "a user id"),
        PageAsk
    ),
    responses((status = 200, body = GrantPage))
)]
pub async fn grants_of(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, user)): Path<(String, String)>,
    Filter(asked): Filter<PageAsk>,
) -> Result<Json<GrantPage>, ApiError> {
    Ok(Json(
        members::grants_of(&st.services, &p, &org, &user, &asked).await?,
    ))
}

#[utoipa::path(
    delete,
    path = "/orgs/{org}/members/{user}",
    operation_id = "remove_member",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::MEMBERS_REMOVE])))),
    tag = "members",
    summary = "Remove a member from the org",
    params(
        InOrg,
        ("user" = String, Path, description = "a user id")
    ),
    responses((status = 204, description = "done"))
)]
pub async fn remove(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, user)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    members::remove(&st.services, &p, &org, &user).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    delete,
    path = "/orgs/{org}/grants/{grant}",
    operation_id = "revoke_grant",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::GRANTS_REVOKE])))),
    tag = "members",
    summary = "Take a role back",
    params(
        InOrg,
        ("grant" = String, Path, description = "a grant id")
    ),
    responses((status = 204, description = "done"))
)]
pub async fn revoke(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, grant)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    members::revoke(&st.services, &p, &org, &grant).await?;
    Ok(StatusCode::NO_CONTENT)
}
