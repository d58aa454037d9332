//! Secure-mode tokens: minted with a public key (no secret), then requests signed by a
//! library nobody here wrote (npm http-message-signatures, `end2end/interop/signed.mjs`) —
//! accepted when whole, refused for each tampering (method, path, body, digest, unsigned
//! parts, stale or future `created`, replay, wrong key), audited like any token refusal;
//! README's Python example signs with PyPI's http-message-signatures.

use crate::harness::{error_code, json, Backend, TestServer};
use crate::on_both_databases;
use crate::tokens::{bearer, TOKENS};
use reqwest::Method;
use serde_json::{json as body, Value};

fn end2end() -> &'static str {
    concat!(env!("CARGO_MANIFEST_DIR"), "/../end2end")
}

fn node(args: &[&str]) -> Value {
    let out = std::process::Command::new("node")
        .arg("interop/signed.mjs")
        .args(args)
        .current_dir(end2end())
        .output()
        .expect("run node end2end/interop/signed.mjs");
    assert!(
        out.status.success(),
        "http-message-signatures failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the script prints JSON")
}

/// Runs the script's signed requests as `key_id` (org `acme`); what each case got.
fn sign_and_send(s: &TestServer, key_id: &str, alg: &str, private: &std::path::Path) -> Value {
    node(&[
        "run",
        &s.base,
        key_id,
        alg,
        private.to_str().unwrap(),
        "acme",
    ])
}

/// Mints an org admin token bound to a fresh key of `alg`, pasted as `form` ("pem"/"jwk");
/// returns the mint answer and the private key's file.
async fn secure_token(
    s: &TestServer,
    owner: &str,
    alg: &str,
    form: &str,
    dir: &std::path::Path,
) -> (Value, std::path::PathBuf) {
    let keys = node(&["keygen", alg]);
    let private = dir.join(format!("{alg}.pem"));
    std::fs::write(&private, keys["private_pem"].as_str().unwrap()).unwrap();
    let public = keys[format!("public_{form}")].as_str().unwrap();
    let res = s
        .api(
            Method::POST,
            TOKENS,
            owner,
            Some(body!({"name": format!("signer-{alg}"), "kind": "org_admin", "roles": ["admin"], "public_key": public})),
        )
        .await;
    assert_eq!(res.status(), 201);
    (json(res).await, private)
}

