//! `/api/v1/orgs/{org}/roles[/{role}]`: built-in roles and the org's custom roles.

use super::ApiJson;
use super::Created;
use super::Filter;
use super::InOrg;
use crate::api_error::ApiError;
use crate::principal::Caller;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use foxgate_core::model::{NewRole, PageAsk, Role, RoleChanges, RolePage};
use foxgate_core::service::roles;
use foxgate_core::use_cases as uc;

#[utoipa::path(
    get,
    path = "/orgs/{org}/roles",
    operation_id = "list_roles",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::ROLES_READ])))),
    tag = "roles",
    summary = "One page of roles: the built-in ones, then custom roles by name",
    params(InOrg, PageAsk),
    responses((status = 200, body = RolePage))
)]
pub async fn list(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(InOrg { org }): Path<InOrg>,
    Filter(asked): Filter<PageAsk>,
) -> Result<Json<RolePage>, ApiError> {
    Ok(Json(roles::list(&st.services, &p, &org, &asked).await?))
}

#[utoipa::path(
    post,
    path = "/orgs/{org}/roles",
    operation_id = "create_role",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::ROLES_CREATE])))),
    tag = "roles",
    summary = "Create a custom role",
    params(InOrg),
    request_body = NewRole,
    responses((status = 201, body = Role, headers(("Location" = String, description = "where the new role is read"))))
)]
pub async fn create(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(InOrg { org }): Path<InOrg>,
    ApiJson(input): ApiJson<NewRole>,
) -> Result<Created<Role>, ApiError> {
    let made = roles::create(&st.services, &p, &org, input).await?;
    Ok(Created(format!("/orgs/{org}/roles/{}", made.id), made))
}

#[utoipa::path(
    get,
    path = "/orgs/{org}/roles/{role}",
    operation_id = "get_role",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::ROLES_READ])))),
    tag = "roles",
    summary = "One role (id or name)",
    params(
        InOrg,
        ("role" = String, Path, description = "a role: id or name (any case)")
    ),
    responses((status = 200, body = Role))
)]
pub async fn get(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, role)): Path<(String, String)>,
) -> Result<Json<Role>, ApiError> {
    Ok(Json(roles::get(&st.services, &p, &org, &role).await?))
}

#[utoipa::path(
    patch,
    path = "/orgs/{org}/roles/{role}",
    operation_id = "update_role",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::ROLES_UPDATE])))),
    tag = "roles",
    summary = "Change a custom role",
    params(
        InOrg,
        ("role" = String, Path, description = "a role: id or name (any case)")
    ),
    request_body = RoleChanges,
    responses((status = 200, body = Role))
)]
pub async fn update(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, role)): Path<(String, String)>,
    ApiJson(changes): ApiJson<RoleChanges>,
) -> Result<Json<Role>, ApiError> {
    Ok(Json(
        roles::update(&st.services, &p, &org, &role, changes).await?,
    ))
}

#[utoipa::path(
    delete,
    path = "/orgs/{org}/roles/{role}",
    operation_id = "delete_role",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::ROLES_DELETE])))),
    tag = "roles",
    summary = "Delete a custom role",
    params(
        InOrg,
        ("role" = String, Path, description = "a role: id or name (any case)")
    ),
    responses((status = 204, description = "done"))
)]
pub async fn delete(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, role)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    roles::delete(&st.services, &p, &org, &role).await?;
    Ok(StatusCode::NO_CONTENT)
}
