//! The whole described surface fuzzed by a tool nobody here wrote: PyPI schemathesis (pinned
//! in `end2end/requirements.txt`) generates requests from `/api/v1/openapi.json` — as an org
//! owner, as a viewer and with no credentials — and checks every answer against the
//! description: no server error, documented status, content type, headers and body,
//! credentials honoured, deleted things gone, created things found.
//!
//! `FOXGATE_FUZZ_EXAMPLES` (default 12) bounds the examples per operation and phase;
//! `FOXGATE_FUZZ_SEED` replays a run (each run prints its seed).

use crate::harness::{add_member, error_code, grant, personal_token, sign_in, Backend, TestServer};
use crate::on_both_databases;
use reqwest::Method;
use serde_json::json as body;
use std::process::Command;

/// The checks run on every answer: schemathesis's defaults and its stateful ones.
const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,\
response_headers_conformance,response_schema_conformance,ignored_auth,use_after_free,\
ensure_resource_availability";

async fn schemathesis_finds_nothing(backend: Backend) {
    // One fuzzer from one address presents thousands of bad tokens a minute (its
    // `ignored_auth` check, on every operation); past the limit every answer is 429, which
    // that check does not expect. The limit itself is tested in `tokens.rs`.
    let s =
        TestServer::start_configured(backend, |c| c.token_failures_per_minute = 1_000_000).await;
    let owner = s.signed_in_owner().await;
    let viewer = add_member(&s, &owner, "viewer@acme.test").await;
    assert_eq!(
        grant(&s, &owner, &viewer, "viewer", None).await.status(),
        201
    );
    let viewer = sign_in(&s, "viewer@acme.test").await;
    let owner_token = personal_token(&s, &owner, "fuzz-owner").await;
    let viewer_token = personal_token(&s, &viewer, "fuzz-viewer").await;

    let seed: u64 = match std::env::var("FOXGATE_FUZZ_SEED") {
        Ok(seed) => seed.parse().expect("FOXGATE_FUZZ_SEED is a number"),
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
            .into(),
    };
    let examples = std::env::var("FOXGATE_FUZZ_EXAMPLES").unwrap_or_else(|_| "12".into());
    println!("schemathesis seed {seed} ({backend:?}): replay with FOXGATE_FUZZ_SEED={seed}");

    let callers = [
        ("an owner's token", Some(owner_token)),
        ("a viewer's token", Some(viewer_token)),
        ("no credentials", None),
    ];
    for (caller, token) in callers {
        let mut run = Command::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../end2end/.venv/bin/schemathesis"
        ));
        run.current_dir(std::env::temp_dir());
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
        run.args(["--no-color", "--config-file"])
            .arg(format!("{root}/end2end/schemathesis.toml"))
            .args(["run", &s.url("/api/v1/openapi.json")])
            .env("FOXGATE_ORG", "acme")
            .args(["--checks", CHECKS])
            .args(["--max-examples", &examples])
            .args(["--seed", &seed.to_string()])
            .args(["--workers", "1"])
            // The live event stream answers for as long as it is read: its own tests
            // (`live.rs`) check it.
            .args(["--exclude-path-regex", "/events/stream$"]);
        if let Some(token) = &token {
            run.args(["--header", &format!("Authorization: Bearer {token}")]);
        }
        let out = tokio::task::spawn_blocking(move || run.output())
            .await
            .unwrap()
            .expect("run end2end/.venv/bin/schemathesis (made by `cargo xtask test`)");
        let report = String::from_utf8_lossy(&out.stdout);
        println!("--- schemathesis, {caller} ---\n{report}");
        assert!(
            out.status.success(),
            "schemathesis found failures with {caller} (seed {seed}):\n{report}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
on_both_databases!(schemathesis_finds_nothing);

/// What schemathesis found, kept fixed: a NUL character in a body, a path or a query (which
/// PostgreSQL refuses in text) is the caller's mistake, answered in the API's error shape —
/// never a server error — on both databases.
async fn nul_characters_are_refused_not_server_errors(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let token = personal_token(&s, &owner, "nul").await;
    let asks = [
        (
            Method::POST,
            "/api/v1/orgs/acme/tokens",
            Some(body!({"name": "x", "team": "\u{0}", "roles": []})),
        ),
        (
            Method::POST,
            "/api/v1/orgs/acme/teams",
            Some(body!({"slug": "ab", "name": "a\u{0}b"})),
        ),
        (Method::GET, "/api/v1/orgs/acme/teams/a%00b", None),
        (Method::GET, "/api/v1/orgs/ac%00me/roles", None),
        (Method::GET, "/api/v1/orgs/acme/members?q=a%00", None),
        (Method::GET, "/api/v1/orgs/acme/events?actor=%00", None),
    ];
    for (method, path, sent) in asks {
        let answer = s
            .send(
                method.clone(),
                path,
                &[("authorization", &format!("Bearer {token}"))],
                sent,
            )
            .await;
        let status = answer.status().as_u16();
        // A filter that matches nothing is a page of nothing; anything else is refused.
        if status == 200 {
            assert!(path.contains('?'), "{method} {path}: accepted");
            continue;
        }
        assert!(
            matches!(status, 404 | 422),
            "{method} {path}: answered {status}"
        );
        let code = error_code(answer).await;
        assert!(
            matches!(code.as_str(), "not_found" | "invalid_input"),
            "{code}"
        );
    }
}
on_both_databases!(nul_characters_are_refused_not_server_errors);
