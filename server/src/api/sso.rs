//! `/api/v1/orgs/{org}/sso/providers[/{id}[/test]]`: an org's identity providers.

use super::ApiJson;
use crate::api_error::ApiError;
use crate::principal::Caller;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use foxgate_core::model::{ConnectionReport, IdentityProvider, ProviderSettings};
use foxgate_core::service::sso_providers;

pub async fn list(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(org): Path<String>,
) -> Result<Json<Vec<IdentityProvider>>, ApiError> {
    Ok(Json(sso_providers::list(&st.services, &p, &org).await?))
}

pub async fn create(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(org): Path<String>,
    ApiJson(input): ApiJson<ProviderSettings>,
) -> Result<(StatusCode, Json<IdentityProvider>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(sso_providers::create(&st.services, &p, &org, input).await?),
    ))
}

pub async fn get(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, id)): Path<(String, String)>,
) -> Result<Json<IdentityProvider>, ApiError> {
    Ok(Json(sso_providers::get(&st.services, &p, &org, &id).await?))
}

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

pub async fn delete(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    sso_providers::delete(&st.services, &p, &org, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

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
