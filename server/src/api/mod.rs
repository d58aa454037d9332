//! The JSON API under `/api/v1`: thin handlers that take the Principal, call one
//! `foxgate_core::service` fn and map its result.

mod applications;
mod auth;
mod domains;
mod events;
mod json;
mod members;
mod orgs;
mod roles;
mod scripts;
mod sessions;
mod setup;
mod sso;
mod teams;
mod tokens;

pub use json::ApiJson;

use crate::api_error::ApiError;
use crate::state::AppState;
use axum::routing::{delete, get, post};
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/auth/me", get(auth::me))
        .route(
            "/auth/sessions",
            get(sessions::mine).delete(sessions::end_my_others),
        )
        .route("/auth/sessions/{id}", delete(sessions::end_mine))
        .route("/auth/scripts", get(scripts::mine))
        .route("/auth/scripts/{id}", delete(scripts::revoke_mine))
        .route(
            "/orgs/{org}/members/{user}/scripts",
            get(scripts::of_member),
        )
        .route(
            "/orgs/{org}/members/{user}/sessions",
            delete(sessions::end_all_of_member),
        )
        .route("/setup", post(setup::create))
        .route("/orgs/{org}/teams", get(teams::list).post(teams::create))
        .route(
            "/orgs/{org}/teams/{team}",
            get(teams::get).patch(teams::update).delete(teams::delete),
        )
        .route("/orgs/{org}/teams/{team}/members", get(teams::members))
        .route("/orgs", get(orgs::mine).post(orgs::create))
        .route("/orgs/{org}", get(orgs::get).patch(orgs::update))
        .route(
            "/orgs/{org}/members",
            get(members::list).post(members::create),
        )
        .route("/orgs/{org}/members/{user}", delete(members::remove))
        .route("/orgs/{org}/grants", post(members::grant))
        .route("/orgs/{org}/events", get(events::list))
        .route("/orgs/{org}/events/stream", get(events::stream))
        .route("/orgs/{org}/events/daily", get(events::daily))
        .route("/orgs/{org}/events/{file}", get(events::export))
        .route("/orgs/{org}/tokens", get(tokens::list).post(tokens::create))
        .route("/orgs/{org}/tokens/{token}", delete(tokens::revoke))
        .route("/orgs/{org}/tokens/{token}/rotate", post(tokens::rotate))
        .route("/orgs/{org}/grants/{grant}", delete(members::revoke))
        .route("/orgs/{org}/roles", get(roles::list).post(roles::create))
        .route(
            "/orgs/{org}/applications",
            get(applications::list).post(applications::create),
        )
        .route(
            "/orgs/{org}/applications/{app}",
            get(applications::get)
                .patch(applications::update)
                .delete(applications::delete),
        )
        .route(
            "/orgs/{org}/roles/{role}",
            get(roles::get).patch(roles::update).delete(roles::delete),
        )
        .route(
            "/orgs/{org}/sso/providers",
            get(sso::list).post(sso::create),
        )
        .route(
            "/orgs/{org}/sso/providers/{id}",
            get(sso::get).put(sso::update).delete(sso::delete),
        )
        .route("/orgs/{org}/sso/providers/{id}/test", post(sso::test))
        .route(
            "/orgs/{org}/sso/domains",
            get(domains::list).post(domains::claim),
        )
        .route("/orgs/{org}/sso/domains/{id}", delete(domains::delete))
        .route("/orgs/{org}/sso/domains/{id}/verify", post(domains::verify))
        .fallback(|| async { ApiError::from(foxgate_core::Error::NotFound) })
}
