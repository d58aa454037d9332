//! The HTTP surface: every route and the middleware stack around them, in one place.

use crate::state::AppState;
use crate::{
    api, api_docs, assets, client_addr, console, health, principal, programs, request_id, security,
    sso,
};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use axum::Router;
use foxgate_app::{shell, App};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// Name of the session cookie; `__Host-` (which browsers accept only over https) pins it
/// to this exact host and path.
pub fn session_cookie_name(https: bool) -> &'static str {
    if https {
        "__Host-foxgate_session"
    } else {
        "foxgate_session"
    }
}

pub fn build(state: AppState, session_store: crate::session_store::SqlSessionStore) -> Router {
    let https = state.config.https();
    let sessions = SessionManagerLayer::new(session_store)
        .with_name(session_cookie_name(https))
        .with_secure(https)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_path("/")
        // The idle timeout: every save pushes the expiry out, and `principal::attach` saves
        // a used session at most once a minute, so an idle one expires in the store.
        .with_expiry(Expiry::OnInactivity(
            time::Duration::try_from(state.config.session_idle).unwrap_or(time::Duration::hours(2)),
        ));

    let services = state.services.clone();
    let leptos_context = move || {
        provide_context(services.clone());
        use_request_nonce();
    };
    let leptos_options = state.leptos.clone();
    let stylesheet = state.assets.stylesheet_href();
    let page_shell = move |options| shell(options, stylesheet.clone());
    let fallback_options = leptos_options.clone();

    let browsers = health::described()
        .0
        .route("/api-docs", get(api_docs::page))
        .route("/login", post(console::login))
        .route("/logout", post(console::logout))
        .route("/setup", post(console::setup))
        .route("/orgs/switch", post(console::switch_org))
        .route("/sso/start", post(sso::start))
        .route("/sso/callback", get(sso::callback))
        .nest("/api/v1", api::routes())
        .leptos_routes_with_context(&state, console_routes(), leptos_context.clone(), {
            let page_shell = page_shell.clone();
            let options = leptos_options.clone();
            move || page_shell(options.clone())
        })
        // Static files have their own door (`assets`); anything else unknown is the
        // console's "not found" page, which answers 404 itself.
        .fallback(leptos_axum::render_app_to_stream_with_context(
            leptos_context,
            move || page_shell(fallback_options.clone()),
        ))
        // Outermost last: request id → headers → compression → origin check → session →
        // principal → page gate → a refused plain form's fields kept for its page.
        .layer(from_fn_with_state(state.clone(), crate::form_echo::keep))
        .layer(from_fn_with_state(state.clone(), console::gate))
        .layer(from_fn_with_state(state.clone(), principal::attach))
        .layer(sessions)
        .layer(from_fn_with_state(
            state.clone(),
            security::same_origin_writes,
        ))
        .layer(assets::compression())
        .layer(from_fn_with_state(state.clone(), security::headers))
        .layer(from_fn(request_id::assign))
        .with_state(state.clone());
    let trusted_proxies = state.config.trusted_proxies.clone();
    let oauth = crate::oauth::router(state.clone());
    let authzen = crate::authzen::router(state.clone());
    let static_files = assets::router(state.clone());
    let programs = programs::router(state);
    // Two doors to the same API: bearer-token requests to /api/ take the short path. (A
    // refused permission is recorded by the use case that refused it.)
    Router::new().fallback_service(tower::service_fn(move |mut req: axum::extract::Request| {
        client_addr::attach(&mut req, &trusted_proxies);
        let door = if assets::wants(&req) {
            static_files.clone()
        } else if crate::oauth::wants(&req) {
            oauth.clone()
        } else if crate::authzen::wants(&req) {
            authzen.clone()
        } else if programs::wants(&req) {
            programs.clone()
        } else {
            browsers.clone()
        };
        tower::ServiceExt::oneshot(door, req)
    }))
}

/// Hands the nonce that `security::headers` put in the CSP to Leptos, so its inline
/// hydration scripts carry the same one.
/// The console's routes, listed once per process.
///
/// Listing them renders the app with every `Resource` load suppressed through a
/// process-wide flag (leptos#4773): a page whose resource first polls while another router is
/// being built in the same process would wait forever. Listed once, before the first router
/// exists, no page can be rendering then — this matters wherever several servers start in
/// one process (the integration tests), and costs nothing where one does.
fn console_routes() -> Vec<AxumRouteListing> {
    static ROUTES: std::sync::LazyLock<Vec<AxumRouteListing>> =
        std::sync::LazyLock::new(|| generate_route_list(App));
    ROUTES.clone()
}

fn use_request_nonce() {
    let nonce = leptos::prelude::use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<security::CspNonce>().cloned());
    if let Some(security::CspNonce(nonce)) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(nonce));
    }
}
