//! The attacks of the hardening review, each attempted against a real Foxgate on both
//! databases: a cross-org account takeover through an `entra` provider, org switching around
//! a target org's SSO policy, identity providers on internal addresses, abuse of anonymous
//! paths (huge inputs, callback floods, stream floods), quietly shortening the audit log,
//! and session leftovers.

use crate::events::{guard_off, sql, verify};
use crate::harness::{
    error_code, json, location, member_with_role, session_cookie, Backend, TestServer, OWNER_EMAIL,
    OWNER_PASSWORD,
};
use crate::idp::{idp, Browser, Shape};
use crate::on_both_databases;
use reqwest::Method;
use serde_json::{json, Value};

fn providers(org: &str) -> String {
    format!("/api/v1/orgs/{org}/sso/providers")
}

/// Adds a provider to `org` (the caller's current org) with this test server's IdP client.
async fn add_provider(
    s: &TestServer,
    cookie: &str,
    org: &str,
    client: &(String, String),
    mut settings: Value,
) -> reqwest::Response {
    settings["client_id"] = json!(client.0);
    settings["client_secret"] = json!(client.1);
    s.api(Method::POST, &providers(org), cookie, Some(settings))
        .await
}

/// Adds a provider backed by the test IdP (a fresh client of it) to `org`; its id.
async fn idp_provider(s: &TestServer, cookie: &str, org: &str, settings: Value) -> String {
    let client = idp().client_for(s).await;
    let res = add_provider(s, cookie, org, &client, settings).await;
    assert_eq!(res.status(), 201);
    json(res).await["id"].as_str().unwrap().to_string()
}

/// Creates org `globex` as the owner and moves the owner's session into it.
pub(crate) async fn globex(s: &TestServer, owner: &str) {
    let res = s
        .api(
            Method::POST,
            "/api/v1/orgs",
            owner,
            Some(json!({"name": "Globex", "slug": "globex"})),
        )
        .await;
    assert_eq!(res.status(), 201);
    switch(s, owner, "globex", "/").await;
}

/// Switches the session's org; `expected` is where the answer sends the browser.
pub(crate) async fn switch(s: &TestServer, cookie: &str, org: &str, expected: &str) {
    let res = s
        .post_form("/orgs/switch", &[("org", org)], Some(cookie))
        .await;
    assert_eq!(location(res.headers()), expected, "switch to {org}");
}

async fn me(s: &TestServer, cookie: &str) -> Value {
    json(s.get("/api/v1/auth/me", Some(cookie)).await).await
}

async fn scalar(s: &TestServer, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(s.state.services.db.pool())
        .await
        .unwrap()
}

/// Issue 12 §1: the admin of another org runs an IdP that asserts Carol's Entra `tid` and
/// `oid`. Before, Entra accounts were keyed on (`tid`, `oid`) alone: Mallory became Carol and
/// switched into Carol's org. Now the key carries the issuer, so she is only herself.
async fn an_entra_provider_of_another_issuer_cannot_take_over_an_account(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    idp_provider(
        &s,
        &owner,
        "acme",
        json!({"kind": "entra", "issuer": idp().issuer(Shape::EntraTenant), "default_role": "viewer"}),
    )
    .await;
    let tenant = idp().tenant.clone();
    let oid = uuid::Uuid::now_v7().to_string();
    let carol = format!("carol-12-{backend:?}");
    idp()
        .user(
            &carol,
            json!({"tid": tenant, "oid": oid, "preferred_username": "carol@contoso.test"}),
        )
        .await;
    let mut b = Browser::new();
    let res = b.sign_in(&s, &[("org", "acme")], &carol).await;
    assert_eq!(location(res.headers()), "/");
    let carol_id = me(&s, &b.cookies()).await["subject"].clone();
    assert!(carol_id.is_string());

    // Org B, and its admin's own IdP under kind `entra`, speaking Carol's tid and oid.
    globex(&s, &owner).await;
    // (Loopback IdPs are allowed in this test server.)
    idp_provider(
        &s,
        &owner,
        "globex",
        json!({"kind": "entra", "issuer": idp().issuer(Shape::Rogue), "default_role": "viewer"}),
    )
    .await;
    let mallory = format!("mallory-12-{backend:?}");
    idp()
        .user(
            &mallory,
            json!({"tid": tenant, "oid": oid, "preferred_username": "mallory@evil.test"}),
        )
        .await;
    let mut m = Browser::new();
    let res = m.sign_in(&s, &[("org", "globex")], &mallory).await;
    assert_eq!(location(res.headers()), "/");
    let who = me(&s, &m.cookies()).await;
    assert_eq!(who["email"], "mallory@evil.test", "Mallory is herself");
    assert_ne!(who["subject"], carol_id, "not Carol's account");
    let res = m
        .post_form(&s.url("/orgs/switch"), &s.base, &[("org", "acme")])
        .await;
    assert_eq!(res.status(), 404, "and Carol's org stays out of reach");
    assert_eq!(
        scalar(&s, "SELECT COUNT(*) FROM user_identities").await,
        2,
        "two identities: Carol's and Mallory's, under different issuers"
    );
}
on_both_databases!(an_entra_provider_of_another_issuer_cannot_take_over_an_account);

