//! Static files under fingerprinted names with their precompressed copies, and pages and
//! API answers compressed on the fly — except any answer that shows a secret.

use crate::harness::{json, Backend, TestServer};
use crate::on_both_databases;
use crate::tokens::TOKENS;
use reqwest::header::{CACHE_CONTROL, CONTENT_ENCODING, VARY};
use reqwest::Method;
use serde_json::json as body;

/// A site root as `cargo xtask build` leaves it, with contents that tell the copies apart.
fn built_site(dir: &std::path::Path) {
    let pkg = dir.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(
        dir.join("assets.json"),
        r#"{"app": "foxgate-1a2b3c", "stylesheet": "foxgate-4d5e6f.css", "api_docs":
            {"viewer_script": "api-docs-viewer-7a8b.js", "viewer_stylesheet":
             "api-docs-viewer-9c0d.css", "start_script": "api-docs-start-1e2f.js"}}"#,
    )
    .unwrap();
    for (name, text) in [
        ("foxgate-1a2b3c.wasm", "plain wasm"),
        ("foxgate-1a2b3c.wasm.br", "brotli wasm"),
        ("foxgate-1a2b3c.wasm.gz", "gzip wasm"),
        ("foxgate-1a2b3c.js", "plain js"),
        ("foxgate-4d5e6f.css", "plain css"),
    ] {
        std::fs::write(pkg.join(name), text).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn static_files_are_fingerprinted_precompressed_and_kept() {
    let site = tempfile::tempdir().unwrap();
    built_site(site.path());
    let root = site.path().to_path_buf();
    let s = TestServer::start_configured(Backend::Sqlite, |c| c.site_root = root).await;

    let page = s.get("/setup", None).await.text().await.unwrap();
    for href in [
        "href=\"/pkg/foxgate-4d5e6f.css\"",
        "href=\"/pkg/foxgate-1a2b3c.js\"",
        "href=\"/pkg/foxgate-1a2b3c.wasm\"",
    ] {
        assert!(page.contains(href), "the page names {href}");
    }

    // The API reference names the viewer's files by their fingerprinted names too.
    let reference = s.get("/api-docs", None).await.text().await.unwrap();
    for name in [
        "src=\"/pkg/api-docs-viewer-7a8b.js\"",
        "href=\"/pkg/api-docs-viewer-9c0d.css\"",
        "src=\"/pkg/api-docs-start-1e2f.js\"",
    ] {
        assert!(reference.contains(name), "/api-docs names {name}");
    }

    let fetch = |accept: &'static str, path: &'static str| {
        let s = &s;
        async move {
            s.send(Method::GET, path, &[("accept-encoding", accept)], None)
                .await
        }
    };
    for (accept, encoding, text) in [
        ("br, gzip", Some("br"), "brotli wasm"),
        ("gzip", Some("gzip"), "gzip wasm"),
        ("identity", None, "plain wasm"),
    ] {
        let res = fetch(accept, "/pkg/foxgate-1a2b3c.wasm").await;
        assert_eq!(res.status(), 200);
        let header = |name| {
            res.headers()
                .get(name)
                .map(|v: &reqwest::header::HeaderValue| v.to_str().unwrap().to_string())
        };
        assert_eq!(header(CONTENT_ENCODING).as_deref(), encoding, "{accept}");
        assert_eq!(
            header(CACHE_CONTROL).as_deref(),
            Some("public, max-age=31536000, immutable")
        );
        assert_eq!(header(VARY).as_deref(), Some("accept-encoding"));
        assert_eq!(res.text().await.unwrap(), text);
    }
    // A file without precompressed copies is sent as it is.
    let css = fetch("br, gzip", "/pkg/foxgate-4d5e6f.css").await;
    assert!(css.headers().get(CONTENT_ENCODING).is_none());
    assert_eq!(css.text().await.unwrap(), "plain css");

    // What is not there is not cached: the next build may well bring it.
    let missing = fetch("br", "/pkg/foxgate-000000.wasm").await;
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.headers()[CACHE_CONTROL], "no-store");
    // The manifest says which files exist; nothing else under the site root is a door.
    assert_eq!(fetch("br", "/pkg/../assets.json").await.status(), 404);
}

