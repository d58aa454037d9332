//! Cross-origin writes, security headers, request ids and error shapes.

use crate::harness::{error_code, json, Backend, TestServer};
use crate::on_both_databases;
use reqwest::Method;

async fn cross_origin_posts_are_refused(backend: Backend) {
    let s = TestServer::start(backend).await;
    let cookie = s.signed_in_owner().await;
    let evil = [
        ("cookie", cookie.as_str()),
        ("origin", "https://evil.example"),
    ];

    let server_fn = s
        .send(Method::POST, "/fn/dashboard_summary", &evil, None)
        .await;
    assert_eq!(server_fn.status(), 403);
    assert_eq!(error_code(server_fn).await, "forbidden");

    let logout = s.send(Method::POST, "/logout", &evil, None).await;
    assert_eq!(logout.status(), 403);
    let cross_site = [
        ("cookie", cookie.as_str()),
        ("sec-fetch-site", "cross-site"),
    ];
    assert_eq!(
        s.send(Method::POST, "/logout", &cross_site, None)
            .await
            .status(),
        403
    );
    assert_eq!(
        s.get("/api/v1/auth/me", Some(&cookie)).await.status(),
        200,
        "the session survived"
    );

    // The same call from the console's own origin works.
    let own = [
        ("cookie", cookie.as_str()),
        ("origin", s.base.as_str()),
        ("sec-fetch-site", "same-origin"),
    ];
    let same_origin = s
        .send(Method::POST, "/fn/dashboard_summary", &own, None)
        .await;
    assert_eq!(same_origin.status(), 200);
    assert_eq!(json(same_origin).await["org_name"], "Acme");
}
on_both_databases!(cross_origin_posts_are_refused);

async fn server_function_errors_have_the_api_shape(backend: Backend) {
    let s = TestServer::start(backend).await;
    let res = s
        .send(Method::POST, "/fn/dashboard_summary", &[], None)
        .await;
    assert_eq!(res.status(), 401);
    let body = json(res).await;
    assert_eq!(body["error"]["code"], "unauthorized");
    assert!(body["error"]["message"].is_string(), "{body}");
}
on_both_databases!(server_function_errors_have_the_api_shape);

async fn security_headers_and_request_ids_everywhere(backend: Backend) {
    let s = TestServer::start(backend).await;
    for path in [
        "/setup",
        "/healthz",
        "/api/v1/auth/me",
        "/api/v1/nothing-here",
        "/no-such-page",
    ] {
        let res = s.get(path, None).await;
        let h = res.headers();
        let csp = h
            .get("content-security-policy")
            .unwrap_or_else(|| panic!("{path}: no CSP"))
            .to_str()
            .unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert!(h.contains_key("referrer-policy"), "{path}");
        assert!(
            h.get("x-request-id").is_some_and(|v| !v.is_empty()),
            "{path}: no request id"
        );
    }
    let page = s.get("/setup", None).await;
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    let html = page.text().await.unwrap();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|r| r.split('\'').next())
        .expect("HTML pages carry a nonce");
    assert!(
        html.contains(&format!(r#"nonce="{nonce}""#)),
        "inline scripts carry the CSP nonce"
    );

    let missing = s.get("/api/v1/nothing-here", None).await;
    assert_eq!(missing.status(), 404);
    assert_eq!(error_code(missing).await, "not_found");
    assert_eq!(s.get("/no-such-page", None).await.status(), 404);

    let echoed = s
        .send(
            Method::GET,
            "/healthz",
            &[("x-request-id", "trace-123")],
            None,
        )
        .await;
    assert_eq!(echoed.headers()["x-request-id"], "trace-123");
    let forged = s
        .send(Method::GET, "/healthz", &[("x-request-id", "a b\"c")], None)
        .await;
    assert_ne!(
        forged.headers()["x-request-id"],
        "a b\"c",
        "unsafe ids are replaced"
    );
}
on_both_databases!(security_headers_and_request_ids_everywhere);
