//! Cross-origin writes, security headers, request ids and error shapes.

use crate::harness::{Backend, TestServer};
use crate::on_both_databases;

async fn cross_origin_posts_are_refused(backend: Backend) {
    let s = TestServer::start(backend).await;
    let cookie = s.signed_in_owner().await;

    let server_fn = s
        .client
        .post(s.url("/fn/dashboard_summary"))
        .header("cookie", &cookie)
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(server_fn.status(), 403);
    assert_eq!(
        server_fn.json::<serde_json::Value>().await.unwrap()["error"]["code"],
        "forbidden"
    );

    let logout = s
        .post_form_from("/logout", &[], Some(&cookie), Some("https://evil.example"))
        .await;
    assert_eq!(logout.status(), 403);
    let by_fetch_metadata = s
        .client
        .post(s.url("/logout"))
        .header("cookie", &cookie)
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(by_fetch_metadata.status(), 403);
    assert_eq!(
        s.get("/api/v1/auth/me", Some(&cookie)).await.status(),
        200,
        "the session survived"
    );

    // The same calls from the console's own origin work.
    let same_origin = s
        .client
        .post(s.url("/fn/dashboard_summary"))
        .header("cookie", &cookie)
        .header("origin", &s.base)
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(same_origin.status(), 200);
    assert_eq!(
        same_origin.json::<serde_json::Value>().await.unwrap()["org_name"],
        "Acme"
    );
}
on_both_databases!(cross_origin_posts_are_refused);

async fn server_function_refuses_anonymous_callers(backend: Backend) {
    let s = TestServer::start(backend).await;
    let res = s
        .client
        .post(s.url("/fn/dashboard_summary"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(
        res.json::<serde_json::Value>().await.unwrap()["code"],
        "unauthorized"
    );
}
on_both_databases!(server_function_refuses_anonymous_callers);

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
    assert_eq!(
        missing.json::<serde_json::Value>().await.unwrap()["error"]["code"],
        "not_found"
    );
    assert_eq!(s.get("/no-such-page", None).await.status(), 404);

    let echoed = s
        .client
        .get(s.url("/healthz"))
        .header("x-request-id", "trace-123")
        .send()
        .await
        .unwrap();
    assert_eq!(echoed.headers()["x-request-id"], "trace-123");
    let forged = s
        .client
        .get(s.url("/healthz"))
        .header("x-request-id", "a b\"c")
        .send()
        .await
        .unwrap();
    assert_ne!(
        forged.headers()["x-request-id"],
        "a b\"c",
        "unsafe ids are replaced"
    );
}
on_both_databases!(security_headers_and_request_ids_everywhere);
