//! `/api/v1/orgs/{org}/sso/domains[/{id}[/verify]]`: the email domains an org claims, and
//! their DNS proof.

use super::ApiJson;
use super::InOrg;
use crate::api_error::ApiError;
use crate::principal::Caller;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use foxgate_core::model::{DomainClaim, NewDomainClaim};
use foxgate_core::service::domains;
use foxgate_core::use_cases as uc;

#[utoipa::path(
    get,
    path = "/orgs/{org}/sso/domains",
    operation_id = "list_domains",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::SSO_READ])))),
    tag = "sso",
    summary = "Email domains the org claimed",
    params(InOrg),
    responses((status = 200, body = Vec<DomainClaim>))
)]
pub async fn list(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(InOrg { org }): Path<InOrg>,
) -> Result<Json<Vec<DomainClaim>>, ApiError> {
    Ok(Json(domains::list(&st.services, &p, &org).await?))
}

#[utoipa::path(
    post,
    path = "/orgs/{org}/sso/domains",
    operation_id = "claim_domain",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::SSO_UPDATE])))),
    tag = "sso",
    summary = "Claim an email domain (proven by a DNS TXT record)",
    params(InOrg),
    request_body = NewDomainClaim,
    responses((status = 201, body = DomainClaim))
)]
pub async fn claim(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(InOrg { org }): Path<InOrg>,
    ApiJson(input): ApiJson<NewDomainClaim>,
) -> Result<(StatusCode, Json<DomainClaim>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(domains::claim(&st.services, &p, &org, input).await?),
    ))
}

#[utoipa::path(
    post,
    path = "/orgs/{org}/sso/domains/{id}/verify",
    operation_id = "verify_domain",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::SSO_UPDATE])))),
    tag = "sso",
    summary = "Look up the domain's TXT record now",
    params(
        InOrg,
        ("id" = String, Path, description = "its id")
    ),
    responses((status = 200, body = DomainClaim))
)]
pub async fn verify(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, id)): Path<(String, String)>,
) -> Result<Json<DomainClaim>, ApiError> {
    Ok(Json(domains::verify(&st.services, &p, &org, &id).await?))
}

#[utoipa::path(
    delete,
    path = "/orgs/{org}/sso/domains/{id}",
    operation_id = "delete_domain",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::SSO_DELETE])))),
    tag = "sso",
    summary = "Give up a domain claim",
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
    domains::delete(&st.services, &p, &org, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
