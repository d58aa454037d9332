//! The server side of every server function: find the Principal and the services the
//! server put in the request, and turn a core error into a status and a `UiError`.

use crate::error::UiError;
use foxgate_core::authz::Principal;
use foxgate_core::model::CreatedToken;
use foxgate_core::service::Services;
use leptos::prelude::*;
use std::sync::Arc;

pub async fn enter() -> Result<(Arc<Services>, Principal), UiError> {
    let services = use_context::<Arc<Services>>().ok_or_else(|| {
        UiError::from(foxgate_core::Error::internal(
            "services missing from context",
        ))
    })?;
    let principal = use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Principal>().cloned())
        .ok_or_else(|| {
            UiError::from(foxgate_core::Error::internal(
                "principal missing from request",
            ))
        })?;
    Ok((services, principal))
}

/// The org the console works in: the session's. Anonymous callers get `unauthorized` from
/// the service, which checks this before anything else.
pub fn org(principal: &Principal) -> &str {
    principal.org_id.as_deref().unwrap_or_default()
}

/// Maps a service result; an internal error names the request id its cause was logged under.
/// A plain HTML form post (no JavaScript) that fails is sent back to its page with
/// `?error=<code>[&field=<field>]`, which the page turns into a fixed message.
pub fn leave<T>(
    principal: &Principal,
    result: Result<T, foxgate_core::Error>,
) -> Result<T, UiError> {
    // A plain form goes back to its page saying it is done; one confirmed on `/confirm`
    // to the list it came from, done or refused: the confirmation page of a deleted object
    // has nothing left to show.
    if result.is_ok() && direct_call() {
        let done = called_path().and_then(|path| crate::notice::done_word(&path));
        match (confirmed_from(), form_referer(), done) {
            (Some(list), _, Some(word)) => back_to(list, "", &format!("done={word}")),
            (Some(list), _, None) => leptos_axum::redirect(list),
            (None, Some((page, query)), Some(word)) => {
                back_to(&page, &query, &format!("done={word}"))
            }
            _ => {}
        }
    }
    result.map_err(|e| {
        if let foxgate_core::Error::Internal(cause) = &e {
            tracing::error!(%cause, "server function failed");
        }
        // While a page renders, its server functions run in-process: the page keeps its
        // own status and shows the error itself. Only direct calls to /fn/… answer with it.
        if !direct_call() {
            return UiError(e.body(principal.context.request_id.as_deref()));
        }
        let page = match confirmed_from() {
            Some(list) => Some((list.to_string(), String::new())),
            None => form_referer(),
        };
        match page {
            Some((page, query)) => {
                let field = match refused_field(&e) {
                    Some(field) => format!("&field={field}"),
                    None => String::new(),
                };
                let said = format!(
                    "error={}{field}",
                    foxgate_core::model::PageError::from(e.code())
                );
                back_to(&page, &query, &said);
            }
            None => {
                if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
                    options.set_status(
                        axum::http::StatusCode::from_u16(e.code().http_status())
                            .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR),
                    );
                }
            }
        }
        UiError(e.body(principal.context.request_id.as_deref()))
    })
}

