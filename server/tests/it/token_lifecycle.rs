//! A token's life: the org's lifetime policy, expiry dates, rotation with and without grace,
//! filters, audited refusals, and refusals that never reach the database.

use crate::harness::{add_teams, error_code, json, Backend, TestServer};
use crate::on_both_databases;
use crate::tokens::{bearer, minted, TOKENS};
use reqwest::Method;
use serde_json::json as body;

const DAY_MS: i64 = 86_400_000;

/// outcome, reason, entity id, org id, actor kind of an audit event.
type Refusal = (String, String, Option<String>, Option<String>, String);

async fn mint(s: &TestServer, cookie: &str, b: serde_json::Value) -> reqwest::Response {
    s.api(Method::POST, TOKENS, cookie, Some(b)).await
}

async fn me_status(s: &TestServer, token: &str) -> u16 {
    bearer(s, Method::GET, "/api/v1/auth/me", token, None)
        .await
        .status()
        .as_u16()
}

async fn invalid_field(res: reqwest::Response) -> String {
    assert_eq!(res.status(), 422);
    let b = json(res).await;
    assert_eq!(b["error"]["code"], "invalid_input");
    b["error"]["field"].as_str().unwrap_or_default().to_string()
}

/// `YYYY-MM-DD` of a unix-ms instant.
fn date_of(ms: i64) -> String {
    foxgate_core::model::format_utc(ms)[..10].to_string()
}

async fn the_org_lifetime_policy_bounds_every_new_token(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let now = foxgate_core::store::now_ms();
    // Without a policy a token may live for ever; an exact date works through that day.
    let forever = mint(&s, &owner, body!({"name": "f", "roles": ["viewer"]})).await;
    assert_eq!(
        json(forever).await["info"]["expires_at"],
        serde_json::Value::Null
    );
    let dated = mint(
        &s,
        &owner,
        body!({"name": "d", "roles": ["viewer"], "expires_on": date_of(now + 10 * DAY_MS)}),
    )
    .await;
    assert_eq!(dated.status(), 201);
    let expires_at = json(dated).await["info"]["expires_at"].as_i64().unwrap();
    assert_eq!(date_of(expires_at - 1), date_of(now + 10 * DAY_MS));
    assert_eq!(expires_at % DAY_MS, 0, "midnight UTC after the last day");

    for (input, field) in [
        (body!({"expires_on": "2020-01-01"}), "expires_on"),
        (body!({"expires_on": "2027-02-30"}), "expires_on"),
        (body!({"expires_on": "next week"}), "expires_on"),
        (body!({"expires_in_days": 0}), "expires_in_days"),
        (
            body!({"expires_in_days": 7, "expires_on": date_of(now + DAY_MS)}),
            "expires_on",
        ),
    ] {
        let mut b = body!({"name": "x", "roles": ["viewer"]});
        b.as_object_mut()
            .unwrap()
            .extend(input.as_object().unwrap().clone());
        assert_eq!(
            invalid_field(mint(&s, &owner, b.clone()).await).await,
            field,
            "{b}"
        );
    }

    let set = s
        .api(
            Method::PATCH,
            "/api/v1/orgs/acme",
            &owner,
            Some(body!({"max_token_lifetime_days": 30})),
        )
        .await;
    assert_eq!(set.status(), 200);
    assert_eq!(json(set).await["max_token_lifetime_days"], 30);
    let never = mint(&s, &owner, body!({"name": "n", "roles": ["viewer"]})).await;
    assert_eq!(invalid_field(never).await, "expires_in_days");
    let long = mint(
        &s,
        &owner,
        body!({"name": "l", "roles": ["viewer"], "expires_in_days": 90}),
    )
    .await;
    assert_eq!(invalid_field(long).await, "expires_in_days");
    let late = mint(
        &s,
        &owner,
        body!({"name": "l", "roles": ["viewer"], "expires_on": date_of(now + 31 * DAY_MS)}),
    )
    .await;
    assert_eq!(invalid_field(late).await, "expires_on");
    for ok in [
        body!({"name": "ok", "roles": ["viewer"], "expires_in_days": 30}),
        body!({"name": "ok", "roles": ["viewer"], "expires_on": date_of(now + 30 * DAY_MS)}),
    ] {
        assert_eq!(mint(&s, &owner, ok).await.status(), 201);
    }
    let bad_policy = s
        .api(
            Method::PATCH,
            "/api/v1/orgs/acme",
            &owner,
            Some(body!({"max_token_lifetime_days": 0})),
        )
        .await;
    assert_eq!(invalid_field(bad_policy).await, "max_token_lifetime_days");
    // Renaming the org leaves the policy alone; `null` lifts it.
    let renamed = s
        .api(
            Method::PATCH,
            "/api/v1/orgs/acme",
            &owner,
            Some(body!({"name": "Acme"})),
        )
        .await;
    assert_eq!(json(renamed).await["max_token_lifetime_days"], 30);
    let lifted = s
        .api(
            Method::PATCH,
            "/api/v1/orgs/acme",
            &owner,
            Some(body!({"max_token_lifetime_days": null})),
        )
        .await;
    assert_eq!(
        json(lifted).await["max_token_lifetime_days"],
        serde_json::Value::Null
    );
    assert_eq!(
        mint(&s, &owner, body!({"name": "n", "roles": ["viewer"]}))
            .await
            .status(),
        201
    );
}
on_both_databases!(the_org_lifetime_policy_bounds_every_new_token);