/// Issue 12 §1 and §6 in production (no loopback setting): `entra` takes Microsoft's issuers
/// only, no kind takes an internal address, and a stored provider is checked again at sign-in.
async fn production_refuses_untrusted_and_internal_issuers(backend: Backend) {
    let s = TestServer::start_configured(backend, |c| c.dev_allow_loopback_idp = false).await;
    let owner = s.signed_in_owner().await;
    let client = ("client".to_string(), "secret".to_string());
    let tenant = idp().tenant.clone();
    let refused = [
        ("entra", idp().issuer(Shape::EntraTenant)),
        ("entra", format!("https://evil.example/{tenant}/v2.0")),
        (
            "entra",
            format!("https://login.microsoftonline.com.evil.example/{tenant}/v2.0"),
        ),
        ("okta", idp().issuer(Shape::Okta)),
        ("generic", "https://10.1.2.3/oauth2/default".to_string()),
        ("generic", "https://169.254.169.254/latest".to_string()),
        ("generic", "https://[::ffff:127.0.0.1]/x".to_string()),
        ("okta", "http://acme.okta.com/oauth2/default".to_string()),
    ];
    for (kind, issuer) in refused {
        let res = add_provider(
            &s,
            &owner,
            "acme",
            &client,
            json!({"kind": kind, "issuer": issuer}),
        )
        .await;
        assert_eq!(res.status(), 422, "{kind} {issuer}");
        assert_eq!(json(res).await["error"]["field"], "issuer");
    }
    let res = add_provider(
        &s,
        &owner,
        "acme",
        &client,
        json!({"kind": "entra", "issuer": format!("https://login.microsoftonline.com/{tenant}/v2.0"),
               "default_role": "viewer"}),
    )
    .await;
    assert_eq!(res.status(), 201, "Microsoft's own issuer");
    let id = json(res).await["id"].as_str().unwrap().to_string();

    // A row changed behind Foxgate's back is still refused when someone signs in.
    sqlx::query("UPDATE identity_providers SET issuer = $1 WHERE id = $2")
        .bind(format!("https://evil.example/{tenant}/v2.0"))
        .bind(&id)
        .execute(s.state.services.db.pool())
        .await
        .unwrap();
    let res = s.post_form("/sso/start", &[("org", "acme")], None).await;
    assert_eq!(location(res.headers()), "/login?error=sso_unavailable");
    let res = s
        .api(
            Method::POST,
            &format!("{}/{id}/test", providers("acme")),
            &owner,
            None,
        )
        .await;
    let report = json(res).await;
    assert_eq!(report["ok"], false);
    let detail = report["checks"][0]["detail"].as_str().unwrap().to_string();
    assert!(detail.contains("Microsoft"), "{detail}");
}
on_both_databases!(production_refuses_untrusted_and_internal_issuers);