/// The form field a refusal is about: an invalid input's, or a conflict's, which names its
/// field the same way (`slug: already in use`).
fn refused_field(e: &foxgate_core::Error) -> Option<String> {
    match e {
        foxgate_core::Error::InvalidInput { field, .. } => Some(field.to_string()),
        foxgate_core::Error::Conflict(message) => {
            let (word, _) = message.split_once(": ")?;
            (!word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
                .then(|| word.to_string())
        }
        _ => None,
    }
}

/// The session key of a secret minted by a plain form post, waiting for the next page load.
const NEW_TOKEN: &str = "new_token";
/// A flashed secret not picked up within this time is dropped.
const NEW_TOKEN_TTL_MS: i64 = 5 * 60 * 1000;

/// The flashed answer, sealed with the server's key: the session row in the database never
/// holds a usable token secret.
#[derive(serde::Serialize, serde::Deserialize)]
struct Flashed {
    sealed: String,
    at_ms: i64,
}

fn session() -> Option<tower_sessions::Session> {
    use_context::<axum::http::request::Parts>()?
        .extensions
        .get::<tower_sessions::Session>()
        .cloned()
}

/// After a token is minted or rotated by a console form (a plain form post, with or
/// without JavaScript), the browser is redirected back to its page and would never see the
/// answer: keep the secret in the session for that one page load.
pub async fn flash_secret(created: CreatedToken) -> CreatedToken {
    mark_shows_secret();
    if direct_call() && form_page().is_some() {
        if let (Some(session), Some(services), Ok(plain)) = (
            session(),
            use_context::<Arc<Services>>(),
            serde_json::to_string(&created),
        ) {
            let flashed = Flashed {
                sealed: services.keyring.seal(&plain),
                at_ms: foxgate_core::store::now_ms(),
            };
            if let Err(e) = session.insert(NEW_TOKEN, flashed).await {
                tracing::warn!(error = %e, "could not keep a new token for the next page");
            }
        }
    }
    created
}

/// Takes (removes) the flashed secret, if a fresh one is waiting.
pub async fn take_flashed_secret() -> Option<CreatedToken> {
    let flashed: Flashed = session()?.remove(NEW_TOKEN).await.ok()??;
    if foxgate_core::store::now_ms() - flashed.at_ms >= NEW_TOKEN_TTL_MS {
        return None;
    }
    let plain = use_context::<Arc<Services>>()?
        .keyring
        .open(&flashed.sealed)
        .ok()?;
    let created = serde_json::from_str(plain.expose()).ok()?;
    mark_shows_secret();
    Some(created)
}

/// This answer carries a secret: it must not be stored nor compressed.
fn mark_shows_secret() {
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.insert_header(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static(foxgate_core::secret::CACHE_CONTROL),
        );
    }
}

/// Sends the browser back to `page`, keeping its own query (a search, a filter) but not
/// what an earlier post said there, with `said` added.
fn back_to(page: &str, query: &str, said: &str) {
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| {
            let key = pair.split('=').next().unwrap_or_default();
            !pair.is_empty() && !["error", "field", "done"].contains(&key)
        })
        .collect();
    let query = kept.into_iter().chain([said]).collect::<Vec<_>>().join("&");
    leptos_axum::redirect(&format!("{page}?{query}"));
}

/// The path of the server function called (`/fn/create_team`).
fn called_path() -> Option<String> {
    use_context::<axum::http::request::Parts>().map(|parts| parts.uri.path().to_string())
}

fn direct_call() -> bool {
    use_context::<axum::http::request::Parts>()
        .is_some_and(|parts| parts.uri.path().starts_with("/fn/"))
}

/// For a plain form posted from `/confirm?what=…`, the list page of that kind of object.
fn confirmed_from() -> Option<&'static str> {
    let (page, query) = form_referer()?;
    if page != "/confirm" {
        return None;
    }
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("what="))
        .and_then(foxgate_core::model::Doomed::parse)
        .map(foxgate_core::model::Doomed::page)
}

/// The path of the console page that posted a plain form, if this call is one. Only a
/// local path is ever returned, so the redirect cannot leave Foxgate.
fn form_page() -> Option<String> {
    form_referer().map(|(path, _)| path)
}

/// The page (path, query) a plain HTML form was posted from: a browser's own post, which
/// accepts HTML and names the page it came from.
fn form_referer() -> Option<(String, String)> {
    use axum::http::header::{ACCEPT, REFERER};
    let parts = use_context::<axum::http::request::Parts>()?;
    let header = |name| {
        parts
            .headers
            .get(name)
            .and_then(|v: &axum::http::HeaderValue| v.to_str().ok())
    };
    if !header(ACCEPT)?.contains("text/html") {
        return None;
    }
    let referer = header(REFERER)?;
    let after_scheme = referer.split_once("://").map_or(referer, |(_, rest)| rest);
    let local = &after_scheme[after_scheme.find('/')?..];
    let local = local.split('#').next().unwrap_or("/");
    let (path, query) = local.split_once('?').unwrap_or((local, ""));
    (path.starts_with('/') && !path.starts_with("//"))
        .then(|| (path.to_string(), query.to_string()))
}

/// A server function's whole body when it only calls a service in the caller's org:
/// `door::serve!(service::teams::list)` or `door::serve!(service::teams::delete, &team)`.
/// Finds the caller, calls the service with the services, the Principal and the org, and
/// maps the result as [`leave`] does.
macro_rules! serve {
    ($service:path $(, $arg:expr)* $(,)?) => {{
        let (s, p) = $crate::api::door::enter().await?;
        let org = $crate::api::door::org(&p);
        $crate::api::door::leave(&p, $service(&s, &p, org $(, $arg)*).await)
    }};
}
pub(crate) use serve;
