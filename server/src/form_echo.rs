//! A console form posted without JavaScript that the server refused comes back as it was
//! typed: the post's fields are kept in the session for one page load, and that page's
//! HTML gets them back into the same form — the refused field outlined, focused and
//! described by the page's fixed sentence under it. Never a password or secret.
//! The same happens with JavaScript: the console's forms are plain forms (only its islands
//! run in the browser), so there is one way back for a refused form.

use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use lol_html::html_content::{ContentType, Element};
use lol_html::{element, rewrite_str, RewriteStrSettings};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::HashMap;

const SESSION_KEY: &str = "form_echo";
/// A refused post not shown again within this time is dropped.
const TTL_MS: i64 = 5 * 60 * 1000;
/// Bounds on what one post may leave in the session.
const MAX_FIELDS: usize = 200;
const MAX_VALUE: usize = 2_000;
const MAX_BODY: usize = 256 * 1024;
/// The largest page rewritten; a bigger one is sent as rendered.
const MAX_PAGE: usize = 4 * 1024 * 1024;

/// What a refused post leaves for the page it returns to.
#[derive(Serialize, Deserialize)]
struct Echo {
    /// The page (path) the browser is sent back to.
    page: String,
    /// The server function posted to: the form's `action`.
    function: String,
    fields: Vec<(String, String)>,
    at_ms: i64,
}

/// Field names worth echoing: form words (`name`, `permissions[]`), never a secret.
fn echoable(name: &str) -> bool {
    let word = name.strip_suffix("[]").unwrap_or(name);
    !word.is_empty()
        && word.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
        && !["password", "secret", "submission", "token"]
            .iter()
            .any(|s| word.contains(s))
}

/// The middleware: keeps a refused plain form post, and gives it back to its page.
pub async fn keep(State(_): State<AppState>, req: Request, next: Next) -> Response {
    let plain_form = req.method() == Method::POST
        && req.uri().path().starts_with("/fn/")
        && header_has(&req, header::ACCEPT, "text/html")
        && header_has(
            &req,
            header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        );
    if plain_form {
        return keep_refused(req, next).await;
    }
    if req.method() == Method::GET && req.uri().query().is_some_and(|q| q.contains("error=")) {
        return give_back(req, next).await;
    }
    next.run(req).await
}

fn header_has(req: &Request, name: header::HeaderName, text: &str) -> bool {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains(text))
}

async fn keep_refused(req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "form too large").into_response();
    };
    let fields: Vec<(String, String)> = form_urlencoded::parse(&bytes)
        .filter(|(name, _)| echoable(name))
        .take(MAX_FIELDS)
        .map(|(name, value)| {
            let value: String = value.chars().take(MAX_VALUE).collect();
            (name.into_owned(), value)
        })
        .collect();
    let function = parts.uri.path().to_string();
    let session = parts.extensions.get::<tower_sessions::Session>().cloned();
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    // Refused: the door sent the browser back to its page with `?error=…`.
    let back_to = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .filter(|l| l.starts_with('/') && !l.starts_with("//") && l.contains("error="))
        .map(|l| l.split('?').next().unwrap_or(l).to_string());
    if let (Some(page), Some(session)) = (back_to, session) {
        let echo = Echo {
            page,
            function,
            fields,
            at_ms: foxgate_core::store::now_ms(),
        };
        if let Err(e) = session.insert(SESSION_KEY, echo).await {
            tracing::warn!(error = %e, "could not keep a refused form for its page");
        }
    }
    response
}

async fn give_back(req: Request, next: Next) -> Response {
    let session = req.extensions().get::<tower_sessions::Session>().cloned();
    let query = req.uri().query().unwrap_or_default().to_string();
    let path = req.uri().path().to_string();
    let response = next.run(req).await;
    let Some(session) = session else {
        return response;
    };
    let Ok(Some(echo)) = session.remove::<Echo>(SESSION_KEY).await else {
        return response;
    };
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if echo.page != path
        || foxgate_core::store::now_ms() - echo.at_ms >= TTL_MS
        || !is_html
        || !echo
            .function
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'_' || b == b'/')
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_PAGE).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "page too large").into_response();
    };
    let html = String::from_utf8_lossy(&bytes);
    let pairs: HashMap<String, String> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let sentence = pairs
        .get("error")
        .map(|code| foxgate_app::error::message_for(code, pairs.get("field").map(String::as_str)));
    let refused = pairs.get("field").cloned().filter(|f| echoable(f));
    let body = match fill(&html, &echo, refused.as_deref(), sentence) {
        Some(filled) => filled,
        None => html.into_owned(),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}