/// Issue 12 §2: a session may enter an org that requires SSO only through one of that org's
/// providers (or as its owner); otherwise the browser goes to that org's IdP. Every switch
/// is an `org.switched` event in the target org. Also §1: one IdP account reached through two
/// orgs' providers on the same issuer is one person, member of both.
async fn switching_obeys_the_target_orgs_sign_in_policy(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let okta =
        json!({"kind": "okta", "issuer": idp().issuer(Shape::Okta), "default_role": "member"});
    idp_provider(&s, &owner, "acme", okta.clone()).await;
    globex(&s, &owner).await;
    idp_provider(&s, &owner, "globex", okta).await;
    let res = s
        .api(
            Method::PATCH,
            "/api/v1/orgs/globex",
            &owner,
            Some(json!({"require_sso": true})),
        )
        .await;
    assert_eq!(res.status(), 200);

    let sam = format!("sam-12-{backend:?}");
    let email = format!("sam-{backend:?}@acme.test").to_lowercase();
    idp()
        .user(
            &sam,
            json!({"email": email, "email_verified": true, "name": "Sam"}),
        )
        .await;
    let mut b = Browser::new();
    let res = b.sign_in(&s, &[("org", "globex")], &sam).await;
    assert_eq!(location(res.headers()), "/");
    let res = b.sign_in(&s, &[("org", "acme")], &sam).await;
    assert_eq!(location(res.headers()), "/");
    let acme_id = me(&s, &b.cookies()).await["org_id"].clone();
    assert_eq!(
        scalar(&s, "SELECT COUNT(*) FROM user_identities").await,
        1,
        "the same (issuer, sub) through two orgs is one person"
    );

    // Sam's session came through acme's provider: globex wants its own.
    let res = b
        .post_form(&s.url("/orgs/switch"), &s.base, &[("org", "globex")])
        .await;
    assert_eq!(res.status(), 303);
    let to = location(res.headers());
    assert!(to.starts_with(&idp().origin), "sent to globex's IdP: {to}");
    assert_eq!(
        me(&s, &b.cookies()).await["org_id"],
        acme_id,
        "still in acme"
    );
    let callback = b.at_idp(&s, to, &sam).await;
    let res = b.get(&callback).await;
    assert_eq!(location(res.headers()), "/");
    let globex_id = me(&s, &b.cookies()).await["org_id"].clone();
    assert_ne!(globex_id, acme_id, "now in globex, through its IdP");

    // Through globex's IdP, back to acme (no policy there) is a plain switch.
    let res = b
        .post_form(&s.url("/orgs/switch"), &s.base, &[("org", "acme")])
        .await;
    assert_eq!(location(res.headers()), "/");
    // The owner keeps the password way in.
    switch(&s, &owner, "globex", "/").await;

    let events: Vec<(String, String)> = sqlx::query_as(
        "SELECT e.outcome, o.slug FROM audit_events e JOIN orgs o ON o.id = e.org_id \
         WHERE e.action = 'org.switched' ORDER BY e.id",
    )
    .fetch_all(s.state.services.db.pool())
    .await
    .unwrap();
    let expected: Vec<(String, String)> = [
        ("success", "globex"),
        ("failure", "globex"),
        ("success", "acme"),
        ("success", "globex"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(events, expected);
}
on_both_databases!(switching_obeys_the_target_orgs_sign_in_policy);

/// Issue 12 §5: inputs longer than anything real are refused before any work, naming the
/// field; a callback flood writes one event per address a minute; live streams are capped.
async fn anonymous_paths_are_bounded(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let long = format!("{}@acme.test", "a".repeat(300));
    let res = s.login(&long, "whatever-password", None).await;
    assert_eq!(
        location(res.headers()),
        "/login?error=invalid_input&field=email"
    );
    let res = s
        .api(
            Method::POST,
            "/api/v1/orgs/acme/members",
            &owner,
            Some(json!({"email": long, "password": "member-password-1"})),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(json(res).await["error"]["field"], "email");
    for (body, field) in [
        (
            json!({"slug": "bidi", "name": "evil\u{202E}txt.exe"}),
            "name",
        ),
        (json!({"slug": "ctl", "name": "a\u{0007}b"}), "name"),
    ] {
        let res = s
            .api(Method::POST, "/api/v1/orgs/acme/teams", &owner, Some(body))
            .await;
        assert_eq!(res.status(), 422);
        assert_eq!(json(res).await["error"]["field"], field);
    }

    let before = scalar(&s, "SELECT COUNT(*) FROM audit_events").await;
    for i in 0..25 {
        let res = s
            .get(&format!("/sso/callback?state=forged{i}&code=x"), None)
            .await;
        assert_eq!(
            location(res.headers()),
            "/login?error=sso&reason=state_invalid"
        );
    }
    assert_eq!(
        scalar(&s, "SELECT COUNT(*) FROM audit_events").await - before,
        1,
        "one event for the address this minute, not 25"
    );

    // Five live streams per principal; the sixth is refused until one closes.
    let stream = || {
        s.client
            .get(s.url("/api/v1/orgs/acme/events/stream"))
            .header("cookie", &owner)
            .send()
    };
    let mut open = Vec::new();
    for _ in 0..5 {
        let res = stream().await.unwrap();
        assert_eq!(res.status(), 200);
        open.push(res);
    }
    let res = stream().await.unwrap();
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    drop(open.pop());
    let mut freed = false;
    for _ in 0..50 {
        let res = stream().await.unwrap();
        if res.status() == 200 {
            freed = true;
            open.push(res);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(freed, "a closed stream frees its place");

    // And a ceiling for the whole server.
    let small = TestServer::start_configured(backend, |c| c.max_live_streams = 2).await;
    let owner = small.signed_in_owner().await;
    let mut open = Vec::new();
    for expected in [200, 200, 429] {
        let res = small
            .client
            .get(small.url("/api/v1/orgs/acme/events/stream"))
            .header("cookie", &owner)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), expected);
        open.push(res);
    }
}
on_both_databases!(anonymous_paths_are_bounded);

/// Issue 12 §5: hundreds of sign-ins, SSO starts and bearer tokens with distinct 1 MB
/// "emails" and tokens leave the process's resident memory within 50 MB of where it was.
/// Foxgate runs as its own process here, so nothing else in the test run is counted.
async fn huge_distinct_inputs_do_not_grow_memory(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let database_url = crate::harness::fresh_database(backend, dir.path()).await;
    let server = crate::process::Foxgate::start(dir.path(), &database_url, &[]).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    // Warm up: the first requests allocate what every request shares.
    for _ in 0..3 {
        client
            .post(server.url("/login"))
            .header("origin", &server.base)
            .form(&[("email", "warm@up.test"), ("password", "x")])
            .send()
            .await
            .unwrap();
    }
    let before = server.resident_kb();
    let mb = "a".repeat(1 << 20);
    for i in 0..300 {
        let email = format!("{i}{mb}@acme.test");
        let res = client
            .post(server.url("/login"))
            .header("origin", &server.base)
            .form(&[("email", email.as_str()), ("password", "x")])
            .send()
            .await
            .unwrap();
        assert_eq!(
            location(res.headers()),
            "/login?error=invalid_input&field=email"
        );
        if i % 3 == 0 {
            let res = client
                .post(server.url("/sso/start"))
                .header("origin", &server.base)
                .form(&[("email", email.as_str())])
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 303);
            let res = client
                .get(server.url("/api/v1/auth/me"))
                .header("authorization", format!("Bearer fgt_{i}{}", &mb[..8000]))
                .send()
                .await
                .unwrap();
            assert!(matches!(res.status().as_u16(), 401 | 429));
        }
    }
    let grown_mb = (server.resident_kb() as i64 - before as i64) / 1024;
    assert!(grown_mb < 50, "resident memory grew by {grown_mb} MB");
}
on_both_databases!(huge_distinct_inputs_do_not_grow_memory);

/// Issue 12 §7: lowering retention needs an owner, waits 7 days and records both values; the
/// instance floor bounds every org; a chain head rewound over deleted events is caught.
async fn the_audit_log_cannot_be_quietly_shortened(backend: Backend) {
    let s = TestServer::start_configured(backend, |c| c.audit_min_retention_days = 30).await;
    let owner = s.signed_in_owner().await;
    let patch = |cookie: String, days: i64| {
        let s = &s;
        async move {
            s.api(
                Method::PATCH,
                "/api/v1/orgs/acme",
                &cookie,
                Some(json!({"audit_retention_days": days})),
            )
            .await
        }
    };
    let res = patch(owner.clone(), 10).await;
    assert_eq!(res.status(), 422, "below the instance's floor");
    let res = patch(owner.clone(), 60).await;
    assert_eq!(
        json(res).await["audit_retention_days"],
        60,
        "raising is at once"
    );

    let admin = member_with_role(&s, &owner, "ada@acme.test", "admin", None).await;
    let res = patch(admin, 40).await;
    assert_eq!(
        error_code(res).await,
        "forbidden",
        "an Org Admin cannot shorten it"
    );

    let res = patch(owner.clone(), 40).await;
    let org = json(res).await;
    assert_eq!(org["audit_retention_days"], 60, "still 60 for now");
    assert_eq!(org["audit_retention_pending"]["days"], 40);
    let effective_at = org["audit_retention_pending"]["effective_at"]
        .as_i64()
        .unwrap();
    let week = 7 * 86_400_000;
    assert!((effective_at - foxgate_core::store::now_ms() - week).abs() < 60_000);
    let snapshot: String = sqlx::query_scalar(
        "SELECT snapshot FROM audit_events WHERE action = 'org.updated' ORDER BY id DESC",
    )
    .fetch_one(s.state.services.db.pool())
    .await
    .unwrap();
    let change: Value = serde_json::from_str(&snapshot).unwrap();
    assert_eq!(change["audit_retention_days"]["old"], 60);
    assert_eq!(change["audit_retention_days"]["new"], 40);

    // An event 50 days old: kept under 60 days, purged once the 40 days are in force.
    let org_id = org["id"].as_str().unwrap().to_string();
    let day = foxgate_core::store::DAY_MS;
    let now = foxgate_core::store::now_ms();
    sqlx::query(
        "INSERT INTO audit_events (id, created_at, org_id, actor_kind, action, outcome) \
         VALUES ($1, $2, $3, 'user', 'test.old', 'success')",
    )
    .bind(foxgate_core::store::new_id())
    .bind(now - 50 * day)
    .bind(&org_id)
    .execute(s.state.services.db.pool())
    .await
    .unwrap();
    let old = "SELECT COUNT(*) FROM audit_events WHERE action = 'test.old'";
    foxgate_core::service::events::purge_as_of(&s.state.services, now)
        .await
        .unwrap();
    assert_eq!(scalar(&s, old).await, 1);
    foxgate_core::service::events::purge_as_of(&s.state.services, now + 8 * day)
        .await
        .unwrap();
    assert_eq!(scalar(&s, old).await, 0);

    // Delete the newest event and rewind the head to the one before: the head's signature
    // no longer matches.
    assert_eq!(verify(&s).await, None);
    guard_off(&s, backend).await;
    let (seq, hash): (i64, String) = sqlx::query_as(
        "SELECT chain_seq, hash FROM audit_events WHERE org_id = $1 AND chain_seq IS NOT NULL \
         ORDER BY chain_seq DESC LIMIT 1 OFFSET 1",
    )
    .bind(&org_id)
    .fetch_one(s.state.services.db.pool())
    .await
    .unwrap();
    sql(
        &s,
        &[
            &format!("DELETE FROM audit_events WHERE org_id = '{org_id}' AND chain_seq > {seq}"),
            &format!(
                "UPDATE audit_chain SET seq = {seq}, hash = '{hash}' WHERE chain = '{org_id}'"
            ),
        ],
    )
    .await;
    let broken = verify(&s).await.expect("a rewound head is caught");
    assert!(broken.contains("not signed"), "{broken}");
}
on_both_databases!(the_audit_log_cannot_be_quietly_shortened);

/// Issue 12 §8: a deleted session stays deleted; sign-in starts from an empty session; a
/// secret flashed for a page without JavaScript is sealed; the SQLite file is the owner's.
async fn sessions_and_secrets_leave_nothing_behind(backend: Backend) {
    use tower_sessions::session::{Id, Record};
    use tower_sessions::SessionStore;
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;

    // An in-flight request saving a session that sign-out deleted does not bring it back.
    let store = &s.state.sessions;
    let mut record = Record {
        id: Id::default(),
        data: Default::default(),
        expiry_date: time::OffsetDateTime::now_utc() + time::Duration::hours(1),
    };
    store.create(&mut record).await.unwrap();
    store.delete(&record.id).await.unwrap();
    record.data.insert("user_id".into(), json!("someone"));
    store.save(&record).await.unwrap();
    assert!(store.load(&record.id).await.unwrap().is_none());

    // A browser that came through SSO, then signs in with a password: nothing of the first
    // sign-in (its IdP, its ID token) is in the new session.
    idp_provider(
        &s,
        &owner,
        "acme",
        json!({"kind": "okta", "issuer": idp().issuer(Shape::Okta), "default_role": "viewer"}),
    )
    .await;
    let pat = format!("pat-12-{backend:?}");
    idp()
        .user(
            &pat,
            json!({"email": format!("pat-{backend:?}@acme.test").to_lowercase(), "email_verified": true}),
        )
        .await;
    let mut b = Browser::new();
    let res = b.sign_in(&s, &[("org", "acme")], &pat).await;
    assert_eq!(location(res.headers()), "/");
    let res = b
        .post_form(
            &s.url("/login"),
            &s.base,
            &[("email", OWNER_EMAIL), ("password", OWNER_PASSWORD)],
        )
        .await;
    assert_eq!(location(res.headers()), "/");
    let cookie = session_cookie(res.headers()).unwrap();
    let data = session_data(&s, &cookie).await;
    assert!(
        !data.contains("sso_provider") && !data.contains("id_token"),
        "{data}"
    );

    // Minting without JavaScript keeps the secret for the next page, sealed.
    let form = [
        ("name", "CI"),
        ("kind", "org"),
        ("roles[0]", "admin"),
        ("expires", "30"),
    ];
    let res = s
        .post_console_form(&owner, "/tokens", "create_token", &form)
        .await;
    assert!(res.status().is_redirection(), "{}", res.status());
    let data = session_data(&s, &owner).await;
    assert!(data.contains("new_token"), "{data}");
    assert!(
        !data.contains("fga_"),
        "the secret is not in the session row"
    );
    let page = s.get("/tokens", Some(&owner)).await.text().await.unwrap();
    assert!(page.contains("fga_"), "the next page shows it once");

    if let Backend::Sqlite = backend {
        use std::os::unix::fs::PermissionsExt;
        for file in ["foxgate.db", "foxgate.db-wal"] {
            let mode = std::fs::metadata(s.data_dir().join(file))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{file}");
        }
    }
}
on_both_databases!(sessions_and_secrets_leave_nothing_behind);

/// The stored data of the session a `name=value` cookie names.
async fn session_data(s: &TestServer, cookie: &str) -> String {
    let value = cookie.split_once('=').unwrap().1;
    let id: tower_sessions::session::Id = value.parse().unwrap();
    sqlx::query_scalar("SELECT data FROM sessions WHERE id = $1")
        .bind(s.state.sessions.row_id(&id))
        .fetch_one(s.state.services.db.pool())
        .await
        .unwrap()
}

/// Issue 12 §6: an IdP's answers are read up to 256 KB, and a failing discovery is not
/// asked again on every sign-in attempt. The "IdP" is a small HTTP server of this test.
async fn identity_provider_answers_are_bounded(backend: Backend) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    let idp_app = axum::Router::new()
        .route(
            "/big/.well-known/openid-configuration",
            axum::routing::get(|| async { format!("{{\"pad\":\"{}\"}}", "x".repeat(300 * 1024)) }),
        )
        .route(
            "/down/.well-known/openid-configuration",
            axum::routing::get(move || {
                counter.fetch_add(1, Ordering::SeqCst);
                async { (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "down") }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, idp_app).await.unwrap() });

    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let client = ("client".to_string(), "secret".to_string());
    let mut ids = Vec::new();
    for path in ["big", "down"] {
        let res = add_provider(
            &s,
            &owner,
            "acme",
            &client,
            json!({"kind": "generic", "name": path, "issuer": format!("{origin}/{path}"), "default_role": "viewer"}),
        )
        .await;
        assert_eq!(res.status(), 201);
        ids.push(json(res).await["id"].as_str().unwrap().to_string());
    }
    let report = json(
        s.api(
            Method::POST,
            &format!("{}/{}/test", providers("acme"), ids[0]),
            &owner,
            None,
        )
        .await,
    )
    .await;
    let detail = report["checks"][0]["detail"].as_str().unwrap();
    assert!(detail.contains("larger than 256 KB"), "{detail}");
    assert!(!detail.contains("xxxx"), "no raw body in the report");

    for _ in 0..3 {
        let res = s
            .post_form(
                "/sso/start",
                &[("org", "acme"), ("provider", &ids[1])],
                None,
            )
            .await;
        assert_eq!(location(res.headers()), "/login?error=sso_unavailable");
    }
    assert_eq!(
        asked.load(Ordering::SeqCst),
        1,
        "a failed discovery is remembered for a while"
    );
}
on_both_databases!(identity_provider_answers_are_bounded);
