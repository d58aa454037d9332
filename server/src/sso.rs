//! The browser's way through single sign-on: `POST /sso/start` (the sign-in form) sends the
//! browser to its org's IdP, `GET /sso/callback` brings it back and starts a session. The
//! pending sign-ins (state, nonce, PKCE verifier) live in the server-side session, so only the
//! browser that left can come back with them.

use crate::api_error::ApiError;
use crate::console::page_error;
use crate::console::start_session;
use crate::principal::Anyone;
use crate::state::AppState;
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use foxgate_core::model::PageError;
use foxgate_core::service::sso::{self, Callback, PendingSignIn, StartRequest};
use foxgate_core::Error;
use tower_sessions::Session;

/// The session key of the sign-ins on their way through an IdP.
const PENDING: &str = "sso_pending";

fn store_error(e: tower_sessions::session::Error) -> ApiError {
    ApiError::from(Error::internal(format!("session store: {e}")))
}

/// `POST /sso/start`: email (or org, and optionally provider) → 303 to the IdP.
pub async fn start(
    State(state): State<AppState>,
    Anyone(p): Anyone,
    session: Session,
    form: Result<Form<StartRequest>, FormRejection>,
) -> Response {
    let Ok(Form(request)) = form else {
        return page_error("/login", PageError::SsoInvalid, &[]);
    };
    begin(&state, &p, &session, request).await
}

/// Sends the browser to the IdP the request picks, keeping the pending sign-in in its
/// session: the sign-in form's way, and an org switch's when the org requires SSO.
pub async fn begin(
    state: &AppState,
    p: &foxgate_core::authz::Principal,
    session: &Session,
    request: StartRequest,
) -> Response {
    let (url, pending) = match sso::start(&state.services, &p.context, request).await {
        Ok(found) => found,
        Err(Error::RateLimited { .. }) => return page_error("/login", PageError::RateLimited, &[]),
        Err(Error::InvalidInput {
            field: "provider", ..
        }) => return page_error("/login", PageError::SsoUnavailable, &[]),
        Err(Error::InvalidInput { .. }) => {
            return page_error("/login", PageError::SsoNotSetUp, &[])
        }
        Err(e) => return ApiError::from(e).into_response(),
    };
    let mut list: Vec<PendingSignIn> = match session.get(PENDING).await {
        Ok(list) => list.unwrap_or_default(),
        Err(e) => return store_error(e).into_response(),
    };
    list.push(pending);
    let keep_from = list.len().saturating_sub(sso::MAX_PENDING);
    list.drain(..keep_from);
    if let Err(e) = session.insert(PENDING, &list).await {
        return store_error(e).into_response();
    }
    Redirect::to(&url).into_response()
}

/// `GET /sso/callback`: checks everything, then signs in (a new session id) and goes to the
/// page the sign-in started from; a refusal goes to the sign-in page with its reason.
pub async fn callback(
    State(state): State<AppState>,
    Anyone(p): Anyone,
    session: Session,
    query: Result<Query<Callback>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let callback = query.map(|Query(c)| c).unwrap_or_default();
    let mut list: Vec<PendingSignIn> = match session.get(PENDING).await {
        Ok(list) => list.unwrap_or_default(),
        Err(e) => return store_error(e).into_response(),
    };
    let pending = callback
        .state
        .as_deref()
        .and_then(|s| sso::take_pending(&mut list, s));
    if pending.is_some() {
        // Saved before anything else, so a state is spent even if what follows fails.
        if let Err(e) = session.insert(PENDING, &list).await {
            return store_error(e).into_response();
        }
    }
    match sso::finish(&state.services, &p.context, pending, callback).await {
        Ok(Ok((signed_in, return_to))) => {
            match start_session(&session, &signed_in, &p.context).await {
                Ok(()) => Redirect::to(&return_to).into_response(),
                Err(e) => ApiError::from(e).into_response(),
            }
        }
        Ok(Err(sso::Refused(reason))) => {
            page_error("/login", PageError::Sso, &[("reason", reason.as_str())])
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}
