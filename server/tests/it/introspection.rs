//! RFC 7662 introspection and RFC 8414 metadata: what a service holding `decisions:read`
//! learns about tokens of its org (and nothing about any other), the RFC's refusals, and a
//! client nobody here wrote (npm openid-client) discovering and introspecting.

use crate::harness::{add_teams, json, Backend, TestServer};
use crate::on_both_databases;
use crate::tokens::minted;
use reqwest::Method;
use serde_json::{json as body, Value};

const INTROSPECT: &str = "/oauth2/introspect";

async fn ask(s: &TestServer, auth: &str, form: &[(&str, &str)]) -> reqwest::Response {
    s.client
        .post(s.url(INTROSPECT))
        .header("authorization", auth)
        .form(form)
        .send()
        .await
        .unwrap()
}

pub(crate) async fn answer(s: &TestServer, caller: &str, token: &str) -> Value {
    let res = ask(s, &format!("Bearer {caller}"), &[("token", token)]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    json(res).await
}

fn secret(minted: &Value) -> String {
    minted["token"].as_str().unwrap().to_string()
}

fn id(minted: &Value) -> String {
    minted["info"]["id"].as_str().unwrap().to_string()
}

async fn services_introspect_tokens_of_their_org(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    add_teams(&s, &owner, &["alpha"]).await;

    // A token of another org: minted in globex, then back to acme.
    let created = s
        .api(
            Method::POST,
            "/api/v1/orgs",
            &owner,
            Some(body!({"slug": "globex", "name": "Globex"})),
        )
        .await;
    assert_eq!(created.status(), 201);
    s.post_form("/orgs/switch", &[("org", "globex")], Some(&owner))
        .await;
    let res = s
        .api(
            Method::POST,
            "/api/v1/orgs/globex/tokens",
            &owner,
            Some(body!({"name": "foreign", "roles": ["admin"]})),
        )
        .await;
    assert_eq!(res.status(), 201);
    let foreign = secret(&json(res).await);
    s.post_form("/orgs/switch", &[("org", "acme")], Some(&owner))
        .await;

    let service = minted(
        &s,
        &owner,
        body!({"name": "deploy-api", "roles": ["admin"]}),
    )
    .await;
    let weak = minted(&s, &owner, body!({"name": "reader", "roles": ["viewer"]})).await;
    let live = minted(
        &s,
        &owner,
        body!({"name": "ci", "team": "alpha", "roles": ["team_admin"], "expires_in_days": 30}),
    )
    .await;
    let revoked = minted(&s, &owner, body!({"name": "old", "roles": ["viewer"]})).await;
    let gone = s
        .api(
            Method::DELETE,
            &format!("/api/v1/orgs/acme/tokens/{}", id(&revoked)),
            &owner,
            None,
        )
        .await;
    assert!(gone.status().is_success());

    // The metadata names the endpoint.
    let meta = json(s.get("/.well-known/oauth-authorization-server", None).await).await;
    assert_eq!(meta["issuer"], s.base.as_str());
    assert_eq!(meta["introspection_endpoint"], s.url(INTROSPECT).as_str());

    // A live token of the org: who, what, where, until when.
    let caller = secret(&service);
    let a = answer(&s, &caller, &secret(&live)).await;
    assert_eq!(a["active"], true);
    assert_eq!(a["client_id"], id(&live).as_str());
    assert_eq!(a["sub"], id(&live).as_str());
    assert_eq!(a["auth_kind"], "team_token");
    assert_eq!(a["token_type"], "Bearer");
    assert_eq!(a["iss"], s.base.as_str());
    assert_eq!(a["team_id"], live["info"]["team_id"]);
    let scope = a["scope"].as_str().unwrap();
    assert!(
        scope
            .split(' ')
            .any(|w| w.starts_with("tokens:create@team:")),
        "{scope}"
    );
    assert!(!scope.contains("org:update"), "{scope}");
    assert!(a["exp"].as_i64().unwrap() > a["iat"].as_i64().unwrap());

    // Revoked, another org's, unknown and malformed: only `active: false`.
    let bogus = format!("{}x", secret(&live));
    for token in [
        secret(&revoked),
        foreign.clone(),
        bogus,
        "hello".to_string(),
    ] {
        assert_eq!(
            answer(&s, &caller, &token).await,
            body!({"active": false}),
            "{token}"
        );
    }
    // Revocation is seen by the very next introspection.
    s.api(
        Method::DELETE,
        &format!("/api/v1/orgs/acme/tokens/{}", id(&live)),
        &owner,
        None,
    )
    .await;
    assert_eq!(answer(&s, &caller, &secret(&live)).await["active"], false);

    // The RFC's refusals: no or bad credentials, no privilege, no token parameter.
    let none = s
        .client
        .post(s.url(INTROSPECT))
        .form(&[("token", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), 401);
    assert_eq!(json(none).await["error"], "invalid_client");
    let weak_ask = ask(
        &s,
        &format!("Bearer {}", secret(&weak)),
        &[("token", &caller)],
    )
    .await;
    assert_eq!(weak_ask.status(), 401);
    assert!(weak_ask.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .contains("insufficient_scope"));
    let mismatched = ask(
        &s,
        &basic(&id(&weak), &caller),
        &[("token", &secret(&service))],
    )
    .await;
    assert_eq!(
        mismatched.status(),
        401,
        "Basic names the token it presents"
    );
    let no_token = ask(
        &s,
        &format!("Bearer {caller}"),
        &[("token_type_hint", "access_token")],
    )
    .await;
    assert_eq!(no_token.status(), 400);
    assert_eq!(json(no_token).await["error"], "invalid_request");
    let denied: Vec<(String,)> =
        sqlx::query_as("SELECT reason FROM audit_events WHERE action = 'authz.denied'")
            .fetch_all(s.state.services.db.pool())
            .await
            .unwrap();
    assert!(
        denied.iter().any(|(r,)| r == "decisions:read"),
        "{denied:?}"
    );

    // openid-client discovers the metadata and introspects with client_secret_basic.
    let fresh = minted(&s, &owner, body!({"name": "fresh", "roles": ["member"]})).await;
    let out = interop(
        &s,
        &id(&service),
        &caller,
        &[&secret(&fresh), &secret(&revoked), &foreign],
    );
    assert_eq!(
        out["metadata"]["introspection_endpoint"],
        s.url(INTROSPECT).as_str()
    );
    let answers = out["answers"].as_array().unwrap();
    assert_eq!(answers[0]["active"], true);
    assert_eq!(answers[0]["client_id"], id(&fresh).as_str());
    assert_eq!(answers[1]["active"], false);
    assert_eq!(answers[2]["active"], false);
}
on_both_databases!(services_introspect_tokens_of_their_org);

fn basic(id: &str, secret: &str) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"))
    )
}

