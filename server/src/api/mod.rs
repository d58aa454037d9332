//! The JSON API under `/api/v1`: thin handlers that take the Principal, call one
//! `foxgate_core::service` fn and map its result.

mod applications;
mod auth;
mod created;
mod domains;
mod events;
mod filter;
mod json;
mod members;
mod orgs;
mod roles;
mod scripts;
mod sessions;
mod setup;
mod spec;
mod sso;
mod teams;
mod tokens;

pub use created::Created;
pub use filter::Filter;
pub use json::ApiJson;

/// `{org}` in a path.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct InOrg {
    /// The org: slug or id.
    org: String,
}

use crate::api_error::ApiError;
use crate::state::AppState;
use axum::Router;
use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use spec::{document, needs};

/// The API's routes. Every one is registered through `routes!` from its handler's
/// `#[utoipa::path]`, so the router and the OpenAPI description are one list (clippy refuses
/// `OpenApiRouter::route`, which would add a route the description does not know).
pub fn routes() -> Router<AppState> {
    described().0
}

/// The routes and the OpenAPI description built from the same handlers (paths relative to
/// `/api/v1`; `spec::whole` adds what they share).
pub fn described() -> (Router<AppState>, OpenApi) {
    let (router, api) = OpenApiRouter::new()
        .routes(routes!(spec::openapi_json))
        .routes(routes!(auth::me))
        .routes(routes!(sessions::mine, sessions::end_my_others))
        .routes(routes!(sessions::end_mine))
        .routes(routes!(scripts::mine))
        .routes(routes!(scripts::revoke_mine))
        .routes(routes!(scripts::of_member))
        .routes(routes!(sessions::end_all_of_member))
        .routes(routes!(setup::create))
        .routes(routes!(teams::list, teams::create))
        .routes(routes!(teams::get, teams::update, teams::delete))
        .routes(routes!(teams::members))
        .routes(routes!(orgs::mine, orgs::create))
        .routes(routes!(orgs::get, orgs::update))
        .routes(routes!(members::list, members::create))
        .routes(routes!(members::remove))
        .routes(routes!(members::grants_of))
        .routes(routes!(members::grant))
        .routes(routes!(members::revoke))
        .routes(routes!(events::list))
        .routes(routes!(events::stream))
        .routes(routes!(events::daily))
        .routes(routes!(events::export))
        .routes(routes!(tokens::list, tokens::create))
        .routes(routes!(tokens::revoke))
        .routes(routes!(tokens::rotate))
        .routes(routes!(roles::list, roles::create))
        .routes(routes!(roles::get, roles::update, roles::delete))
        .routes(routes!(applications::list, applications::create))
        .routes(routes!(
            applications::get,
            applications::update,
            applications::delete
        ))
        .routes(routes!(sso::list, sso::create))
        .routes(routes!(sso::get, sso::update, sso::delete))
        .routes(routes!(sso::test))
        .routes(routes!(domains::list, domains::claim))
        .routes(routes!(domains::delete))
        .routes(routes!(domains::verify))
        .split_for_parts();
    (
        router.fallback(|| async { ApiError::from(foxgate_core::Error::NotFound) }),
        api,
    )
}
