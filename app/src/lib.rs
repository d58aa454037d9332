//! Foxgate's admin console: the Leptos app (routes, pages, components) and the server
//! functions it calls. Pages are server HTML and plain forms, so they work without
//! JavaScript; the few `#[island]` components are all that runs in the browser
//! (docs/architecture.md, "Islands").

pub mod api;
pub mod components;
pub mod error;
pub mod notice;
pub mod pages;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The console's pages with their navigation labels, in menu order: the navigation bar
/// draws them, and the server's page gate sends signed-out visitors of them to `/login`.
pub const CONSOLE_PAGES: [(&str, &str); 9] = [
    ("/", "Dashboard"),
    ("/teams", "Teams"),
    ("/members", "Members"),
    ("/roles", "Roles"),
    ("/applications", "Applications"),
    ("/tokens", "Tokens"),
    ("/sso", "Single sign-on"),
    ("/sessions", "Sessions"),
    ("/activity", "Activity"),
];

/// The prefixes of the pages of one object (`/teams/payments`, `/roles/{id}`), gated like
/// the console pages; other paths below a page (`/sso/callback`) are not pages.
pub const CONSOLE_DETAIL_PAGES: [&str; 2] = ["/teams/", "/roles/"];

/// The HTML document around the app, rendered on the server only; `stylesheet` is the
/// fingerprinted stylesheet's path.
pub fn shell(options: LeptosOptions, stylesheet: String) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                // No favicon file to fetch (and 404) on every page.
                <link rel="icon" href="data:," />
                <link rel="stylesheet" href=stylesheet />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body class="min-h-screen bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=|page: String| format!("{page} · Foxgate") />
        <Router>
            <Routes fallback=pages::NotFound>
                // Async: the whole page is rendered before it is sent, so it reads complete without JavaScript.
                <Route path=path!("/") view=pages::Dashboard ssr=SsrMode::Async />
                <Route path=path!("/login") view=pages::Login ssr=SsrMode::Async />
                <Route path=path!("/setup") view=pages::Setup />
                <Route path=path!("/teams") view=pages::Teams ssr=SsrMode::Async />
                <Route path=path!("/teams/:team") view=pages::TeamDetail ssr=SsrMode::Async />
                <Route path=path!("/members") view=pages::Members ssr=SsrMode::Async />
                <Route path=path!("/roles") view=pages::Roles ssr=SsrMode::Async />
                <Route path=path!("/roles/:role") view=pages::RoleDetail ssr=SsrMode::Async />
                <Route path=path!("/applications") view=pages::Applications ssr=SsrMode::Async />
                <Route path=path!("/tokens") view=pages::Tokens ssr=SsrMode::Async />
                <Route path=path!("/sso") view=pages::Sso ssr=SsrMode::Async />
                <Route path=path!("/sessions") view=pages::Sessions ssr=SsrMode::Async />
                <Route path=path!("/activity") view=pages::Activity ssr=SsrMode::Async />
                <Route path=path!("/confirm") view=pages::Confirm ssr=SsrMode::Async />
                <Route path=path!("/device") view=pages::Device ssr=SsrMode::Async />
            </Routes>
        </Router>
    }
}
