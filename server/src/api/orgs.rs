//! `/api/v1/orgs/{org}`: organization settings.

use super::ApiJson;
use super::Created;
use super::InOrg;
use crate::api_error::ApiError;
use crate::principal::Caller;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::Json;
use foxgate_core::model::{NewOrg, Org, OrgChanges};
use foxgate_core::service::orgs;
use foxgate_core::use_cases as uc;

#[utoipa::path(
    get,
    path = "/orgs/{org}",
    operation_id = "get_org",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::ORG_READ])))),
    tag = "orgs",
    summary = "One org",
    params(InOrg),
    responses((status = 200, body = Org))
)]
pub async fn get(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(InOrg { org }): Path<InOrg>,
) -> Result<Json<Org>, ApiError> {
    Ok(Json(orgs::get(&st.services, &p, &org).await?))
}

#[utoipa::path(
    patch,
    path = "/orgs/{org}",
    operation_id = "update_org",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::ORG_UPDATE, uc::SSO_UPDATE])))),
    tag = "orgs",
    summary = "Change an org's name and policies",
    params(InOrg),
    request_body = OrgChanges,
    responses((status = 200, body = Org))
)]
pub async fn update(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(InOrg { org }): Path<InOrg>,
    ApiJson(changes): ApiJson<OrgChanges>,
) -> Result<Json<Org>, ApiError> {
    Ok(Json(orgs::update(&st.services, &p, &org, changes).await?))
}

#[utoipa::path(
    get,
    path = "/orgs",
    operation_id = "list_my_orgs",
    extensions(("x-permission" = json!(super::spec::needs(&[])))),
    tag = "orgs",
    summary = "Orgs the caller belongs to",
    responses((status = 200, body = Vec<Org>))
)]
pub async fn mine(
    State(st): State<AppState>,
    Caller(p): Caller,
) -> Result<Json<Vec<Org>>, ApiError> {
    Ok(Json(orgs::mine(&st.services, &p).await?))
}

#[utoipa::path(
    post,
    path = "/orgs",
    operation_id = "create_org",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::ORG_CREATE])))),
    tag = "orgs",
    summary = "Create an org (the caller becomes its owner)",
    request_body = NewOrg,
    responses((status = 201, body = Org, headers(("Location" = String, description = "where the new org is read"))))
)]
pub async fn create(
    State(st): State<AppState>,
    Caller(p): Caller,
    ApiJson(input): ApiJson<NewOrg>,
) -> Result<Created<Org>, ApiError> {
    let made = orgs::create(&st.services, &p, input).await?;
    Ok(Created(format!("/orgs/{}", made.id), made))
}