async fn rotation_replaces_the_secret_with_or_without_grace(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let minted = minted(&s, &owner, body!({"name": "deploy", "roles": ["viewer"]})).await;
    let old = minted["token"].as_str().unwrap().to_string();
    let id = minted["info"]["id"].as_str().unwrap().to_string();
    let rotate_path = format!("{TOKENS}/{id}/rotate");

    // Without grace: the old secret stops at once, the new one works, the id stays.
    let rotated = s.api(Method::POST, &rotate_path, &owner, None).await;
    assert_eq!(rotated.status(), 200);
    let rotated = json(rotated).await;
    let new = rotated["token"].as_str().unwrap().to_string();
    assert_ne!(new, old);
    assert_eq!(rotated["info"]["id"], id.as_str());
    assert!(new.contains(&id));
    assert_eq!(me_status(&s, &old).await, 401);
    assert_eq!(me_status(&s, &new).await, 200);

    // With grace: both work until the grace period ends, then only the new one.
    let graced = s
        .api(
            Method::POST,
            &rotate_path,
            &owner,
            Some(body!({"grace_hours": 2})),
        )
        .await;
    assert_eq!(graced.status(), 200);
    let graced = json(graced).await;
    let newest = graced["token"].as_str().unwrap().to_string();
    let until = graced["info"]["previous_valid_until"].as_i64().unwrap();
    let now = foxgate_core::store::now_ms();
    assert!(until > now + 2 * 3_600_000 - 60_000 && until <= now + 2 * 3_600_000);
    assert_eq!(
        me_status(&s, &new).await,
        200,
        "the previous secret, in grace"
    );
    assert_eq!(me_status(&s, &newest).await, 200);
    assert_eq!(
        me_status(&s, &old).await,
        401,
        "only one previous secret is kept"
    );
    let listed = json(s.api(Method::GET, TOKENS, &owner, None).await).await;
    assert_eq!(listed["tokens"][0]["previous_valid_until"], until);
    sqlx::query("UPDATE tokens SET previous_valid_until = $1")
        .bind(now - 1)
        .execute(s.state.services.db.pool())
        .await
        .unwrap();
    assert_eq!(me_status(&s, &new).await, 401, "grace over");
    assert_eq!(me_status(&s, &newest).await, 200);

    let too_long = s
        .api(
            Method::POST,
            &rotate_path,
            &owner,
            Some(body!({"grace_hours": 25})),
        )
        .await;
    assert_eq!(invalid_field(too_long).await, "grace_hours");
    let actions = s.audit_actions().await;
    assert_eq!(
        actions
            .iter()
            .filter(|(a, _, _)| a == "token.rotated")
            .count(),
        2
    );
    assert!(
        !format!("{actions:?}").contains(&newest[4..]),
        "no secret in the log"
    );

    // A revoked token stays dead: no rotation brings it back.
    assert_eq!(
        s.api(Method::DELETE, &format!("{TOKENS}/{id}"), &owner, None)
            .await
            .status(),
        204
    );
    let dead = s.api(Method::POST, &rotate_path, &owner, None).await;
    assert_eq!(dead.status(), 409);
    assert_eq!(me_status(&s, &newest).await, 401);
    let unknown = s
        .api(
            Method::POST,
            &format!("{TOKENS}/AAAAAAAAAAAAAAAA/rotate"),
            &owner,
            None,
        )
        .await;
    assert_eq!(unknown.status(), 404);
}
on_both_databases!(rotation_replaces_the_secret_with_or_without_grace);

