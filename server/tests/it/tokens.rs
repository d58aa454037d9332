//! API tokens: minted once, used as bearer, scoped to their team, revoked at once.

use crate::harness::{
    add_member, add_teams, error_code, grant, json, sign_in, Backend, TestServer,
};
use crate::on_both_databases;
use reqwest::Method;
use serde_json::{json as body, Value};

pub const TOKENS: &str = "/api/v1/orgs/acme/tokens";

/// Mints a token (as `cookie`) that must succeed; the create answer.
pub async fn minted(s: &TestServer, cookie: &str, b: serde_json::Value) -> serde_json::Value {
    let res = s.api(Method::POST, TOKENS, cookie, Some(b)).await;
    assert_eq!(res.status(), 201);
    json(res).await
}

pub async fn bearer(
    s: &TestServer,
    method: Method,
    path: &str,
    token: &str,
    b: Option<serde_json::Value>,
) -> reqwest::Response {
    let auth = format!("Bearer {token}");
    s.send(method, path, &[("authorization", auth.as_str())], b)
        .await
}

async fn a_team_token_from_mint_to_revocation(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    add_teams(&s, &owner, &["alpha", "beta"]).await;
    let minted = s
        .api(
            Method::POST,
            TOKENS,
            &owner,
            Some(body!({"name": "ci", "team": "alpha", "roles": ["team_admin"]})),
        )
        .await;
    assert_eq!(minted.status(), 201);
    let minted = json(minted).await;
    let token = minted["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("fgt_"), "{token}");
    // Org Owner is for the whole organization: no team token carries it.
    let owner_in_team = s
        .api(
            Method::POST,
            TOKENS,
            &owner,
            Some(body!({"name": "too-much", "team": "alpha", "roles": ["owner"]})),
        )
        .await;
    assert_eq!(owner_in_team.status(), 422);
    assert_eq!(json(owner_in_team).await["error"]["field"], "roles");
    let secret = token.split('_').nth(2).unwrap().to_string();

    let me = json(bearer(&s, Method::GET, "/api/v1/auth/me", &token, None).await).await;
    assert_eq!(me["role"], "team");
    assert_eq!(me["auth_kind"], "team_token");
    assert_eq!(me["team_id"], minted["info"]["team_id"]);
    assert!(me["org_id"].is_string());
    assert_eq!(me["subject"], serde_json::Value::Null);
    assert_eq!(me["email"], serde_json::Value::Null);
    assert_eq!(me["can_write"], true);

    // Its team only: another team is invisible, org settings and new teams are refused.
    assert_eq!(
        bearer(
            &s,
            Method::GET,
            "/api/v1/orgs/acme/teams/alpha",
            &token,
            None
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        bearer(
            &s,
            Method::GET,
            "/api/v1/orgs/acme/teams/beta",
            &token,
            None
        )
        .await
        .status(),
        404
    );
    let settings = bearer(
        &s,
        Method::PATCH,
        "/api/v1/orgs/acme",
        &token,
        Some(body!({"name": "Mine"})),
    )
    .await;
    assert_eq!(settings.status(), 403);
    let new_team = bearer(
        &s,
        Method::POST,
        "/api/v1/orgs/acme/teams",
        &token,
        Some(body!({"slug": "x1", "name": "X"})),
    )
    .await;
    assert_eq!(new_team.status(), 403);

    // The secret appears nowhere after minting: not in lists, not in the audit log.
    let listed = s
        .api(Method::GET, TOKENS, &owner, None)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        listed.contains("ci") && !listed.contains(&secret),
        "{listed}"
    );
    let audit: Vec<(String, Option<String>, Option<String>)> =
        sqlx::query_as("SELECT action, entity_label, snapshot FROM audit_events")
            .fetch_all(s.state.services.db.pool())
            .await
            .unwrap();
    assert!(audit.iter().any(|(a, _, _)| a == "token.created"));
    assert!(!format!("{audit:?}").contains(&secret));
    let stored: String = sqlx::query_scalar("SELECT secret_hash FROM tokens")
        .fetch_one(s.state.services.db.pool())
        .await
        .unwrap();
    assert!(!stored.contains(&secret), "only a keyed hash is stored");

    // Unknown id, wrong secret and revoked get the same answer; a typo never reaches the database.
    let id = minted["info"]["id"].as_str().unwrap();
    let unknown_id =
        foxgate_core::token::assemble(foxgate_core::token::TokenKind::Team, &[1; 10], &[2; 20]);
    let wrong_secret =
        foxgate_core::token::seal(foxgate_core::token::TokenKind::Team, id, &"z".repeat(32));
    assert!(
        foxgate_core::token::parse(wrong_secret.expose()).is_ok(),
        "well-formed, only the secret is wrong"
    );
    let unknown = bearer(
        &s,
        Method::GET,
        "/api/v1/auth/me",
        unknown_id.expose(),
        None,
    )
    .await;
    assert_eq!(unknown.status(), 401);
    let unknown_body = unknown.text().await.unwrap();
    let wrong = bearer(
        &s,
        Method::GET,
        "/api/v1/auth/me",
        wrong_secret.expose(),
        None,
    )
    .await;
    assert_eq!(wrong.status(), 401);
    assert_eq!(
        wrong.text().await.unwrap(),
        unknown_body,
        "wrong secret looks like unknown id"
    );
    let typo = format!("{}x", &token[..token.len() - 1]);
    let typo = bearer(&s, Method::GET, "/api/v1/auth/me", &typo, None).await;
    assert_eq!(typo.status(), 401);
    assert_eq!(typo.text().await.unwrap(), unknown_body);

    assert_eq!(
        s.api(Method::DELETE, &format!("{TOKENS}/{id}"), &owner, None)
            .await
            .status(),
        204
    );
    let revoked = bearer(&s, Method::GET, "/api/v1/auth/me", &token, None).await;
    assert_eq!(revoked.status(), 401);
    assert_eq!(
        revoked.text().await.unwrap(),
        unknown_body,
        "revoked looks like unknown"
    );
}
on_both_databases!(a_team_token_from_mint_to_revocation);

async fn expired_tokens_say_so_and_nobody_mints_beyond_their_reach(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let res = s
        .api(
            Method::POST,
            "/api/v1/orgs/acme/teams",
            &owner,
            Some(body!({"slug": "alpha", "name": "Alpha"})),
        )
        .await;
    assert_eq!(res.status(), 201);
    let expired = s
        .api(
            Method::POST,
            TOKENS,
            &owner,
            Some(body!({"name": "old", "roles": ["viewer"], "expires_in_days": 1})),
        )
        .await;
    let expired = json(expired).await["token"].as_str().unwrap().to_string();
    sqlx::query("UPDATE tokens SET expires_at = 1")
        .execute(s.state.services.db.pool())
        .await
        .unwrap();
    assert!(expired.starts_with("fga_"));
    let res = bearer(&s, Method::GET, "/api/v1/auth/me", &expired, None).await;
    assert_eq!(res.status(), 401);
    assert_eq!(error_code(res).await, "token_expired");

    let alice = add_member(&s, &owner, "alice@acme.test").await;
    assert_eq!(
        grant(&s, &owner, &alice, "team_admin", Some("alpha"))
            .await
            .status(),
        201
    );
    let a = sign_in(&s, "alice@acme.test").await;
    let too_much = s
        .api(
            Method::POST,
            TOKENS,
            &a,
            Some(body!({"name": "x", "team": "alpha", "roles": ["admin"]})),
        )
        .await;
    assert_eq!(
        too_much.status(),
        403,
        "no token with permissions its creator lacks"
    );
    let org_wide = s
        .api(
            Method::POST,
            TOKENS,
            &a,
            Some(body!({"name": "x", "roles": ["viewer"]})),
        )
        .await;
    assert_eq!(org_wide.status(), 403);
    let fine = s
        .api(
            Method::POST,
            TOKENS,
            &a,
            Some(body!({"name": "x", "team": "alpha", "roles": ["member"]})),
        )
        .await;
    assert_eq!(fine.status(), 201);
    let unknown_role = s
        .api(
            Method::POST,
            TOKENS,
            &owner,
            Some(body!({"name": "x", "roles": ["wizard"]})),
        )
        .await;
    assert_eq!(unknown_role.status(), 422);
}
on_both_databases!(expired_tokens_say_so_and_nobody_mints_beyond_their_reach);

async fn first_token(s: &TestServer, cookie: &str) -> serde_json::Value {
    json(s.api(Method::GET, TOKENS, cookie, None).await).await["tokens"][0].clone()
}

async fn last_use_is_recorded_at_most_once_a_minute(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let minted = minted(&s, &owner, body!({"name": "bot", "roles": ["viewer"]})).await;
    let token = minted["token"].as_str().unwrap().to_string();
    assert_eq!(
        first_token(&s, &owner).await["last_used_at"],
        serde_json::Value::Null
    );
    assert_eq!(
        bearer(&s, Method::GET, "/api/v1/auth/me", &token, None)
            .await
            .status(),
        200
    );
    let first = first_token(&s, &owner).await;
    assert_eq!(first["last_used_ip"], "127.0.0.1");
    assert!(first["last_used_at"].is_i64());
    assert_eq!(
        bearer(&s, Method::GET, "/api/v1/auth/me", &token, None)
            .await
            .status(),
        200
    );
    assert_eq!(
        first_token(&s, &owner).await["last_used_at"],
        first["last_used_at"],
        "no second write within the minute"
    );
}
on_both_databases!(last_use_is_recorded_at_most_once_a_minute);

async fn repeated_failures_from_one_address_are_rate_limited(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let good = minted(&s, &owner, body!({"name": "bot", "roles": ["viewer"]})).await;
    let good = good["token"].as_str().unwrap().to_string();
    for i in 0..50 {
        let res = bearer(
            &s,
            Method::GET,
            "/api/v1/auth/me",
            &format!("fgt_guess_{i}"),
            None,
        )
        .await;
        assert_eq!(res.status(), 401);
    }
    let limited = bearer(&s, Method::GET, "/api/v1/auth/me", "fgt_guess_again", None).await;
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().get("retry-after").is_some());
    assert_eq!(error_code(limited).await, "rate_limited");
    let still_good = bearer(&s, Method::GET, "/api/v1/auth/me", &good, None).await;
    assert_eq!(
        still_good.status(),
        200,
        "only failures are slowed: a token that verifies is never refused for its address"
    );
}
on_both_databases!(repeated_failures_from_one_address_are_rate_limited);

