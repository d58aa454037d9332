//! `/api/v1/orgs/{org}/applications[/{app}]`: the org's applications, their resource types
//! and actions.

use super::ApiJson;
use super::Created;
use super::Filter;
use super::InOrg;
use crate::api_error::ApiError;
use crate::principal::Caller;
use crate::state::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::Json;
use foxgate_core::model::{
    Application, ApplicationChanged, ApplicationChanges, ApplicationPage, NewApplication, PageAsk,
};
use foxgate_core::service::applications;
use foxgate_core::use_cases as uc;
use serde::Deserialize;

#[utoipa::path(
    get,
    path = "/orgs/{org}/applications",
    operation_id = "list_applications",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::APPLICATIONS_READ])))),
    tag = "applications",
    summary = "One page of applications and their permissions, by slug",
    params(InOrg, PageAsk),
    responses((status = 200, body = ApplicationPage))
)]
pub async fn list(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(InOrg { org }): Path<InOrg>,
    Filter(asked): Filter<PageAsk>,
) -> Result<Json<ApplicationPage>, ApiError> {
    Ok(Json(
        applications::list(&st.services, &p, &org, &asked).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/orgs/{org}/applications/{app}",
    operation_id = "get_application",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::APPLICATIONS_READ])))),
    tag = "applications",
    summary = "One application",
    params(
        InOrg,
        ("app" = String, Path, description = "an application: slug or id")
    ),
    responses((status = 200, body = Application))
)]
pub async fn get(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, app)): Path<(String, String)>,
) -> Result<Json<Application>, ApiError> {
    Ok(Json(applications::get(&st.services, &p, &org, &app).await?))
}

#[utoipa::path(
    post,
    path = "/orgs/{org}/applications",
    operation_id = "create_application",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::APPLICATIONS_CREATE])))),
    tag = "applications",
    summary = "Declare an application",
    params(InOrg),
    request_body = NewApplication,
    responses((status = 201, body = Application, headers(("Location" = String, description = "where the new application is read"))))
)]
pub async fn create(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(InOrg { org }): Path<InOrg>,
    ApiJson(input): ApiJson<NewApplication>,
) -> Result<Created<Application>, ApiError> {
    let made = applications::create(&st.services, &p, &org, input).await?;
    Ok(Created(
        format!("/orgs/{org}/applications/{}", made.id),
        made,
    ))
}

#[utoipa::path(
    patch,
    path = "/orgs/{org}/applications/{app}",
    operation_id = "update_application",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::APPLICATIONS_UPDATE])))),
    tag = "applications",
    summary = "Change an application's permissions",
    params(
        InOrg,
        ("app" = String, Path, description = "an application: slug or id")
    ),
    request_body = ApplicationChanges,
    responses((status = 200, body = ApplicationChanged))
)]
pub async fn update(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, app)): Path<(String, String)>,
    ApiJson(changes): ApiJson<ApplicationChanges>,
) -> Result<Json<ApplicationChanged>, ApiError> {
    Ok(Json(
        applications::update(&st.services, &p, &org, &app, changes).await?,
    ))
}

/// `?confirm=true` deletes an application that roles or tokens still use.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct Confirm {
    #[serde(default)]
    confirm: bool,
}

#[utoipa::path(
    delete,
    path = "/orgs/{org}/applications/{app}",
    operation_id = "delete_application",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::APPLICATIONS_DELETE])))),
    tag = "applications",
    summary = "Delete an application",
    params(
        InOrg,
        ("app" = String, Path, description = "an application: slug or id"),
        Confirm
    ),
    responses((status = 200, body = ApplicationChanged))
)]
pub async fn delete(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, app)): Path<(String, String)>,
    query: Result<Query<Confirm>, QueryRejection>,
) -> Result<Json<ApplicationChanged>, ApiError> {
    let Query(Confirm { confirm }) =
        query.map_err(|e| foxgate_core::Error::invalid("confirm", e.body_text()))?;
    Ok(Json(
        applications::delete(&st.services, &p, &org, &app, confirm).await?,
    ))
}
