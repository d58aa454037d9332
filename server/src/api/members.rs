//! `/api/v1/orgs/{org}/members` and `/grants`: local accounts and the roles given to them.

use super::ApiJson;
use crate::api_error::ApiError;
use crate::principal::Caller;
use crate::state::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use foxgate_core::model::{
    GrantView, Member, MemberFilter, MemberGrants, NewGrant, NewLocalMember,
};
use foxgate_core::service::members;

pub async fn create(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(org): Path<String>,
    ApiJson(input): ApiJson<NewLocalMember>,
) -> Result<(StatusCode, Json<Member>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(members::create_local(&st.services, &p, &org, input).await?),
    ))
}

pub async fn grant(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(org): Path<String>,
    ApiJson(input): ApiJson<NewGrant>,
) -> Result<(StatusCode, Json<GrantView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(members::grant(&st.services, &p, &org, input).await?),
    ))
}

pub async fn list(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(org): Path<String>,
    query: Result<Query<MemberFilter>, QueryRejection>,
) -> Result<Json<Vec<MemberGrants>>, ApiError> {
    let Query(filter) = query.map_err(|e| {
        foxgate_core::Error::invalid(
            "query",
            format!("{}; filters are q and role", e.body_text()),
        )
    })?;
    Ok(Json(members::list(&st.services, &p, &org, &filter).await?))
}

pub async fn remove(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, user)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    members::remove(&st.services, &p, &org, &user).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn revoke(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, grant)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    members::revoke(&st.services, &p, &org, &grant).await?;
    Ok(StatusCode::NO_CONTENT)
}
