//! The console's static files (`/pkg/…`) and the compression of everything else.
//! `cargo xtask build` names each file after its content's hash and writes brotli and gzip
//! copies beside it; this door sends the smallest copy the browser accepts and lets it be
//! cached for a year, since a changed file gets a new name.

use crate::security;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::Response;
use axum::Router;
use std::path::Path;
use tower_http::compression::predicate::{DefaultPredicate, Predicate, SizeAbove};
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;

/// Written by `cargo xtask build` (`xtask/src/assets.rs`) next to `pkg/`.
const MANIFEST: &str = "assets.json";

/// The names the current build gave its files.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct SiteAssets {
    /// The stem of the wasm and its JS glue (`foxgate-<hash>`).
    pub app: String,
    /// The stylesheet's file name (`foxgate-<hash>.css`).
    pub stylesheet: String,
    /// The API reference viewer's files (`/api-docs`).
    pub api_docs: ViewerAssets,
}

/// The file names of the API reference viewer (`server/src/api_docs.rs`).
#[derive(Clone, Debug, serde::Deserialize)]
pub struct ViewerAssets {
    pub viewer_script: String,
    pub viewer_stylesheet: String,
    pub start_script: String,
}

impl SiteAssets {
    /// The manifest of the build in `site_root`; without one (a server started without
    /// `cargo xtask build`), the plain names, so the error is a missing file, not a panic.
    pub fn load(site_root: &Path) -> Self {
        let path = site_root.join(MANIFEST);
        match std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|text| serde_json::from_str(&text).map_err(|e| e.to_string()))
        {
            Ok(assets) => assets,
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "no asset manifest; run `cargo xtask build`");
                Self {
                    app: "foxgate".into(),
                    stylesheet: "foxgate.css".into(),
                    api_docs: ViewerAssets {
                        viewer_script: "api-docs-viewer.js".into(),
                        viewer_stylesheet: "api-docs-viewer.css".into(),
                        start_script: "api-docs-start.js".into(),
                    },
                }
            }
        }
    }

    pub fn stylesheet_href(&self) -> String {
        format!("/pkg/{}", self.stylesheet)
    }
}

/// Whether a request goes through this door.
pub fn wants(req: &Request) -> bool {
    req.uri().path().starts_with("/pkg/")
}

/// Serves `site_root/pkg`, preferring the precompressed copies.
pub fn router(state: AppState) -> Router {
    let files = ServeDir::new(state.config.site_root.join("pkg"))
        .precompressed_br()
        .precompressed_gzip();
    Router::new()
        .nest_service("/pkg", files)
        .layer(from_fn_with_state(state.clone(), cache_forever))
        .with_state(state)
}

async fn cache_forever(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let found =
        response.status() == StatusCode::OK || response.status() == StatusCode::PARTIAL_CONTENT;
    let headers = response.headers_mut();
    if found {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
        // A shared cache must not hand the brotli copy to a browser that asked for gzip.
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    security::protect(
        headers,
        HeaderValue::from_static(security::STRICT_CSP),
        found,
        state.config.https(),
    );
    response
}

/// Compresses pages, server-function answers and API lists on the fly. Small answers
/// (most token checks) are left alone: compressing them costs more than it saves. Answers
/// that show a secret say so (`secret::CACHE_CONTROL`) and are never compressed, so no compression
/// side channel (BREACH) can probe a secret next to text an attacker chose.
pub fn compression() -> CompressionLayer<impl Predicate> {
    let shows_no_secret = |_: StatusCode,
                           _: axum::http::Version,
                           headers: &axum::http::HeaderMap,
                           _: &axum::http::Extensions| {
        headers
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            != Some(foxgate_core::secret::CACHE_CONTROL)
    };
    CompressionLayer::new().compress_when(
        DefaultPredicate::new()
            .and(SizeAbove::new(1024))
            .and(shows_no_secret),
    )
}
