//! What every handler shares: the services, the configuration and Leptos' options.

use crate::config::Config;
use crate::session_store::SqlSessionStore;
use axum::extract::FromRef;
use foxgate_core::service::Services;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

/// Cloned by every middleware layer on every request, so it is one `Arc`: Leptos' options
/// alone are a dozen strings, and copying them per request showed up in the load test.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub services: Arc<Services>,
    pub config: Arc<Config>,
    pub leptos: LeptosOptions,
    /// The fingerprinted names of the console's static files.
    pub assets: crate::assets::SiteAssets,
    /// The session store, for the handle of the current session.
    pub sessions: SqlSessionStore,
    /// Set to true when the server starts shutting down, so long-lived answers (the live
    /// activity stream) end instead of holding the graceful shutdown open.
    pub closing: tokio::sync::watch::Sender<bool>,
    /// Live streams open, capped per principal and in all.
    pub streams: Arc<crate::stream_slots::StreamSlots>,
}

impl AppState {
    pub fn new(
        services: Arc<Services>,
        config: Arc<Config>,
        leptos: LeptosOptions,
        assets: crate::assets::SiteAssets,
        sessions: SqlSessionStore,
    ) -> Self {
        let streams = crate::stream_slots::StreamSlots::new(config.max_live_streams);
        Self(Arc::new(Shared {
            streams,
            services,
            config,
            leptos,
            assets,
            sessions,
            closing: tokio::sync::watch::Sender::new(false),
        }))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// Leptos' route handlers take their options from the state (only page requests do).
impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}