async fn signed_requests_pass_whole_and_fail_tampered(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let dir = tempfile::tempdir().unwrap();
    let (minted, private) = secure_token(&s, &owner, "ed25519", "pem", dir.path()).await;
    // No secret at all: the answer has no token, the key is shown by its thumbprint.
    assert!(minted.get("token").is_none(), "{minted}");
    let info = &minted["info"];
    assert_eq!(info["mode"], "signed");
    assert_eq!(info["key"]["algorithm"], "ed25519");
    assert_eq!(info["key"]["thumbprint"].as_str().unwrap().len(), 43);
    let key_id = info["id"].as_str().unwrap();

    let seen = sign_and_send(&s, key_id, "ed25519", &private);
    for case in ["accepted", "path_and_authority", "query_signed"] {
        assert_eq!(seen[case]["status"], 200, "{case}: {}", seen[case]);
    }
    assert_eq!(seen["accepted"]["body"]["auth_kind"], "org_token");
    assert_eq!(seen["with_body"]["status"], 201, "{}", seen["with_body"]);
    for case in [
        "replayed",
        "method_changed",
        "path_changed",
        "body_changed",
        "digest_replaced",
        "digest_unsigned",
        "query_unsigned",
        "stale",
        "from_the_future",
        "wrong_key",
        "no_nonce",
    ] {
        // The same answer as any refused token.
        assert_eq!(seen[case]["status"], 401, "{case}: {}", seen[case]);
        assert_eq!(
            seen[case]["body"]["error"]["code"], "unauthorized",
            "{case}"
        );
    }
    // Nothing a tampered request asked for happened.
    let teams = json(
        s.api(Method::GET, "/api/v1/orgs/acme/teams", &owner, None)
            .await,
    )
    .await;
    let slugs: Vec<&str> = teams["teams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["slug"].as_str().unwrap())
        .collect();
    assert!(slugs.contains(&"signed-team"), "{slugs:?}");
    for never in ["body-a", "body-b", "digest-a", "digest-b", "no-digest"] {
        assert!(!slugs.contains(&never), "{never} was created: {slugs:?}");
    }
    // The first refusal of the minute is in the activity log, on the token.
    let reasons: Vec<String> = sqlx::query_scalar(
        "SELECT reason FROM audit_events WHERE action = 'token.auth_failed' AND entity_id = $1",
    )
    .bind(key_id)
    .fetch_all(s.state.services.db.pool())
    .await
    .unwrap();
    assert_eq!(reasons, ["replayed_nonce"]);
    // The change it made is the token's, in the log like any other.
    let created: Vec<String> = sqlx::query_scalar(
        "SELECT actor_id FROM audit_events WHERE action = 'team.created' AND entity_label = 'signed-team'",
    )
    .fetch_all(s.state.services.db.pool())
    .await
    .unwrap();
    assert_eq!(created, [key_id]);
}
on_both_databases!(signed_requests_pass_whole_and_fail_tampered);

async fn p256_keys_as_jwk_sign_too_and_the_token_has_no_bearer_use(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let dir = tempfile::tempdir().unwrap();
    let (minted, private) = secure_token(&s, &owner, "ecdsa-p256-sha256", "jwk", dir.path()).await;
    assert_eq!(minted["info"]["key"]["algorithm"], "ecdsa-p256-sha256");
    let key_id = minted["info"]["id"].as_str().unwrap();
    let seen = sign_and_send(&s, key_id, "ecdsa-p256-sha256", &private);
    assert_eq!(seen["accepted"]["status"], 200, "{}", seen["accepted"]);
    assert_eq!(seen["with_body"]["status"], 201, "{}", seen["with_body"]);
    assert_eq!(seen["wrong_key"]["status"], 401);
    assert_eq!(seen["replayed"]["status"], 401);

    // A well-formed bearer token with the signed token's id matches no secret.
    let forged = foxgate_core::token::seal(
        foxgate_core::token::TokenKind::OrgAdmin,
        key_id,
        &"a".repeat(32),
    );
    let res = bearer(&s, Method::GET, "/api/v1/auth/me", forged.expose(), None).await;
    assert_eq!(error_code(res).await, "unauthorized");
    // Nor can it be regenerated into a bearer token.
    let res = s
        .api(
            Method::POST,
            &format!("{TOKENS}/{key_id}/rotate"),
            &owner,
            Some(body!({"grace_hours": 0})),
        )
        .await;
    assert_eq!(res.status(), 409);
    // Revoked, its signatures stop at once.
    let res = s
        .api(Method::DELETE, &format!("{TOKENS}/{key_id}"), &owner, None)
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    let seen = sign_and_send(&s, key_id, "ecdsa-p256-sha256", &private);
    assert_eq!(seen["accepted"]["status"], 401);
    let listed = json(s.api(Method::GET, TOKENS, &owner, None).await).await;
    let row = listed["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == key_id)
        .unwrap()
        .clone();
    assert_eq!(row["mode"], "signed");
}
on_both_databases!(p256_keys_as_jwk_sign_too_and_the_token_has_no_bearer_use);

async fn bad_public_keys_are_refused_in_words(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    for (key, says) in [
        ("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF\n-----END PRIVATE KEY-----", "private key"),
        (r#"{"kty":"RSA","n":"AQAB","e":"AQAB"}"#, "Ed25519"),
        ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5", "PEM"),
    ] {
        let res = s
            .api(
                Method::POST,
                TOKENS,
                &owner,
                Some(body!({"name": "bad-key", "kind": "org_admin", "roles": ["admin"], "public_key": key})),
            )
            .await;
        assert_eq!(res.status(), 422);
        let error = json(res).await;
        assert_eq!(error["error"]["field"], "public_key");
        let message = error["error"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{message}");
    }
    // Nothing was minted.
    let listed = json(s.api(Method::GET, TOKENS, &owner, None).await).await;
    assert!(listed["tokens"].as_array().unwrap().is_empty(), "{listed}");
}
on_both_databases!(bad_public_keys_are_refused_in_words);

/// README's signing example (`docs/examples/signed.py`, PyPI http-message-signatures in
/// `end2end/.venv`) reads and writes with a secure-mode token.
async fn the_python_signing_example_runs(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let dir = tempfile::tempdir().unwrap();
    let (minted, private) = secure_token(&s, &owner, "ed25519", "pem", dir.path()).await;
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let out = std::process::Command::new(format!("{root}/end2end/.venv/bin/python"))
        .arg(format!("{root}/docs/examples/signed.py"))
        .env("FOXGATE", &s.base)
        .env("KEY_ID", minted["info"]["id"].as_str().unwrap())
        .env("PRIVATE_KEY", &private)
        .output()
        .expect("run end2end/.venv/bin/python (made by `cargo xtask test`)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(printed[0]["auth_kind"], "org_token", "{printed:?}");
    assert_eq!(printed[1]["slug"], "from-python", "{printed:?}");
}
on_both_databases!(the_python_signing_example_runs);
