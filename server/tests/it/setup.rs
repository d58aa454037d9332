//! First-run setup through the web form, the API and `foxgate bootstrap`.

use crate::harness::{
    error_code, fresh_database, json, location, Backend, TestServer, OWNER_EMAIL, OWNER_PASSWORD,
};
use crate::on_both_databases;
use reqwest::Method;
use std::io::Write;
use std::process::{Command, Stdio};

async fn setup_needs_the_code_and_happens_once(backend: Backend) {
    let s = TestServer::start(backend).await;
    assert_eq!(location(s.get("/", None).await.headers()), "/setup");
    assert_eq!(location(s.get("/login", None).await.headers()), "/setup");
    assert_eq!(s.get("/setup", None).await.status(), 200);

    let wrong = s
        .post_form(
            "/setup",
            &[
                ("setup_code", "AAAAA-BBBBB-CCCCC"),
                ("org_name", "Evil"),
                ("org_slug", "evil"),
                ("display_name", ""),
                ("email", "evil@evil.test"),
                ("password", "long enough password"),
            ],
            None,
        )
        .await;
    assert_eq!(
        location(wrong.headers()),
        "/setup?error=invalid_input&field=setup_code"
    );
    let orgs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orgs")
        .fetch_one(s.state.services.db.pool())
        .await
        .unwrap();
    assert_eq!(orgs, 0, "a wrong code creates nothing");

    let done = s.complete_setup().await;
    assert_eq!(location(done.headers()), "/login?notice=setup_done");
    assert_eq!(
        location(s.get("/setup", None).await.headers()),
        "/login",
        "/setup is gone"
    );

    let again = s.complete_setup().await;
    assert_eq!(again.status(), 409);
    assert_eq!(error_code(again).await, "conflict");

    let api = s
        .send(
            Method::POST,
            "/api/v1/setup",
            &[],
            Some(setup_body("X", &[])),
        )
        .await;
    assert_eq!(api.status(), 409);
    assert_eq!(error_code(api).await, "conflict");

    let actions = s.audit_actions().await;
    assert_eq!(
        actions
            .iter()
            .filter(|(a, _, _)| a == "setup.completed")
            .count(),
        1
    );
}
on_both_databases!(setup_needs_the_code_and_happens_once);

/// A valid JSON setup request, with some fields replaced.
fn setup_body(code: &str, replace: &[(&str, serde_json::Value)]) -> serde_json::Value {
    let mut body = serde_json::json!({
        "setup_code": code,
        "org_name": "Acme",
        "org_slug": "acme",
        "email": OWNER_EMAIL,
        "password": OWNER_PASSWORD,
    });
    for (field, value) in replace {
        body[*field] = value.clone();
    }
    body
}

async fn api_setup_validates_its_input(backend: Backend) {
    let s = TestServer::start(backend).await;
    let code = s.setup_code.clone().unwrap();
    let post = |body: serde_json::Value| s.send(Method::POST, "/api/v1/setup", &[], Some(body));

    let unknown_field = post(setup_body(&code, &[("is_admin", true.into())])).await;
    assert_eq!(unknown_field.status(), 422);
    let body = json(unknown_field).await;
    assert_eq!(body["error"]["code"], "invalid_input");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("is_admin"),
        "{body}"
    );

    let bad_slug = post(setup_body(&code, &[("org_slug", "Acme Inc".into())])).await;
    assert_eq!(bad_slug.status(), 422);
    assert!(json(bad_slug).await["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("org_slug"));

    let short_password = post(setup_body(&code, &[("password", "short".into())])).await;
    assert_eq!(short_password.status(), 422);

    let garbage = s
        .client
        .post(s.url("/api/v1/setup"))
        .header("content-type", "application/json")
        .body("{nope")
        .send();
    let garbage = garbage.await.unwrap();
    assert_eq!(garbage.status(), 422);
    assert_eq!(error_code(garbage).await, "invalid_input");

    let nothing_created: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orgs")
        .fetch_one(s.state.services.db.pool())
        .await
        .unwrap();
    assert_eq!(nothing_created, 0);

    let ok = post(setup_body(&code, &[])).await;
    assert_eq!(ok.status(), 201);
    assert_eq!(json(ok).await["org_slug"], "acme");
}
on_both_databases!(api_setup_validates_its_input);

fn bootstrap(
    database_url: &str,
    data_dir: &std::path::Path,
    password: &str,
) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_foxgate"))
        .args([
            "bootstrap",
            "--org-slug",
            "acme",
            "--org-name",
            "Acme",
            "--email",
            OWNER_EMAIL,
            "--password-stdin",
        ])
        .env("DATABASE_URL", database_url)
        .env("FOXGATE_DATA_DIR", data_dir)
        .env_remove("FOXGATE_SECRET_KEY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{password}\n").as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

async fn bootstrap_then_refuse(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database(backend, dir.path()).await;
    let first = bootstrap(&url, dir.path(), OWNER_PASSWORD);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(String::from_utf8_lossy(&first.stdout).contains("created organization acme"));

    let second = bootstrap(&url, dir.path(), OWNER_PASSWORD);
    assert!(!second.status.success());
    assert!(String::from_utf8_lossy(&second.stderr).contains("already set up"));

    // The bootstrapped owner signs in through the web.
    let s = TestServer::start_on(url, dir, None, true).await;
    assert_eq!(s.setup_code, None, "no setup code once set up");
    let res = s.login(OWNER_EMAIL, OWNER_PASSWORD, None).await;
    assert_eq!(location(res.headers()), "/");
}
on_both_databases!(bootstrap_then_refuse);