async fn the_list_filters_by_team_and_status_and_names_the_creator(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    add_teams(&s, &owner, &["alpha", "beta"]).await;
    let mut ids = Vec::new();
    for (name, team) in [
        ("a1", Some("alpha")),
        ("a2", Some("alpha")),
        ("b1", Some("beta")),
        ("o1", None),
    ] {
        let res = mint(
            &s,
            &owner,
            body!({"name": name, "team": team, "roles": ["member"]}),
        )
        .await;
        assert_eq!(res.status(), 201);
        ids.push(json(res).await["info"]["id"].as_str().unwrap().to_string());
    }
    assert_eq!(
        s.api(
            Method::DELETE,
            &format!("{TOKENS}/{}", ids[1]),
            &owner,
            None
        )
        .await
        .status(),
        204
    );
    // Newest first; tokens minted within one millisecond come in id order, so compare sorted.
    let names = |v: serde_json::Value| -> Vec<String> {
        let mut names: Vec<String> = v["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap().to_string())
            .collect();
        names.sort();
        names
    };
    let get = |q: &'static str| {
        let (s, owner) = (&s, &owner);
        async move {
            s.api(Method::GET, &format!("{TOKENS}{q}"), owner, None)
                .await
        }
    };
    assert_eq!(names(json(get("?team=alpha").await).await), ["a1", "a2"]);
    assert_eq!(
        names(json(get("?team=alpha&status=active").await).await),
        ["a1"]
    );
    assert_eq!(names(json(get("?status=revoked").await).await), ["a2"]);
    assert_eq!(names(json(get("").await).await), ["a1", "a2", "b1", "o1"]);
    // Name prefix in any case, kind, creator.
    assert_eq!(names(json(get("?q=A").await).await), ["a1", "a2"]);
    assert_eq!(names(json(get("?q=a1").await).await), ["a1"]);
    assert_eq!(names(json(get("?q=%25").await).await), Vec::<String>::new());
    assert_eq!(
        names(json(get("?kind=team").await).await),
        ["a1", "a2", "b1"]
    );
    assert_eq!(
        names(json(get("?kind=personal").await).await),
        Vec::<String>::new()
    );
    let all = json(get("").await).await;
    assert_eq!(all["total"], 4);
    assert_eq!(all["total_exact"], true);
    assert_eq!(all["next_cursor"], serde_json::Value::Null);
    let creator = all["tokens"][0]["created_by"].as_str().unwrap().to_string();
    let by_creator = s
        .api(
            Method::GET,
            &format!("{TOKENS}?creator={creator}"),
            &owner,
            None,
        )
        .await;
    assert_eq!(names(json(by_creator).await), ["a1", "a2", "b1", "o1"]);
    let by_nobody = s
        .api(
            Method::GET,
            &format!("{TOKENS}?creator=nobody"),
            &owner,
            None,
        )
        .await;
    assert_eq!(names(json(by_nobody).await), Vec::<String>::new());
    assert_eq!(all["tokens"][0]["created_by_email"], "owner@acme.test");
    assert_eq!(all["tokens"][0]["status"], "active");
    assert!(all["tokens"][0]["created_at"].is_i64());
    let team_names: Vec<&str> = all["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["team_name"].as_str())
        .collect();
    assert_eq!(team_names.len(), 3, "team tokens name their team: {all}");
    // A wrong value is the query's fault, in words; so is an unknown parameter.
    assert_eq!(invalid_field(get("?status=sleeping").await).await, "query");
    assert_eq!(invalid_field(get("?kind=robot").await).await, "query");
    assert_eq!(invalid_field(get("?colour=red").await).await, "query");
    assert_eq!(invalid_field(get("?limit=0").await).await, "limit");
    assert_eq!(invalid_field(get("?cursor=%25%25").await).await, "cursor");
    assert_eq!(get("?team=nowhere").await.status(), 404);
}
on_both_databases!(the_list_filters_by_team_and_status_and_names_the_creator);

async fn refused_tokens_are_audited_without_flooding(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let minted = minted(&s, &owner, body!({"name": "bot", "roles": ["viewer"]})).await;
    let id = minted["info"]["id"].as_str().unwrap();
    let wrong = foxgate_core::token::seal(
        foxgate_core::token::TokenKind::OrgAdmin,
        id,
        &"a".repeat(32),
    );
    for _ in 0..5 {
        assert_eq!(me_status(&s, wrong.expose()).await, 401);
    }
    let failures: Vec<Refusal> = sqlx::query_as(
        "SELECT outcome, reason, entity_id, org_id, actor_kind FROM audit_events \
         WHERE action = 'token.auth_failed'",
    )
    .fetch_all(s.state.services.db.pool())
    .await
    .unwrap();
    assert_eq!(failures.len(), 1, "five failures, one event: {failures:?}");
    let (outcome, reason, entity, org, actor) = &failures[0];
    assert_eq!(
        (outcome.as_str(), reason.as_str()),
        ("failure", "wrong_secret")
    );
    assert_eq!(entity.as_deref(), Some(id));
    assert!(org.is_some(), "filed in the token's org");
    assert_eq!(actor, "anonymous");

    // An expired token is audited under its own id, and says so to its holder.
    let expiring = json(
        mint(
            &s,
            &owner,
            body!({"name": "old", "roles": ["viewer"], "expires_in_days": 1}),
        )
        .await,
    )
    .await;
    let expiring_id = expiring["info"]["id"].as_str().unwrap();
    sqlx::query("UPDATE tokens SET expires_at = 1 WHERE id = $1")
        .bind(expiring_id)
        .execute(s.state.services.db.pool())
        .await
        .unwrap();
    let res = bearer(
        &s,
        Method::GET,
        "/api/v1/auth/me",
        expiring["token"].as_str().unwrap(),
        None,
    )
    .await;
    assert_eq!(error_code(res).await, "token_expired");
    let reasons: Vec<String> = sqlx::query_scalar(
        "SELECT reason FROM audit_events WHERE action = 'token.auth_failed' AND entity_id = $1",
    )
    .bind(expiring_id)
    .fetch_all(s.state.services.db.pool())
    .await
    .unwrap();
    assert_eq!(reasons, ["expired"]);
}
on_both_databases!(refused_tokens_are_audited_without_flooding);

/// With the tokens table gone, a token with a bad checksum is still refused cleanly (401):
/// proof it never needed a query. A well-formed token does need one, and fails.
async fn a_bad_checksum_is_refused_without_a_query(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let minted = minted(&s, &owner, body!({"name": "bot", "roles": ["viewer"]})).await;
    let token = minted["token"].as_str().unwrap().to_string();
    let last = token.chars().last().unwrap();
    let bad_check = format!(
        "{}{}",
        &token[..token.len() - 1],
        if last == 'a' { 'b' } else { 'a' }
    );
    assert!(foxgate_core::token::parse(&bad_check).is_err());
    let unauthorized = bearer(&s, Method::GET, "/api/v1/auth/me", "nope", None)
        .await
        .text()
        .await
        .unwrap();

    sqlx::query("ALTER TABLE tokens RENAME TO tokens_gone")
        .execute(s.state.services.db.pool())
        .await
        .unwrap();
    let refused = bearer(&s, Method::GET, "/api/v1/auth/me", &bad_check, None).await;
    assert_eq!(refused.status(), 401);
    assert_eq!(refused.text().await.unwrap(), unauthorized);
    let needs_db = bearer(&s, Method::GET, "/api/v1/auth/me", &token, None).await;
    assert_eq!(
        needs_db.status(),
        500,
        "a well-formed token is looked up, and that fails now"
    );
}
on_both_databases!(a_bad_checksum_is_refused_without_a_query);

/// Two Foxgate processes on one database (and one key), with the token cache off
/// (`FOXGATE_TOKEN_CACHE_MS=0`): a token revoked through one is refused by the other on its
/// very next request. (With the default 1 s cache the other process refuses it within 1 s.)
async fn a_revoked_token_is_refused_by_every_node(backend: Backend) {
    let a = TestServer::start(backend).await;
    let owner = a.signed_in_owner().await;
    let minted = minted(&a, &owner, body!({"name": "bot", "roles": ["viewer"]})).await;
    let token = minted["token"].as_str().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        a.data_dir().join("secret.key"),
        dir.path().join("secret.key"),
    )
    .unwrap();
    let b = TestServer::start_on(a.state.config.database_url.clone(), dir, None, false).await;
    assert_eq!(me_status(&b, &token).await, 200);
    assert_eq!(me_status(&b, &token).await, 200);
    let id = minted["info"]["id"].as_str().unwrap();
    assert_eq!(
        a.api(Method::DELETE, &format!("{TOKENS}/{id}"), &owner, None)
            .await
            .status(),
        204
    );
    assert_eq!(
        me_status(&b, &token).await,
        401,
        "the other node refuses it at once"
    );
}
on_both_databases!(a_revoked_token_is_refused_by_every_node);

