//! `/api/v1/orgs/{org}/sso/providers[/{id}[/test]]`: an org's identity providers.

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
use foxgate_core::model::{
    ConnectionReport, IdentityProvider, PageAsk, ProviderPage, ProviderSettings,
};
use foxgate_core::service::sso_providers;
use foxgate_core::use_cases as uc;

#[utoipa::path(
    get,
    path = "/orgs/{org}/sso/providers",
    operation_id = "list_identity_providers",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::SSO_READ])))),
    tag = "sso",
    summary = "One page of identity providers, oldest first",
    params(InOrg, PageAsk),
    responses((status = 200, body = ProviderPage))
)]
pub async fn list(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(InOrg { org }): Path<InOrg>,
    Filter(asked): Filter<PageAsk>,
) -> Result<Json<ProviderPage>, ApiError> {
    Ok(Json(
        sso_providers::list(&st.services, &p, &org, &asked).await?,
    ))
}

#[utoipa::path(
    post,
    path = "/orgs/{org}/sso/providers",
    operation_id = "create_identity_provider",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::SSO_CREATE])))),
    tag = "sso",
    summary = "Add an identity provider",
    params(InOrg),
    request_body = ProviderSettings,
    responses((status = 201, body = IdentityProvider, headers(("Location" = String, description = "where the new identity provider is read"))))
)]
pub async fn create(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(InOrg { org }): Path<InOrg>,
    ApiJson(input): ApiJson<ProviderSettings>,
) -> Result<Created<IdentityProvider>, ApiError> {
    let made = sso_providers::create(&st.services, &p, &org, input).await?;
    Ok(Created(
        format!("/orgs/{org}/sso/providers/{}", made.id),
        made,
    ))
}

#[utoipa::path(
    get,
    path = "/orgs/{org}/sso/providers/{id}",
    operation_id = "get_identity_provider",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::SSO_READ])))),
    tag = "sso",
    summary = "One identity provider",
    params(
        InOrg,
        ("id" = String, Path, description = "its id")
    ),
    responses((status = 200, body = IdentityProvider))
)]
pub async fn get(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, id)): Path<(String, String)>,
) -> Result<Json<IdentityProvider>, ApiError> {
    Ok(Json(sso_providers::get(&st.services, &p, &org, &id).await?))
}

#[utoipa::path(
    put,
    path = "/orgs/{org}/sso/providers/{id}",
    operation_id = "update_identity_provider",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::SSO_UPDATE])))),
    tag = "sso",
    summary = "Replace an identity provider's settings",
    params(
        InOrg,
        ("id" = String, Path, description = "its id")
    ),
    request_body = ProviderSettings,
    responses((status = 200, body = IdentityProvider))
)]
pub async fn update(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, id)): Path<(String, String)>,
    ApiJson(input): ApiJson<ProviderSettings>,
) -> Result<Json<IdentityProvider>, ApiError> {
    Ok(Json(
        sso_providers::update(&st.services, &p, &org, &id, input).await?,
    ))
}

#[utoipa::path(
    delete,
    path = "/orgs/{org}/sso/providers/{id}",
    operation_id = "delete_identity_provider",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::SSO_DELETE])))),
    tag = "sso",
    summary = "Remove an identity provider",
    params(
        InOrg,
        ("id" = String, Path, description = "its id")
    ),
    responses((status = 204, description = "done"))
)]
pub async fn delete(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    sso_providers::delete(&st.services, &p, &org, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    post,
    path = "/orgs/{org}/sso/providers/{id}/test",
    operation_id = "test_identity_provider",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::SSO_UPDATE])))),
    tag = "sso",
    summary = "Test connection: discovery, keys and the stored secret",
    params(
        InOrg,
        ("id" = String, Path, description = "its id")
    ),
    responses((status = 200, body = ConnectionReport))
)]
/// "Test connection": discovery, keys and the stored secret, in plain words.
pub async fn test(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, id)): Path<(String, String)>,
) -> Result<Json<ConnectionReport>, ApiError> {
    Ok(Json(
        sso_providers::test(&st.services, &p, &org, &id).await?,
    ))
}