/// Bearer requests to the API take the programs' door: they still get the security headers
/// and a request id, cross-site writes are still refused, and they never get a session.
async fn the_programs_door_keeps_the_protections(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let token = minted(&s, &owner, body!({"name": "bot", "roles": ["admin"]})).await["token"]
        .as_str()
        .unwrap()
        .to_string();
    let me = bearer(&s, Method::GET, "/api/v1/auth/me", &token, None).await;
    assert_eq!(me.status(), 200);
    let h = me.headers();
    assert_eq!(
        h["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["cache-control"], "no-store");
    assert!(h.get("x-request-id").is_some());
    assert!(h.get("set-cookie").is_none(), "no session for a token");

    let auth = format!("Bearer {token}");
    let cross_site = s
        .send(
            Method::POST,
            "/api/v1/orgs/acme/teams",
            &[
                ("authorization", auth.as_str()),
                ("origin", "https://evil.example"),
            ],
            Some(body!({"slug": "x1", "name": "X"})),
        )
        .await;
    assert_eq!(cross_site.status(), 403);
    let unknown = bearer(&s, Method::GET, "/api/v2/nothing", &token, None).await;
    assert_eq!(unknown.status(), 404);
    assert_eq!(error_code(unknown).await, "not_found");
}
on_both_databases!(the_programs_door_keeps_the_protections);

/// A form (or a script) sends a one-time key with a mint: the second request with the same
/// key is refused instead of minting a second live token — a double click or a resent form
/// never leaves a token nobody saw. A refused mint leaves the key unused.
async fn a_submission_mints_once(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let count = |list: Value| list["tokens"].as_array().unwrap().len();
    let before = count(json(s.api(Method::GET, TOKENS, &owner, None).await).await);
    let key = "f0f1f2f3-a4a5-b6b7-c8c9-dadbdcdddedf";
    let mint = |name: &'static str, key: &'static str| {
        let (s, owner) = (&s, &owner);
        async move {
            let b = body!({"name": name, "roles": ["viewer"], "submission": key});
            s.api(Method::POST, TOKENS, owner, Some(b)).await
        }
    };
    assert_eq!(
        mint("", key).await.status(),
        422,
        "a refused mint does not use the key"
    );
    assert_eq!(mint("ci", key).await.status(), 201);
    let again = mint("ci", key).await;
    assert_eq!(again.status(), 409);
    assert!(json(again).await["error"]["message"]
        .as_str()
        .unwrap()
        .contains("already submitted"));
    assert_eq!(mint("ci", "short").await.status(), 422);
    assert_eq!(
        count(json(s.api(Method::GET, TOKENS, &owner, None).await).await),
        before + 1
    );

    // The console's plain form post: the same form sent twice mints once.
    let form = [
        ("name", "from-the-form"),
        ("kind", "org_admin"),
        ("roles[]", "viewer"),
        ("expires", "30"),
        ("submission", "console-form-key-0123456789"),
    ];
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let res = s
            .post_console_form(&owner, "/tokens", "create_token", &form)
            .await;
        statuses.push(crate::harness::location(res.headers()));
    }
    assert!(!statuses[0].contains("error="), "{statuses:?}");
    assert!(
        statuses[1..].iter().all(|l| l.contains("error=conflict")),
        "{statuses:?}"
    );
    assert_eq!(
        count(json(s.api(Method::GET, TOKENS, &owner, None).await).await),
        before + 2
    );
}
on_both_databases!(a_submission_mints_once);
