//! Scripts acting as a person: the device flow end to end with clients nobody here wrote
//! (openid-client, jose), then every refusal along the way — pending and too-fast polls,
//! denial, a mistyped code, permissions not held, a removed member, a revoked grant, a
//! replayed refresh token, a tampered JWT — and signing-key rotation.

use crate::harness::{add_member, grant, json, location, sign_in, Backend, TestServer};
use crate::on_both_databases;
use reqwest::Method;
use serde_json::Value;
use tokio::io::AsyncBufReadExt;

const DEVICE: &str = "/oauth2/device_authorization";
const TOKEN: &str = "/oauth2/token";
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

async fn start_device(s: &TestServer, client_id: &str, scope: &str) -> Value {
    let res = s
        .post_form_from(
            DEVICE,
            &[("client_id", client_id), ("scope", scope)],
            None,
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    json(res).await
}

async fn poll(s: &TestServer, client_id: &str, device_code: &str) -> reqwest::Response {
    s.post_form_from(
        TOKEN,
        &[
            ("grant_type", DEVICE_GRANT),
            ("client_id", client_id),
            ("device_code", device_code),
        ],
        None,
        None,
    )
    .await
}

async fn refresh(s: &TestServer, client_id: &str, token: &str) -> reqwest::Response {
    s.post_form_from(
        TOKEN,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", client_id),
            ("refresh_token", token),
        ],
        None,
        None,
    )
    .await
}

/// The person's answer, posted from the `/device` page without JavaScript.
async fn approve(s: &TestServer, cookie: &str, code: &str, permissions: &[&str]) -> String {
    let mut form = vec![("user_code", code)];
    form.extend(permissions.iter().map(|p| ("permissions[]", *p)));
    let res = s
        .post_console_form(
            cookie,
            &format!("/device?user_code={code}"),
            "approve_device",
            &form,
        )
        .await;
    assert!(res.status().is_redirection(), "{}", res.status());
    location(res.headers())
}

/// A script's first tokens: asked, approved by `cookie`'s person with `permissions`, redeemed.
async fn tokens_for(s: &TestServer, cookie: &str, client_id: &str, permissions: &[&str]) -> Value {
    let started = start_device(s, client_id, &permissions.join(" ")).await;
    let code = started["user_code"].as_str().unwrap();
    assert!(approve(s, cookie, code, permissions)
        .await
        .contains("done=approve_device"));
    let res = poll(s, client_id, started["device_code"].as_str().unwrap()).await;
    assert_eq!(res.status(), 200);
    json(res).await
}

async fn me_with(s: &TestServer, access_token: &str) -> reqwest::Response {
    s.send(
        Method::GET,
        "/api/v1/auth/me",
        &[("authorization", &format!("Bearer {access_token}"))],
        None,
    )
    .await
}

async fn error_of(res: reqwest::Response) -> String {
    assert_eq!(res.status(), 400);
    json(res).await["error"].as_str().unwrap().to_string()
}

