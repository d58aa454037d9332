//! `/healthz` and `/readyz`.

use crate::harness::{json, Backend, TestServer};
use crate::on_both_databases;

async fn live_and_ready(backend: Backend) {
    let s = TestServer::start(backend).await;
    assert_eq!(s.get("/healthz", None).await.status(), 200);
    let ready = s.get("/readyz", None).await;
    assert_eq!(ready.status(), 200);
    assert_eq!(json(ready).await["status"], "ready");
}
on_both_databases!(live_and_ready);

async fn not_ready_before_migrations(backend: Backend) {
    let s = TestServer::start_with(backend, None, false).await;
    assert_eq!(s.get("/healthz", None).await.status(), 200);
    let ready = s.get("/readyz", None).await;
    assert_eq!(ready.status(), 503);
    let body = json(ready).await;
    assert!(
        body["reason"].as_str().unwrap().contains("migration"),
        "{body}"
    );
}
on_both_databases!(not_ready_before_migrations);

async fn not_ready_when_the_database_is_down(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let url = match backend {
        // A file in a directory that does not exist cannot be opened.
        Backend::Sqlite => format!(
            "sqlite://{}/missing/dir/foxgate.db?mode=rw",
            dir.path().display()
        ),
        // Nothing listens on a port we just freed.
        Backend::Postgres => {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            format!("postgres://postgres@127.0.0.1:{port}/postgres")
        }
    };
    let s = TestServer::start_on(url, dir, None, false).await;
    assert_eq!(s.get("/healthz", None).await.status(), 200);
    let ready = s.get("/readyz", None).await;
    assert_eq!(ready.status(), 503);
    let body = json(ready).await;
    assert_eq!(body["status"], "unavailable");
}
on_both_databases!(not_ready_when_the_database_is_down);

/// The database of a running server goes away: readiness follows.
async fn not_ready_after_the_database_stops_answering(backend: Backend) {
    let s = TestServer::start(backend).await;
    assert_eq!(s.get("/readyz", None).await.status(), 200);
    s.state.services.db.close().await;
    assert_eq!(s.get("/readyz", None).await.status(), 503);
    assert_eq!(s.get("/healthz", None).await.status(), 200);
}
on_both_databases!(not_ready_after_the_database_stops_answering);
