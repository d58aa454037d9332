//! Local sign-in, sessions, sign-out, `/api/v1/auth/me`, and the audit events they write.

use crate::harness::{
    json, location, session_cookie, session_set_cookie, Backend, TestServer, OWNER_EMAIL,
    OWNER_PASSWORD,
};
use crate::on_both_databases;

async fn me_is_401_anonymous_and_describes_the_signed_in_owner(backend: Backend) {
    let s = TestServer::start(backend).await;
    let anonymous = s.get("/api/v1/auth/me", None).await;
    assert_eq!(anonymous.status(), 401);
    let body = json(anonymous).await;
    assert_eq!(body["error"]["code"], "unauthorized");
    assert!(body["error"]["message"].is_string());

    let cookie = s.signed_in_owner().await;
    let me = json(s.get("/api/v1/auth/me", Some(&cookie)).await).await;
    assert_eq!(me["role"], "owner");
    assert_eq!(me["auth_kind"], "session");
    assert_eq!(me["email"], OWNER_EMAIL);
    assert_eq!(me["team_id"], serde_json::Value::Null);
    assert_eq!(me["can_write"], true);
    assert!(me["org_id"].as_str().is_some_and(|id| !id.is_empty()));
    assert!(me["subject"].as_str().is_some_and(|id| !id.is_empty()));
    let permissions: Vec<&str> = me["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert!(
        permissions.contains(&"org:delete") && permissions.contains(&"teams:create"),
        "{permissions:?}"
    );
}
on_both_databases!(me_is_401_anonymous_and_describes_the_signed_in_owner);

async fn wrong_password_and_unknown_email_answer_identically(backend: Backend) {
    let s = TestServer::start(backend).await;
    assert_eq!(s.complete_setup().await.status(), 303);
    let wrong = s.login(OWNER_EMAIL, "not-the-password!!", None).await;
    let unknown = s
        .login("nobody@acme.test", "not-the-password!!", None)
        .await;
    assert_eq!(wrong.status(), 303);
    assert_eq!(wrong.status(), unknown.status());
    // The same refusal; each comes back with what was typed, so it can be corrected.
    assert_eq!(
        location(wrong.headers()),
        "/login?error=invalid_credentials&email=owner%40acme.test"
    );
    assert_eq!(
        location(unknown.headers()),
        "/login?error=invalid_credentials&email=nobody%40acme.test"
    );
    assert_eq!(
        session_set_cookie(wrong.headers()),
        None,
        "no session for a failed sign-in"
    );
    assert_eq!(session_set_cookie(unknown.headers()), None);
    assert_eq!(wrong.text().await.unwrap(), unknown.text().await.unwrap());

    let failures: Vec<_> = s
        .audit_actions()
        .await
        .into_iter()
        .filter(|(action, _, _)| action == "signin.failed")
        .collect();
    assert_eq!(failures.len(), 2);
    assert!(failures
        .iter()
        .all(|(_, outcome, ip)| outcome == "failure" && ip.as_deref() == Some("127.0.0.1")));
}
on_both_databases!(wrong_password_and_unknown_email_answer_identically);

async fn repeated_failures_are_rate_limited_per_account(backend: Backend) {
    let s = TestServer::start(backend).await;
    assert_eq!(s.complete_setup().await.status(), 303);
    for _ in 0..5 {
        let res = s.login(OWNER_EMAIL, "guess-guess-guess", None).await;
        assert_eq!(
            location(res.headers()),
            "/login?error=invalid_credentials&email=owner%40acme.test"
        );
    }
    let blocked = s.login(OWNER_EMAIL, OWNER_PASSWORD, None).await;
    assert_eq!(
        location(blocked.headers()),
        "/login?error=rate_limited&email=owner%40acme.test"
    );
    assert_eq!(
        session_set_cookie(blocked.headers()),
        None,
        "even the right password waits"
    );
}
on_both_databases!(repeated_failures_are_rate_limited_per_account);