/// Runs `end2end/interop/introspect.mjs` (openid-client) against the server.
fn interop(s: &TestServer, client_id: &str, client_secret: &str, tokens: &[&str]) -> Value {
    let end2end = concat!(env!("CARGO_MANIFEST_DIR"), "/../end2end");
    let out = std::process::Command::new("node")
        .arg("interop/introspect.mjs")
        .arg(&s.base)
        .arg(client_id)
        .arg(client_secret)
        .args(tokens)
        .current_dir(end2end)
        .output()
        .expect("run node end2end/interop/introspect.mjs");
    assert!(
        out.status.success(),
        "openid-client failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the script prints JSON")
}

/// With the caches on (as in production), an answer about a team or org token is kept, and
/// still changes the moment its role changes or it is revoked.
async fn kept_answers_follow_changes(backend: Backend) {
    let s = TestServer::start_caching(backend, std::time::Duration::from_secs(600)).await;
    let owner = s.signed_in_owner().await;
    let res = s
        .api(
            Method::POST,
            "/api/v1/orgs/acme/roles",
            &owner,
            Some(body!({"name": "Asker", "permissions": ["decisions:read"]})),
        )
        .await;
    let role = json(res).await["id"].as_str().unwrap().to_string();
    let service = minted(&s, &owner, body!({"name": "pep", "roles": [role]})).await;
    let service = secret(&service);
    let asked = minted(&s, &owner, body!({"name": "ci", "roles": [role]})).await;
    let (asked_id, asked) = (id(&asked), secret(&asked));
    for _ in 0..2 {
        let a = answer(&s, &service, &asked).await;
        assert_eq!(a["active"], true);
        assert_eq!(a["scope"], "decisions:read");
    }
    let res = s
        .api(
            Method::PATCH,
            &format!("/api/v1/orgs/acme/roles/{role}"),
            &owner,
            Some(body!({"permissions": ["decisions:read", "teams:read"]})),
        )
        .await;
    assert_eq!(res.status(), 200);
    let scope = answer(&s, &service, &asked).await["scope"].clone();
    assert!(scope.as_str().unwrap().contains("teams:read"), "{scope}");
    let res = s
        .api(
            Method::DELETE,
            &format!("/api/v1/orgs/acme/tokens/{asked_id}"),
            &owner,
            None,
        )
        .await;
    assert!(res.status().is_success());
    assert_eq!(answer(&s, &service, &asked).await, body!({"active": false}));
}
on_both_databases!(kept_answers_follow_changes);
