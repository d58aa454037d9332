//! The OpenAPI description of the programs' HTTP surface: served publicly, valid to a
//! validator nobody here wrote (PyPI openapi-spec-validator), exactly the routes Foxgate
//! serves, and each operation's permission the one the use-case table names.

use crate::harness::{Backend, TestServer};
use crate::on_both_databases;
use reqwest::Method;
use serde_json::Value;

const METHODS: [Method; 5] = [
    Method::GET,
    Method::PUT,
    Method::POST,
    Method::DELETE,
    Method::PATCH,
];

async fn the_description_is_public_valid_and_complete(backend: Backend) {
    let s = TestServer::start(backend).await;
    let answer = s.get("/api/v1/openapi.json", None).await;
    assert_eq!(answer.status(), 200);
    assert_eq!(
        answer.headers()["cache-control"].to_str().unwrap(),
        "public, max-age=3600"
    );
    let text = answer.text().await.unwrap();
    let spec: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(spec["openapi"], "3.1.0");

    // A validator nobody here wrote accepts it.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, &text).unwrap();
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let out =
        std::process::Command::new(format!("{root}/end2end/.venv/bin/openapi-spec-validator"))
            .arg(&file)
            .output()
            .expect("run end2end/.venv/bin/openapi-spec-validator (made by `cargo xtask test`)");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    // Every operation it names is answered by a handler (no credentials: 401, or what a
    // public operation answers; an OAuth client authenticating in the form body first needs
    // a form: 400) — never "no such route" (404) or 405; every method it does not name on a
    // path it names is 405.
    let origin = s.base.clone();
    let mut operations = 0;
    for (template, item) in spec["paths"].as_object().unwrap() {
        let path = fill(template);
        let api = template.starts_with("/api/v1/");
        for method in METHODS {
            let described = item.get(method.as_str().to_lowercase()).is_some();
            let answer = s
                .send(method.clone(), &path, &[("origin", &origin)], None)
                .await;
            let status = answer.status().as_u16();
            if described {
                operations += 1;
                assert!(
                    status != 404 && status != 405,
                    "{method} {path}: described but answered {status}"
                );
                let operation = &item[method.as_str().to_lowercase()];
                let public = operation
                    .get("security")
                    .is_some_and(|s| s == &serde_json::json!([{}]));
                let form_client = template.starts_with("/oauth2/") && status == 400;
                assert!(
                    public || status == 401 || form_client,
                    "{method} {path}: no credentials answered {status}"
                );
                assert!(
                    public || operation.get("x-permission").is_some(),
                    "{method} {path} does not say which permission it needs"
                );
                for error in ["404", "422", "429"].into_iter().filter(|_| api) {
                    assert!(
                        operation["responses"].get(error).is_some(),
                        "{method} {path} does not describe its {error} answer"
                    );
                }
            } else {
                assert_eq!(status, 405, "{method} {path}: served but not described");
            }
        }
    }
    assert!(operations >= 60, "only {operations} operations");

    // A path nobody described is the API's own 404.
    let unknown = s.get("/api/v1/no/such/route", None).await;
    assert_eq!(unknown.status(), 404);
}
on_both_databases!(the_description_is_public_valid_and_complete);

/// `/orgs/{org}/teams/{team}` → `/orgs/x/teams/x`.
fn fill(template: &str) -> String {
    template
        .split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                "x"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}
