//! The Principal middleware (docs/architecture.md): builds the caller's Principal once per request
//! from the session cookie and puts it in the request extensions, where API extractors and
//! server functions both read it.

use crate::api_error::ApiError;
use crate::client_addr::ClientAddr;
use crate::request_id::RequestId;
use crate::session_store::{ORG_ID, USER_ID};
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use foxgate_core::authz::{Principal, RequestContext};
use foxgate_core::service::sessions::keys::{SEEN_AT, SIGNED_IN_AT};
use foxgate_core::service::{bearer, principal};
use std::net::SocketAddr;
use tower_sessions::Session;

pub fn context_of(req: &Request) -> RequestContext {
    let header_text = |name: header::HeaderName, max: usize| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.chars().take(max).collect::<String>())
    };
    RequestContext {
        ip: req
            .extensions()
            .get::<ClientAddr>()
            .map(|ClientAddr(ip)| ip.to_string())
            .or_else(|| {
                req.extensions()
                    .get::<ConnectInfo<SocketAddr>>()
                    .map(|ConnectInfo(addr)| addr.ip().to_string())
            }),
        origin: header_text(header::ORIGIN, 200),
        request_id: req.extensions().get::<RequestId>().map(|r| r.0.clone()),
        user_agent: header_text(header::USER_AGENT, 300),
        session: None,
    }
}

/// The token of an `Authorization: Bearer` header, if the request carries one.
pub fn bearer(req: &Request) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

pub async fn attach(
    State(state): State<AppState>,
    session: Session,
    mut req: Request,
    next: Next,
) -> Response {
    let mut context = context_of(&req);
    // A bearer token is the whole identity of its request: no session is consulted.
    if let Some(token) = bearer(&req) {
        return match bearer::authenticate(&state.services, &token, context).await {
            Ok(principal) => {
                req.extensions_mut().insert(principal);
                next.run(req).await
            }
            Err(e) => ApiError::from(e).into_response(),
        };
    }
    context.session = session.id().map(|id| state.sessions.row_id(&id));
    let ids = (
        session.get::<String>(USER_ID).await,
        session.get::<String>(ORG_ID).await,
    );
    let principal = match ids {
        (Ok(Some(user_id)), Ok(Some(org_id))) if !within_lifetime(&state, &session).await => {
            tracing::debug!(%user_id, %org_id, "session past its absolute lifetime");
            if let Err(e) = session.flush().await {
                tracing::warn!(error = %e, "could not delete an expired session");
            }
            Principal::anonymous(context)
        }
        (Ok(Some(user_id)), Ok(Some(org_id))) => {
            match principal::for_session(&state.services, &user_id, &org_id, context.clone()).await
            {
                Ok(Some(p)) => p,
                Ok(None) => {
                    // The user was removed or disabled: the session dies with their access.
                    if let Err(e) = session.flush().await {
                        tracing::warn!(error = %e, "could not delete a dead session");
                    }
                    Principal::anonymous(context)
                }
                Err(e) => return ApiError::from(e).into_response(),
            }
        }
        (Err(e), _) | (_, Err(e)) => {
            return ApiError::from(foxgate_core::Error::internal(format!("session store: {e}")))
                .into_response()
        }
        _ => Principal::anonymous(context),
    };
    req.extensions_mut().insert(principal);
    next.run(req).await
}

/// Whether the session is younger than the absolute lifetime. A used session is also marked
/// seen (at most once a minute), which saves it and so pushes its idle expiry out.
async fn within_lifetime(state: &AppState, session: &Session) -> bool {
    let now = foxgate_core::store::now_ms();
    let max_ms = i64::try_from(state.config.session_max.as_millis()).unwrap_or(i64::MAX);
    let signed_in_at = session.get::<i64>(SIGNED_IN_AT).await.ok().flatten();
    if signed_in_at.is_none_or(|at| now.saturating_sub(at) > max_ms) {
        return false;
    }
    let seen_at = session.get::<i64>(SEEN_AT).await.ok().flatten();
    if seen_at.is_none_or(|at| now.saturating_sub(at) >= 60_000) {
        if let Err(e) = session.insert(SEEN_AT, now).await {
            tracing::warn!(error = %e, "could not mark a session as seen");
        }
    }
    true
}

/// Extractor for API handlers: the request's signed-in Principal. An anonymous request is
/// refused here, before its body is read: whatever else is wrong with it, it is `401`.
pub struct Caller(pub Principal);

/// Extractor for the public API handlers: the request's Principal, anonymous or not.
pub struct Anyone(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for Anyone {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        // Taken, not cloned: a handler has one caller, and this runs on every API request.
        parts
            .extensions
            .remove::<Principal>()
            .map(Anyone)
            .ok_or_else(|| foxgate_core::Error::internal("principal middleware missing").into())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Anyone(p) = Anyone::from_request_parts(parts, state).await?;
        if !p.is_authenticated() {
            return Err(foxgate_core::Error::Unauthorized.into());
        }
        Ok(Caller(p))
    }
}
