//! The Foxgate server: configuration, the HTTP router and its middleware, sessions, and
//! the commands of the `foxgate` binary (serve, migrate, bootstrap).

pub mod api;
pub mod api_docs;
pub mod api_error;
pub mod assets;
pub mod authzen;
pub mod client_addr;
pub mod config;
pub mod console;
pub mod export;
pub mod form_echo;
pub mod health;
pub mod key;
pub mod oauth;
pub mod principal;
pub mod programs;
pub mod request_id;
pub mod router;
pub mod security;
pub mod session_store;
pub mod sso;
pub mod state;
pub mod stream_slots;

use axum::Router;
use config::Config;
use foxgate_core::secret::Secret;
use foxgate_core::service::{decision_log, setup, Services};
use foxgate_core::store::Db;
use leptos::prelude::LeptosOptions;
use state::AppState;
use std::sync::Arc;
use std::time::Duration;

/// A ready-to-serve Foxgate: the router, its shared state and the session store.
pub struct Foxgate {
    pub router: Router,
    pub state: AppState,
    pub sessions: session_store::SqlSessionStore,
}

/// Connects (lazily) and loads the key; does not touch the database yet.
pub fn assemble(config: Config) -> Result<Foxgate, String> {
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|e| format!("cannot create {}: {e}", config.data_dir.display()))?;
    let key = key::load(&config.data_dir)?;
    let db = Db::connect_lazy_sized(&config.database_url, config.db_max_connections)
        .map_err(|e| e.to_string())?;
    let assets = assets::SiteAssets::load(&config.site_root);
    let leptos = LeptosOptions::builder()
        .output_name(assets.app.clone())
        .site_root(config.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .build();
    let services = Services::new(db.clone(), key)
        .with_idp_policy(foxgate_core::oidc::IdpPolicy {
            allow_loopback: config.dev_allow_loopback_idp,
        })
        .with_audit_min_retention_days(config.audit_min_retention_days)
        .with_dns_resolver(config.dns_resolver)
        .with_token_cache(config.token_cache)
        .with_token_failures_per_minute(config.token_failures_per_minute)
        .with_public_url(&config.public_origin);
    let sessions =
        session_store::SqlSessionStore::new(db, services.keys.clone(), config.token_cache);
    let state = AppState::new(
        Arc::new(services),
        Arc::new(config),
        leptos,
        assets,
        sessions.clone(),
    );
    let router = router::build(state.clone(), sessions.clone());
    Ok(Foxgate {
        router,
        state,
        sessions,
    })
}

/// Applies the pending migrations (and what must happen once with one of them).
pub async fn migrate(services: &Services) -> Result<(), String> {
    let applied = services.db.migrate().await.map_err(|e| format!("{e:?}"))?;
    // Heads written before heads were signed are adopted once, by the start that adds the
    // signatures; after that an unsigned head is a tampered one, never re-signed.
    if applied.contains(&foxgate_core::store::HEAD_SIGNING_MIGRATION) {
        services
            .sign_unsigned_heads()
            .await
            .map_err(|e| format!("{e:?}"))?;
    }
    Ok(())
}

/// Applies migrations, then issues the one-time setup code if nobody has set up the
/// instance yet (returned so `serve` can print it).
pub async fn prepare_database(services: &Services) -> Result<Option<Secret<String>>, String> {
    migrate(services).await?;
    setup::issue_code(services)
        .await
        .map_err(|e| format!("{e:?}"))
}

/// `foxgate serve`: listen until SIGINT/SIGTERM. A database that is down at start is
/// retried in the background; `/readyz` says 503 until it is up and migrated.
pub async fn serve(config: Config) -> Result<(), String> {
    let addr = config.addr.clone();
    let public = config.public_origin.clone();
    let foxgate = assemble(config)?;
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    tracing::info!(%addr, public_url = %public, "Foxgate listening");

    let services = foxgate.state.services.clone();
    let sessions = foxgate.sessions.clone();
    tokio::spawn(async move {
        loop {
            match prepare_database(&services).await {
                Ok(Some(code)) => {
                    tracing::warn!(
                        "first-run setup: open {public}/setup and enter the setup code {}",
                        code.expose()
                    );
                    break;
                }
                Ok(None) => break,
                Err(e) => {
                    tracing::error!(error = %e, "database not ready; retrying in 5 s");
                    tokio::time::sleep(Duration::from_secs(5)).await;
                }
            }
        }
        let mut every = tokio::time::interval(Duration::from_secs(600));
        loop {
            every.tick().await;
            if let Err(e) = sessions.delete_expired().await {
                tracing::warn!(error = %e, "expired-session cleanup failed");
            }
            if let Err(e) = foxgate_core::service::events::purge_expired(&services).await {
                tracing::warn!(error = ?e, "audit retention purge failed");
            }
            if let Err(e) = foxgate_core::service::tokens::forget_old_submissions(&services).await {
                tracing::warn!(error = ?e, "forgetting old form submissions failed");
            }
        }
    });

    // Decision counts and logged denials reach the activity log within a few seconds;
    // whatever is left is written at shutdown.
    let decisions = foxgate.state.services.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(5));
        loop {
            every.tick().await;
            if let Err(e) = decision_log::flush(&decisions, false).await {
                tracing::warn!(error = ?e, "writing decision counts failed");
            }
        }
    });

    let closing = foxgate.state.clone();
    axum::serve(
        listener,
        foxgate
            .router
            .into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        closing.closing.send_replace(true);
    })
    .await
    .map_err(|e| e.to_string())?;
    if let Err(e) = decision_log::flush(&foxgate.state.services, true).await {
        tracing::warn!(error = ?e, "writing the last decision counts failed");
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