/// The page with the echoed values in the form posted to `echo.function`.
fn fill(html: &str, echo: &Echo, refused: Option<&str>, sentence: Option<&str>) -> Option<String> {
    let form = format!("form[action=\"{}\"]", echo.function);
    let mut values: HashMap<&str, Vec<&str>> = HashMap::new();
    for (name, value) in &echo.fields {
        values
            .entry(name.as_str())
            .or_default()
            .push(value.as_str());
    }
    // Several fields may share a name (rows of a list): the n-th gets the n-th value.
    let seen: RefCell<HashMap<String, usize>> = RefCell::new(HashMap::new());
    let marked = RefCell::new(false);
    let value_of = |name: &str| -> Option<String> {
        let mut seen = seen.borrow_mut();
        let n = seen.entry(name.to_string()).or_insert(0);
        let value = values
            .get(name)
            .and_then(|v| v.get(*n))
            .map(|v| v.to_string());
        *n += 1;
        value
    };
    let mark = |el: &mut Element, name: &str| {
        let is_refused = refused.is_some_and(|f| name == f || name.strip_suffix("[]") == Some(f));
        if !is_refused || marked.replace(true) {
            return;
        }
        let id = format!("field-error-{}", name.trim_end_matches("[]"));
        let _ = el.set_attribute("aria-invalid", "true");
        let _ = el.set_attribute("aria-describedby", &id);
        let _ = el.set_attribute("autofocus", "");
        if let Some(sentence) = sentence {
            let text = sentence
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            el.after(
                &format!("<p id=\"{id}\" class=\"mt-1 text-xs font-normal text-red-700 dark:text-red-300\">{text}</p>"),
                ContentType::Html,
            );
        }
    };
    // The posted choice of the select being read: its options follow it.
    let choosing: RefCell<Option<String>> = RefCell::new(None);
    let all_values = |name: &str| values.get(name).cloned().unwrap_or_default();
    let settings = RewriteStrSettings::new()
        .append_element_content_handler(element!(format!("{form} input[name]"), |el| {
            let name = el.get_attribute("name").unwrap_or_default();
            if !echoable(&name) {
                return Ok(());
            }
            let kind = el
                .get_attribute("type")
                .unwrap_or_default()
                .to_ascii_lowercase();
            match kind.as_str() {
                "password" | "hidden" | "submit" | "file" | "button" => {}
                "checkbox" | "radio" => {
                    let own = el.get_attribute("value").unwrap_or_else(|| "on".into());
                    if all_values(&name).contains(&own.as_str()) {
                        el.set_attribute("checked", "")?;
                    } else {
                        el.remove_attribute("checked");
                    }
                }
                _ => {
                    if let Some(value) = value_of(&name) {
                        el.set_attribute("value", &value)?;
                    }
                }
            }
            mark(el, &name);
            Ok(())
        }))
        .append_element_content_handler(element!(format!("{form} textarea[name]"), |el| {
            let name = el.get_attribute("name").unwrap_or_default();
            if echoable(&name) {
                if let Some(value) = value_of(&name) {
                    el.set_inner_content(&value, ContentType::Text);
                }
                mark(el, &name);
            }
            Ok(())
        }))
        .append_element_content_handler(element!(format!("{form} select[name]"), |el| {
            let name = el.get_attribute("name").unwrap_or_default();
            let chosen = if echoable(&name) {
                value_of(&name)
            } else {
                None
            };
            if chosen.is_some() {
                mark(el, &name);
            }
            *choosing.borrow_mut() = chosen;
            Ok(())
        }))
        .append_element_content_handler(element!(
            format!("{form} select[name] option[value]"),
            |el| {
                if let Some(chosen) = choosing.borrow().as_deref() {
                    if el.get_attribute("value").as_deref() == Some(chosen) {
                        el.set_attribute("selected", "")?;
                    } else {
                        el.remove_attribute("selected");
                    }
                }
                Ok(())
            }
        ));
    let filled = rewrite_str(html, settings);
    filled
        .map_err(|e| tracing::warn!(error = %e, "could not refill a refused form"))
        .ok()
}