/// With the production cache on (a minute here, so only invalidation can explain a
/// refusal), revoking and rotating through this process still take effect on the next
/// request, and a wrong secret for a cached token is refused.
async fn the_token_cache_forgets_revoked_and_rotated_tokens_at_once(backend: Backend) {
    let s = TestServer::start_caching(backend, std::time::Duration::from_secs(60)).await;
    let owner = s.signed_in_owner().await;
    let minted = minted(&s, &owner, body!({"name": "bot", "roles": ["viewer"]})).await;
    let (token, id) = (
        minted["token"].as_str().unwrap().to_string(),
        minted["info"]["id"].as_str().unwrap().to_string(),
    );
    assert_eq!(me_status(&s, &token).await, 200);
    assert_eq!(me_status(&s, &token).await, 200, "now from the cache");
    let wrong = foxgate_core::token::seal(
        foxgate_core::token::TokenKind::OrgAdmin,
        &id,
        &"a".repeat(32),
    );
    assert_eq!(me_status(&s, wrong.expose()).await, 401);

    let rotated = s
        .api(Method::POST, &format!("{TOKENS}/{id}/rotate"), &owner, None)
        .await;
    let new = json(rotated).await["token"].as_str().unwrap().to_string();
    assert_eq!(
        me_status(&s, &token).await,
        401,
        "the cached old secret is forgotten"
    );
    assert_eq!(me_status(&s, &new).await, 200);
    assert_eq!(
        s.api(Method::DELETE, &format!("{TOKENS}/{id}"), &owner, None)
            .await
            .status(),
        204
    );
    assert_eq!(
        me_status(&s, &new).await,
        401,
        "revoked on the next request"
    );
}
on_both_databases!(the_token_cache_forgets_revoked_and_rotated_tokens_at_once);
