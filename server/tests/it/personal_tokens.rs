//! Personal tokens: they act as their user, within the permissions chosen at minting, and
//! follow the user's current access on every request.

use crate::harness::{
    add_member, add_teams, error_code, grant, json, sign_in, Backend, TestServer,
};
use crate::on_both_databases;
use crate::tokens::{bearer, TOKENS};
use reqwest::Method;
use serde_json::json as body;

async fn status_of(s: &TestServer, method: Method, path: &str, token: &str) -> u16 {
    bearer(s, method, path, token, None).await.status().as_u16()
}

async fn a_personal_token_follows_its_user(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    add_teams(&s, &owner, &["alpha", "beta"]).await;
    let alice_id = add_member(&s, &owner, "alice@acme.test").await;
    let res = grant(&s, &owner, &alice_id, "team_admin", Some("alpha")).await;
    let grant_id = json(res).await["id"].as_str().unwrap().to_string();
    let alice = sign_in(&s, "alice@acme.test").await;

    // Only permissions she holds somewhere; roles and teams are not for personal tokens.
    let beyond = s
        .api(
            Method::POST,
            TOKENS,
            &alice,
            Some(body!({"name": "mine", "kind": "personal", "permissions": ["org:update"]})),
        )
        .await;
    assert_eq!(beyond.status(), 403, "the escalation guard");
    let with_roles = s
        .api(
            Method::POST,
            TOKENS,
            &alice,
            Some(body!({"name": "mine", "kind": "personal", "roles": ["viewer"]})),
        )
        .await;
    assert_eq!(with_roles.status(), 422);
    let minted = s
        .api(
            Method::POST,
            TOKENS,
            &alice,
            Some(body!({"name": "laptop", "kind": "personal",
                        "permissions": ["teams:read", "teams:update"], "expires_in_days": 7})),
        )
        .await;
    assert_eq!(minted.status(), 201);
    let minted = json(minted).await;
    let token = minted["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("fgp_"), "{token}");
    assert_eq!(minted["info"]["user_id"], alice_id);
    assert_eq!(
        minted["info"]["permissions"],
        body!(["teams:read", "teams:update"])
    );

    let me = json(bearer(&s, Method::GET, "/api/v1/auth/me", &token, None).await).await;
    assert_eq!(me["auth_kind"], "personal_token");
    assert_eq!(me["role"], "personal");
    assert_eq!(me["subject"], alice_id.as_str());
    assert_eq!(me["email"], "alice@acme.test");
    let perms: Vec<String> = serde_json::from_value(me["permissions"].clone()).unwrap();
    assert_eq!(perms.len(), 2, "only the chosen permissions: {perms:?}");
    assert!(perms
        .iter()
        .all(|p| p.starts_with("teams:") && p.contains("@team:")));

    // It does what she may, within its permissions: rename alpha, not members; not beta.
    let renamed = bearer(
        &s,
        Method::PATCH,
        "/api/v1/orgs/acme/teams/alpha",
        &token,
        Some(body!({"name": "Alpha One"})),
    )
    .await;
    assert_eq!(renamed.status(), 200);
    assert_eq!(
        status_of(&s, Method::GET, "/api/v1/orgs/acme/teams/beta", &token).await,
        404
    );
    assert_eq!(
        status_of(
            &s,
            Method::GET,
            "/api/v1/orgs/acme/teams/alpha/members",
            &token
        )
        .await,
        403,
        "members:read was not chosen"
    );
    let actor: (String, String) = sqlx::query_as(
        "SELECT actor_kind, actor_label FROM audit_events WHERE action = 'team.updated'",
    )
    .fetch_one(s.state.services.db.pool())
    .await
    .unwrap();
    assert_eq!(actor.0, "personal_token");
    assert!(
        actor.1.contains("alice@acme.test")
            && actor.1.contains(minted["info"]["id"].as_str().unwrap())
    );

    // A token never mints a personal token.
    let nested = bearer(
        &s,
        Method::POST,
        TOKENS,
        &token,
        Some(body!({"name": "again", "kind": "personal", "permissions": ["teams:read"]})),
    )
    .await;
    assert_eq!(nested.status(), 403);

    // The owner sees it and may revoke it, but may not regenerate it (and so hold its secret).
    let listed = json(s.api(Method::GET, TOKENS, &owner, None).await).await;
    let id = minted["info"]["id"].as_str().unwrap().to_string();
    assert!(listed["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["id"] == id.as_str()));
    let rotate = s
        .api(Method::POST, &format!("{TOKENS}/{id}/rotate"), &owner, None)
        .await;
    assert_eq!(rotate.status(), 403);
    let bob_id = add_member(&s, &owner, "bob@acme.test").await;
    assert_eq!(
        grant(&s, &owner, &bob_id, "member", Some("beta"))
            .await
            .status(),
        201
    );
    let bob = sign_in(&s, "bob@acme.test").await;
    let bob_sees = json(s.api(Method::GET, TOKENS, &bob, None).await).await;
    assert!(
        !bob_sees["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == id.as_str()),
        "another member does not see it: {bob_sees}"
    );

    // She loses team admin in alpha: the very next request has lost it too.
    let revoked = s
        .api(
            Method::DELETE,
            &format!("/api/v1/orgs/acme/grants/{grant_id}"),
            &owner,
            None,
        )
        .await;
    assert_eq!(revoked.status(), 204);
    assert_eq!(
        status_of(&s, Method::GET, "/api/v1/orgs/acme/teams/alpha", &token).await,
        404
    );
    assert_eq!(
        grant(&s, &owner, &alice_id, "member", Some("alpha"))
            .await
            .status(),
        201
    );
    assert_eq!(
        status_of(&s, Method::GET, "/api/v1/orgs/acme/teams/alpha", &token).await,
        200
    );
    let rename_again = bearer(
        &s,
        Method::PATCH,
        "/api/v1/orgs/acme/teams/alpha",
        &token,
        Some(body!({"name": "Alpha Two"})),
    )
    .await;
    assert_eq!(
        rename_again.status(),
        403,
        "a member cannot rename, nor can her token"
    );

    // Disabled: dead. Enabled again: alive. Removed from the org: dead for good.
    let pool = s.state.services.db.pool();
    sqlx::query("UPDATE users SET disabled_at = 1 WHERE id = $1")
        .bind(&alice_id)
        .execute(pool)
        .await
        .unwrap();
    let disabled = bearer(&s, Method::GET, "/api/v1/auth/me", &token, None).await;
    assert_eq!(disabled.status(), 401);
    assert_eq!(error_code(disabled).await, "unauthorized");
    sqlx::query("UPDATE users SET disabled_at = NULL WHERE id = $1")
        .bind(&alice_id)
        .execute(pool)
        .await
        .unwrap();
    assert_eq!(
        status_of(&s, Method::GET, "/api/v1/auth/me", &token).await,
        200
    );
    let removed = s
        .api(
            Method::DELETE,
            &format!("/api/v1/orgs/acme/members/{alice_id}"),
            &owner,
            None,
        )
        .await;
    assert_eq!(removed.status(), 204);
    assert_eq!(
        status_of(&s, Method::GET, "/api/v1/auth/me", &token).await,
        401
    );
    let back = s
        .api(
            Method::POST,
            "/api/v1/orgs/acme/members",
            &owner,
            Some(body!({"email": "alice@acme.test", "password": "member-password-1"})),
        )
        .await;
    assert!(
        back.status().is_success() || back.status() == 409,
        "{}",
        back.status()
    );
    assert_eq!(
        status_of(&s, Method::GET, "/api/v1/auth/me", &token).await,
        401,
        "removal revoked it; coming back does not revive it"
    );
}
on_both_databases!(a_personal_token_follows_its_user);