/// Issue 15 §6: a signed-out visit comes back to the page asked for, on this site only; a
/// refused password comes back to the password step with the email and that page.
async fn sign_in_returns_to_the_page_asked_for(backend: Backend) {
    let s = TestServer::start(backend).await;
    assert_eq!(s.complete_setup().await.status(), 303);
    assert_eq!(
        location(s.get("/teams/payments?tab=members", None).await.headers()),
        "/login?return_to=%2Fteams%2Fpayments%3Ftab%3Dmembers"
    );
    assert_eq!(location(s.get("/", None).await.headers()), "/login");
    let with = |return_to: &'static str, password: &'static str| {
        let s = &s;
        async move {
            let form = [
                ("email", OWNER_EMAIL),
                ("password", password),
                ("return_to", return_to),
            ];
            location(s.post_form("/login", &form, None).await.headers())
        }
    };
    assert_eq!(
        with("/teams", "not-the-password!!").await,
        "/login?error=invalid_credentials&email=owner%40acme.test&return_to=%2Fteams"
    );
    assert_eq!(
        with("//evil.example/", "not-the-password!!").await,
        "/login?error=invalid_credentials&email=owner%40acme.test",
        "another site is not carried along"
    );
    assert_eq!(with("/teams?x=1", OWNER_PASSWORD).await, "/teams?x=1");
    for elsewhere in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
    ] {
        assert_eq!(with(elsewhere, OWNER_PASSWORD).await, "/", "{elsewhere}");
    }

    // The password step shows the email typed, never a password.
    let page = s
        .get("/login?email=owner%40acme.test&return_to=%2Fteams", None)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"value="owner@acme.test""#), "{page}");
    assert!(
        page.contains(r#"name="return_to" value="/teams""#),
        "{page}"
    );
    assert!(page.contains(r#"type="password""#), "{page}");
    let page = s
        .get(
            "/login?email=a%40b.test&return_to=%2Fteams%3Fq%3Da%26b",
            None,
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(r#"href="/login?return_to=/teams%3Fq%3Da%26b""#),
        "\"Use another email\" keeps the page to return to: {page}"
    );
}
on_both_databases!(sign_in_returns_to_the_page_asked_for);

async fn session_cookie_attributes(backend: Backend) {
    let s = TestServer::start(backend).await;
    assert_eq!(s.complete_setup().await.status(), 303);
    let res = s.login(OWNER_EMAIL, OWNER_PASSWORD, None).await;
    let line = session_set_cookie(res.headers()).unwrap();
    let attrs: Vec<String> = line
        .split(';')
        .map(|a| a.trim().to_ascii_lowercase())
        .collect();
    assert!(line.starts_with("foxgate_session="), "{line}");
    assert!(attrs.contains(&"httponly".into()), "{line}");
    assert!(attrs.contains(&"samesite=lax".into()), "{line}");
    assert!(attrs.contains(&"path=/".into()), "{line}");
    assert!(!attrs.iter().any(|a| a.starts_with("domain")), "{line}");
    assert!(
        !attrs.contains(&"secure".into()),
        "plain http cannot carry Secure cookies"
    );
}
on_both_databases!(session_cookie_attributes);

async fn https_public_url_makes_a_secure_host_cookie(backend: Backend) {
    let s = TestServer::start_with(backend, Some("https://foxgate.example.com"), true).await;
    let code = s.setup_code.clone().unwrap();
    let origin = Some("https://foxgate.example.com");
    let fields = [
        ("setup_code", code.as_str()),
        ("org_name", "Acme"),
        ("org_slug", "acme"),
        ("email", OWNER_EMAIL),
        ("password", OWNER_PASSWORD),
    ];
    assert_eq!(
        s.post_form_from("/setup", &fields, None, origin)
            .await
            .status(),
        303
    );
    let res = s
        .post_form_from(
            "/login",
            &[("email", OWNER_EMAIL), ("password", OWNER_PASSWORD)],
            None,
            origin,
        )
        .await;
    let line = session_set_cookie(res.headers()).unwrap();
    assert!(line.starts_with("__Host-foxgate_session="), "{line}");
    let attrs: Vec<String> = line
        .split(';')
        .map(|a| a.trim().to_ascii_lowercase())
        .collect();
    assert!(
        attrs.contains(&"secure".into()) && attrs.contains(&"path=/".into()),
        "{line}"
    );
    assert!(!attrs.iter().any(|a| a.starts_with("domain")), "{line}");
    assert!(res.headers().contains_key("strict-transport-security"));
}
on_both_databases!(https_public_url_makes_a_secure_host_cookie);

async fn session_id_changes_at_sign_in(backend: Backend) {
    let s = TestServer::start(backend).await;
    let first = s.signed_in_owner().await;
    // Signing in again while holding a session (or a planted cookie) gives a new id…
    let res = s.login(OWNER_EMAIL, OWNER_PASSWORD, Some(&first)).await;
    let second = session_cookie(res.headers()).expect("a new cookie");
    assert_ne!(first, second);
    // …and the old one is dead.
    assert_eq!(s.get("/api/v1/auth/me", Some(&first)).await.status(), 401);
    assert_eq!(s.get("/api/v1/auth/me", Some(&second)).await.status(), 200);
}
on_both_databases!(session_id_changes_at_sign_in);

async fn sign_out_deletes_the_session(backend: Backend) {
    let s = TestServer::start(backend).await;
    let cookie = s.signed_in_owner().await;
    assert_eq!(s.get("/api/v1/auth/me", Some(&cookie)).await.status(), 200);
    let out = s.post_form("/logout", &[], Some(&cookie)).await;
    assert_eq!(location(out.headers()), "/login?notice=signed_out");
    assert_eq!(
        s.get("/api/v1/auth/me", Some(&cookie)).await.status(),
        401,
        "the old cookie is refused"
    );
    assert_eq!(
        location(s.get("/", Some(&cookie)).await.headers()),
        "/login"
    );
    let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(s.state.services.db.pool())
        .await
        .unwrap();
    assert_eq!(
        sessions, 0,
        "deleted server-side, not just forgotten by the browser"
    );

    let actions: Vec<String> = s
        .audit_actions()
        .await
        .into_iter()
        .map(|(a, _, _)| a)
        .collect();
    assert_eq!(
        actions,
        ["setup.completed", "signin.succeeded", "signout.succeeded"]
    );
}
on_both_databases!(sign_out_deletes_the_session);

async fn dashboard_renders_for_the_signed_in_user(backend: Backend) {
    let s = TestServer::start(backend).await;
    let cookie = s.signed_in_owner().await;
    assert_eq!(
        location(s.get("/login", Some(&cookie)).await.headers()),
        "/"
    );
    let page = s.get("/", Some(&cookie)).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Acme") && html.contains(OWNER_EMAIL) && html.contains("Org Owner"),
        "{html}"
    );
    assert!(html.contains(r#"action="/logout""#));
}
on_both_databases!(dashboard_renders_for_the_signed_in_user);
