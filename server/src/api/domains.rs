//! `/api/v1/orgs/{org}/sso/domains[/{id}[/verify]]`: the email domains an org claims, and
//! their DNS proof.

use super::ApiJson;
use crate::api_error::ApiError;
use crate::principal::Caller;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use foxgate_core::model::{DomainClaim, NewDomainClaim};
use foxgate_core::service::domains;

pub async fn list(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(org): Path<String>,
) -> Result<Json<Vec<DomainClaim>>, ApiError> {
    Ok(Json(domains::list(&st.services, &p, &org).await?))
}

pub async fn claim(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(org): Path<String>,
    ApiJson(input): ApiJson<NewDomainClaim>,
) -> Result<(StatusCode, Json<DomainClaim>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(domains::claim(&st.services, &p, &org, input).await?),
    ))
}

pub async fn verify(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, id)): Path<(String, String)>,
) -> Result<Json<DomainClaim>, ApiError> {
    Ok(Json(domains::verify(&st.services, &p, &org, &id).await?))
}

pub async fn delete(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    domains::delete(&st.services, &p, &org, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