/// A same-origin console request from a browser that accepts brotli and gzip.
async fn as_browser(
    s: &TestServer,
    method: Method,
    path: &str,
    cookie: &str,
    body: Option<serde_json::Value>,
) -> reqwest::Response {
    let origin = s.base.clone();
    let headers = [
        ("cookie", cookie),
        ("origin", origin.as_str()),
        ("accept-encoding", "br, gzip"),
    ];
    s.send(method, path, &headers, body).await
}

fn encoding(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get(CONTENT_ENCODING)
        .map(|v| v.to_str().unwrap().to_string())
}

async fn pages_and_lists_are_compressed_never_a_secret(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;

    let page = as_browser(&s, Method::GET, "/activity", &owner, None).await;
    assert_eq!(page.status(), 200);
    assert_eq!(encoding(&page).as_deref(), Some("br"));

    // A freshly minted secret travels uncompressed and is never stored.
    let minted = as_browser(
        &s,
        Method::POST,
        TOKENS,
        &owner,
        Some(body!({"name": "compressed", "roles": ["viewer"]})),
    )
    .await;
    assert_eq!(minted.status(), 201);
    assert_eq!(encoding(&minted), None);
    assert_eq!(minted.headers()[CACHE_CONTROL], "no-store, no-transform");
    let secret = json(minted).await["token"].as_str().unwrap().to_string();

    // A program reading a long list with its bearer token gets it compressed.
    let bearer = format!("Bearer {secret}");
    let events = s
        .send(
            Method::GET,
            "/api/v1/orgs/acme/events?limit=50",
            &[("authorization", &bearer), ("accept-encoding", "gzip")],
            None,
        )
        .await;
    assert_eq!(events.status(), 200);
    assert_eq!(
        encoding(&events).as_deref(),
        Some("gzip"),
        "a long list is compressed"
    );

    // A streamed download is compressed to its very end and keeps its file name.
    let export = s
        .send(
            Method::GET,
            "/api/v1/orgs/acme/events/export.csv",
            &[("authorization", &bearer), ("accept-encoding", "gzip")],
            None,
        )
        .await;
    assert_eq!(encoding(&export).as_deref(), Some("gzip"));
    assert!(export.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("foxgate-acme-events-"));
    let mut csv = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::GzDecoder::new(&export.bytes().await.unwrap()[..]),
        &mut csv,
    )
    .unwrap();
    assert!(csv.starts_with("time,actor_kind,"), "{csv}");
    assert!(csv.contains("token.created"), "{csv}");

    // The console without JavaScript: the page that shows the secret once is not
    // compressed; the same page after it is.
    let form = [
        ("name", "shown-once"),
        ("kind", "org_admin"),
        ("roles[]", "viewer"),
        ("expires", "30"),
        ("submission", "compression-form-key-0123456789"),
    ];
    let posted = s
        .post_console_form(&owner, "/tokens", "create_token", &form)
        .await;
    assert!(posted.status().is_redirection());
    let shown = as_browser(&s, Method::GET, "/tokens", &owner, None).await;
    assert_eq!(encoding(&shown), None);
    assert_eq!(shown.headers()[CACHE_CONTROL], "no-store, no-transform");
    assert!(shown.text().await.unwrap().contains("fga_"));
    let after = as_browser(&s, Method::GET, "/tokens", &owner, None).await;
    assert_eq!(encoding(&after).as_deref(), Some("br"));
    assert_eq!(after.headers()[CACHE_CONTROL], "no-store");
}
on_both_databases!(pages_and_lists_are_compressed_never_a_secret);
