//! The description is usable, not only valid: a client generated from it by a generator
//! nobody here wrote (PyPI openapi-python-client, pinned in `end2end/requirements.txt`)
//! mints a token, lists teams with it and reads the activity log
//! (`end2end/interop/generated_client.py`).

use crate::harness::{add_teams, personal_token, Backend, TestServer};
use crate::on_both_databases;
use std::process::Command;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

async fn a_generated_python_client_works(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    add_teams(&s, &owner, &["payments", "data"]).await;
    let token = personal_token(&s, &owner, "generated-client").await;

    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("openapi.json");
    let text = s
        .get("/api/v1/openapi.json", None)
        .await
        .text()
        .await
        .unwrap();
    std::fs::write(&spec, text).unwrap();
    let package = dir.path().join("foxgate_client");
    let generated = Command::new(format!("{ROOT}/end2end/.venv/bin/openapi-python-client"))
        .arg("generate")
        .arg("--path")
        .arg(&spec)
        .arg("--output-path")
        .arg(&package)
        .args(["--meta", "none", "--config"])
        .arg(format!("{ROOT}/end2end/interop/openapi-python-client.yaml"))
        .output()
        .expect("run end2end/.venv/bin/openapi-python-client (made by `cargo xtask test`)");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&generated.stdout),
        String::from_utf8_lossy(&generated.stderr)
    );
    assert!(generated.status.success(), "{said}");
    assert!(!said.contains("Warning"), "the generator warned:\n{said}");

    let mut script = Command::new(format!("{ROOT}/end2end/.venv/bin/python"));
    script
        .arg(format!("{ROOT}/end2end/interop/generated_client.py"))
        .env("PYTHONPATH", dir.path())
        .env("FOXGATE_URL", &s.base)
        .env("FOXGATE_ORG", "acme")
        .env("FOXGATE_TOKEN", &token);
    let ran = tokio::task::spawn_blocking(move || script.output())
        .await
        .unwrap()
        .unwrap();
    assert!(
        ran.status.success(),
        "{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    let read: serde_json::Value = serde_json::from_slice(&ran.stdout).unwrap();
    assert_eq!(read["teams"], serde_json::json!(["data", "payments"]));
    let minted = read["minted"].as_str().unwrap();
    assert!(
        read["created"]
            .as_array()
            .unwrap()
            .iter()
            .any(|id| id == minted),
        "the minting is not in the activity log: {read}"
    );
}
on_both_databases!(a_generated_python_client_works);