async fn a_script_acts_as_its_person_through_real_clients(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let end2end = concat!(env!("CARGO_MANIFEST_DIR"), "/../end2end");
    let mut script = tokio::process::Command::new("node")
        .arg("interop/device.mjs")
        .arg(&s.base)
        .arg("deploy-bot")
        .arg("teams:read tokens:create")
        .current_dir(end2end)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("run node end2end/interop/device.mjs");
    let mut lines = tokio::io::BufReader::new(script.stdout.take().unwrap()).lines();
    let Some(first) = lines.next_line().await.unwrap() else {
        let out = script.wait_with_output().await.unwrap();
        panic!(
            "openid-client failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let asked: Value = serde_json::from_str(&first).unwrap();
    let code = asked["user_code"].as_str().unwrap();
    assert_eq!(
        asked["verification_uri_complete"],
        s.url(&format!("/device?user_code={code}")).as_str()
    );

    // The person sees who asks, from where, for what; they narrow it and approve.
    let page = s
        .get(&format!("/device?user_code={code}"), Some(&owner))
        .await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("deploy-bot"), "{html}");
    assert!(html.contains("127.0.0.1"), "{html}");
    assert!(html.contains(r#"value="tokens:create""#), "{html}");
    approve(&s, &owner, code, &["teams:read"]).await;

    let mut rest = String::new();
    while let Some(line) = lines.next_line().await.unwrap() {
        rest = line;
    }
    let status = script.wait().await.unwrap();
    assert!(status.success(), "the script failed: {rest}");
    let seen: Value = serde_json::from_str(&rest).unwrap();
    let claims = &seen["first"]["payload"];
    assert_eq!(claims["scope"], "teams:read", "narrowed by the person");
    assert_eq!(claims["client_id"], "deploy-bot");
    assert_eq!(claims["iss"], s.base.as_str());
    let owner_id = json(s.get("/api/v1/auth/me", Some(&owner)).await).await["subject"].clone();
    assert_eq!(claims["sub"], owner_id);
    assert_eq!(seen["first"]["expires_in"], 600);
    assert!(
        !claims.to_string().contains("fgr_"),
        "no secret in the claims"
    );
    assert_eq!(seen["me"]["status"], 200);
    assert_eq!(seen["me"]["body"]["auth_kind"], "jwt");
    assert_eq!(
        seen["me"]["body"]["permissions"],
        serde_json::json!(["teams:read"])
    );
    assert_eq!(seen["refreshed"]["rotated"], true);
    assert_eq!(seen["refreshed"]["payload"]["scope"], "teams:read");
    // The spent refresh token replayed: refused, and the whole grant ends with it.
    assert_eq!(seen["replayed"], "invalid_grant");
    assert_eq!(seen["after_replay"], "invalid_grant");
    assert_eq!(seen["me_after_replay"]["status"], 401);
    let actions: Vec<String> = s
        .audit_actions()
        .await
        .into_iter()
        .map(|(a, _, _)| a)
        .collect();
    for action in ["script.approved", "script.refresh_reused", "script.revoked"] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }
}
on_both_databases!(a_script_acts_as_its_person_through_real_clients);

async fn the_device_flow_refuses_what_it_should(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;

    // Malformed requests.
    let res = s
        .post_form_from(DEVICE, &[("scope", "teams:read")], None, None)
        .await;
    assert_eq!(error_of(res).await, "invalid_request");
    let res = s
        .post_form_from(
            DEVICE,
            &[("client_id", "ci"), ("scope", "<script>")],
            None,
            None,
        )
        .await;
    assert_eq!(error_of(res).await, "invalid_scope");
    let res = s
        .post_form_from(
            TOKEN,
            &[("grant_type", "password"), ("client_id", "ci")],
            None,
            None,
        )
        .await;
    assert_eq!(error_of(res).await, "unsupported_grant_type");

    // Waiting, then polling too fast, then another script's name: refused.
    let started = start_device(&s, "ci", "teams:read").await;
    let device_code = started["device_code"].as_str().unwrap();
    assert_eq!(started["interval"], 5);
    assert_eq!(
        error_of(poll(&s, "ci", device_code).await).await,
        "authorization_pending"
    );
    assert_eq!(
        error_of(poll(&s, "ci", device_code).await).await,
        "slow_down"
    );
    assert_eq!(
        error_of(poll(&s, "other", device_code).await).await,
        "invalid_grant"
    );
    assert_eq!(
        error_of(poll(&s, "ci", "not-a-code").await).await,
        "invalid_grant"
    );

    // Denied: the script gets nothing, now or later.
    let code = started["user_code"].as_str().unwrap();
    let res = s
        .post_console_form(&owner, "/device", "deny_device", &[("user_code", code)])
        .await;
    assert!(location(res.headers()).contains("done=deny_device"));
    assert_eq!(
        error_of(poll(&s, "ci", device_code).await).await,
        "access_denied"
    );

    // A mistyped or answered code shows the same refusal.
    for typed in ["BBBB-BBBB", code] {
        let html = s
            .get(&format!("/device?user_code={typed}"), Some(&owner))
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains("device-error"), "{typed}: {html}");
    }

    // A member can give only what they hold.
    let alice = add_member(&s, &owner, "alice@acme.test").await;
    assert_eq!(
        grant(&s, &owner, &alice, "viewer", None).await.status(),
        201
    );
    let a = sign_in(&s, "alice@acme.test").await;
    let started = start_device(&s, "ci", "teams:create").await;
    let code = started["user_code"].as_str().unwrap();
    let html = s
        .get(&format!("/device?user_code={code}"), Some(&a))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("device-not-held"), "{html}");
    assert!(approve(&s, &a, code, &["teams:create"])
        .await
        .contains("error=forbidden"));
    assert!(approve(&s, &a, code, &[]).await.contains("error=invalid"));

    // Her script works while she is a member; removed, its refresh fails and its tokens too.
    let issued = tokens_for(&s, &a, "alice-cli", &["teams:read"]).await;
    let access = issued["access_token"].as_str().unwrap();
    assert_eq!(me_with(&s, access).await.status(), 200);
    // An admin sees her scripts (she may not see anyone's), and ending all her sessions
    // ends her scripts too.
    let other = tokens_for(&s, &a, "alice-cron", &["teams:read"]).await;
    let seen = json(
        s.get(
            &format!("/api/v1/orgs/acme/members/{alice}/scripts"),
            Some(&owner),
        )
        .await,
    )
    .await;
    let names: Vec<&str> = seen
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["client_id"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["alice-cron", "alice-cli"]);
    // The same on the Sessions page, picked with a plain GET form.
    let html = s
        .get(&format!("/sessions?member={alice}"), Some(&owner))
        .await
        .text()
        .await
        .unwrap();
    let listed = html
        .split("data-testid=\"member-scripts\"")
        .nth(1)
        .expect("listed");
    assert!(
        listed.contains("alice-cron") && listed.contains("alice-cli"),
        "{html}"
    );
    let owner_id = json(s.get("/api/v1/auth/me", Some(&owner)).await).await["subject"]
        .as_str()
        .unwrap()
        .to_string();
    let res = s
        .get(
            &format!("/api/v1/orgs/acme/members/{owner_id}/scripts"),
            Some(&a),
        )
        .await;
    assert_eq!(res.status(), 403);
    let res = s
        .api(
            Method::DELETE,
            &format!("/api/v1/orgs/acme/members/{alice}/sessions"),
            &owner,
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    let refused = refresh(&s, "alice-cron", other["refresh_token"].as_str().unwrap()).await;
    assert_eq!(error_of(refused).await, "invalid_grant");
    assert_eq!(
        me_with(&s, other["access_token"].as_str().unwrap())
            .await
            .status(),
        401
    );
    let listed = s
        .api(
            Method::DELETE,
            &format!("/api/v1/orgs/acme/members/{alice}"),
            &owner,
            None,
        )
        .await;
    assert_eq!(listed.status(), 204);
    assert_eq!(me_with(&s, access).await.status(), 401);
    let refused = refresh(&s, "alice-cli", issued["refresh_token"].as_str().unwrap()).await;
    assert_eq!(error_of(refused).await, "invalid_grant");

    // Revoked from the Sessions page (API here): refused at once.
    let issued = tokens_for(&s, &owner, "owner-cli", &["teams:read"]).await;
    let access = issued["access_token"].as_str().unwrap();
    let scripts = json(s.get("/api/v1/auth/scripts", Some(&owner)).await).await;
    assert_eq!(scripts[0]["client_id"], "owner-cli");
    let id = scripts[0]["id"].as_str().unwrap();
    let html = s
        .get(&format!("/confirm?what=script&id={id}"), Some(&owner))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Revoke the script owner-cli"), "{html}");
    let res = s
        .api(
            Method::DELETE,
            &format!("/api/v1/auth/scripts/{id}"),
            &owner,
            None,
        )
        .await;
    assert_eq!(res.status(), 204);
    assert_eq!(me_with(&s, access).await.status(), 401);
    let refused = refresh(&s, "owner-cli", issued["refresh_token"].as_str().unwrap()).await;
    assert_eq!(error_of(refused).await, "invalid_grant");

    // A changed byte anywhere in a JWT is refused like any bad token.
    let issued = tokens_for(&s, &owner, "owner-cli", &["teams:read"]).await;
    let access = issued["access_token"].as_str().unwrap().to_string();
    let mut tampered = access.clone().into_bytes();
    let last = tampered.len() - 2;
    tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
    let res = me_with(&s, &String::from_utf8(tampered).unwrap()).await;
    assert_eq!(res.status(), 401);
    assert_eq!(me_with(&s, &access).await.status(), 200);
}
on_both_databases!(the_device_flow_refuses_what_it_should);

/// After `foxgate keys rotate`, tokens signed with the old key keep working until they expire
/// (the key stays published), and new ones are signed with the new key.
async fn rotated_keys_keep_old_tokens_valid(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let before = tokens_for(&s, &owner, "cli", &["teams:read"]).await;
    let old = before["access_token"].as_str().unwrap();
    let kid = |token: &str| foxgate_core::jwt::kid_of(token).unwrap();
    let new_kid = foxgate_core::service::signing::rotate(&s.state.services)
        .await
        .unwrap();
    assert_ne!(kid(old), new_kid);
    let published = json(s.get("/.well-known/jwks.json", None).await).await;
    let kids: Vec<&str> = published["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap())
        .collect();
    assert!(
        kids.contains(&kid(old).as_str()) && kids.contains(&new_kid.as_str()),
        "{kids:?}"
    );
    assert_eq!(me_with(&s, old).await.status(), 200);
    // A service of the org introspects it (RFC 7662) like any token.
    let service = crate::tokens::minted(
        &s,
        &owner,
        serde_json::json!({"name": "svc", "roles": ["admin"]}),
    )
    .await;
    let service = service["token"].as_str().unwrap();
    let said = crate::introspection::answer(&s, service, old).await;
    assert_eq!(said["active"], true, "{said}");
    assert_eq!(said["client_id"], "cli");
    assert_eq!(said["auth_kind"], "jwt");
    assert_eq!(said["scope"], "teams:read");
    let said = crate::introspection::answer(&s, service, &old.replace('.', "x.")).await;
    assert_eq!(said, serde_json::json!({"active": false}));
    let res = refresh(&s, "cli", before["refresh_token"].as_str().unwrap()).await;
    assert_eq!(res.status(), 200);
    let after = json(res).await;
    assert_eq!(kid(after["access_token"].as_str().unwrap()), new_kid);

    let metadata = json(s.get("/.well-known/oauth-authorization-server", None).await).await;
    assert_eq!(
        metadata["jwks_uri"],
        s.url("/.well-known/jwks.json").as_str()
    );
    assert_eq!(
        metadata["device_authorization_endpoint"],
        s.url(DEVICE).as_str()
    );
    assert_eq!(metadata["token_endpoint"], s.url(TOKEN).as_str());
}
on_both_databases!(rotated_keys_keep_old_tokens_valid);

/// Device requests cost a row each until they expire: one address cannot make unbounded
/// numbers of them.
async fn device_requests_are_limited_per_address(backend: Backend) {
    let s = TestServer::start(backend).await;
    let mut limited = None;
    for i in 0..40 {
        let res = s
            .post_form_from(DEVICE, &[("client_id", "flood")], None, None)
            .await;
        if res.status() == 429 {
            assert!(res.headers().contains_key("retry-after"));
            assert_eq!(json(res).await["error"], "slow_down");
            limited = Some(i);
            break;
        }
        assert_eq!(res.status(), 200);
    }
    assert_eq!(limited, Some(30));
}
on_both_databases!(device_requests_are_limited_per_address);

/// Each org chooses how long a script grant lives unused and at most; nonsense is refused.
async fn script_lifetimes_follow_the_org(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let patch = |body: Value| s.api(Method::PATCH, "/api/v1/orgs/acme", &owner, Some(body));
    for bad in [
        serde_json::json!({"script_idle_days": 0}),
        serde_json::json!({"script_max_days": 5000}),
        serde_json::json!({"script_idle_days": 10, "script_max_days": 5}),
    ] {
        let res = patch(bad.clone()).await;
        assert_eq!(res.status(), 422, "{bad}");
        assert!(json(res).await["error"]["field"]
            .as_str()
            .unwrap()
            .starts_with("script_"));
    }
    let res = patch(serde_json::json!({"script_idle_days": 1, "script_max_days": 2})).await;
    assert_eq!(res.status(), 200);
    let org = json(res).await;
    assert_eq!(
        (
            org["script_idle_days"].clone(),
            org["script_max_days"].clone()
        ),
        (1.into(), 2.into())
    );
    let before = foxgate_core::store::now_ms();
    tokens_for(&s, &owner, "short", &["teams:read"]).await;
    let scripts = json(s.get("/api/v1/auth/scripts", Some(&owner)).await).await;
    let ends = scripts[0]["expires_at"].as_i64().unwrap();
    let two_days = 2 * foxgate_core::store::DAY_MS;
    assert!(
        (before + two_days..before + two_days + 60_000).contains(&ends),
        "{ends}"
    );
    let events = s.audit_actions().await;
    assert!(events.iter().any(|(a, _, _)| a == "org.updated"));
    let res = patch(serde_json::json!({"script_idle_days": null, "script_max_days": null})).await;
    assert_eq!(json(res).await["script_max_days"], Value::Null);

    // The dashboard's form, without JavaScript.
    let res = s
        .post_console_form(
            &owner,
            "/",
            "set_script_lifetimes",
            &[("idle_days", "7"), ("max_days", "")],
        )
        .await;
    assert!(location(res.headers()).contains("done=set_script_lifetimes"));
    let org = json(s.get("/api/v1/orgs/acme", Some(&owner)).await).await;
    assert_eq!(
        (
            org["script_idle_days"].clone(),
            org["script_max_days"].clone()
        ),
        (7.into(), Value::Null)
    );
    let html = s.get("/", Some(&owner)).await.text().await.unwrap();
    assert!(html.contains(r#"value="7""#), "{html}");

    // Approved but never collected by its script: nothing to show or revoke.
    let started = start_device(&s, "never-polled", "teams:read").await;
    approve(
        &s,
        &owner,
        started["user_code"].as_str().unwrap(),
        &["teams:read"],
    )
    .await;
    let scripts = json(s.get("/api/v1/auth/scripts", Some(&owner)).await).await;
    let names: Vec<&str> = scripts
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["client_id"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["short"]);
}
on_both_databases!(script_lifetimes_follow_the_org);

/// The README's Python example (`docs/examples/script.py`, standard library only) works as
/// written: approved once, it calls the API and refreshes its token (here before every call).
async fn the_python_example_runs(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/examples/script.py");
    let mut script = tokio::process::Command::new("python3")
        .arg(example)
        .env("FOXGATE", &s.base)
        .env("REFRESH_MARGIN", "1000")
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("run python3 docs/examples/script.py");
    let mut lines = tokio::io::BufReader::new(script.stdout.take().unwrap()).lines();
    let first = lines.next_line().await.unwrap().expect("the script asks");
    let code = first.rsplit("user_code=").next().unwrap().to_string();
    approve(&s, &owner, &code, &["teams:read"]).await;
    let mut answers = Vec::new();
    while let Some(line) = lines.next_line().await.unwrap() {
        answers.push(serde_json::from_str::<Value>(&line).unwrap());
    }
    assert!(script.wait().await.unwrap().success());
    assert_eq!(answers.len(), 2);
    for me in &answers {
        assert_eq!(me["auth_kind"], "jwt");
        assert_eq!(me["permissions"], serde_json::json!(["teams:read"]));
    }
    let scripts = json(s.get("/api/v1/auth/scripts", Some(&owner)).await).await;
    assert_eq!(scripts[0]["client_id"], "inventory-script");
    assert!(scripts[0]["last_refreshed_at"].is_i64(), "{scripts}");
}
on_both_databases!(the_python_example_runs);

/// A script refreshing in a loop cannot grow the table: a grant keeps its most recent spent
/// refresh tokens (to recognise a replay) and forgets older ones.
async fn spent_refresh_tokens_are_bounded(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let mut issued = tokens_for(&s, &owner, "looper", &["teams:read"]).await;
    let mut spent = Vec::new();
    for _ in 0..60 {
        let current = issued["refresh_token"].as_str().unwrap().to_string();
        let res = refresh(&s, "looper", &current).await;
        assert_eq!(res.status(), 200);
        issued = json(res).await;
        spent.push(current);
    }
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM refresh_tokens")
        .fetch_one(s.state.services.db.pool())
        .await
        .unwrap();
    let kept = foxgate_core::service::scripts::SPENT_KEPT;
    assert!(stored <= kept + 1, "{stored} stored");
    // A recently spent one replayed still ends the grant.
    let replayed = refresh(&s, "looper", &spent[spent.len() - 2]).await;
    assert_eq!(error_of(replayed).await, "invalid_grant");
    let after = refresh(&s, "looper", issued["refresh_token"].as_str().unwrap()).await;
    assert_eq!(error_of(after).await, "invalid_grant");
}
on_both_databases!(spent_refresh_tokens_are_bounded);
