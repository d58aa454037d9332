//! What every handler shares: the services, the configuration and Leptos' options.

use crate::config::Config;
use axum::extract::FromRef;
use foxgate_core::service::Services;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub services: Arc<Services>,
    pub config: Arc<Config>,
    pub leptos: LeptosOptions,
}
