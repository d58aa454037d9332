//! Email-domain routing through a real DNS server (dnsmasq on 127.0.0.1, started here with
//! the records a test needs): a claimed domain routes nothing until its TXT record proves
//! it, a verified one routes to its org (Entra providers included), and no second org can
//! take a verified domain.

use crate::hardening::switch;
use crate::harness::{error_code, json, location, Backend, TestServer};
use crate::idp::{idp, Shape};
use crate::on_both_databases;
use foxgate_core::dns::Resolver;
use reqwest::Method;
use serde_json::{json, Value};
use std::process::Stdio;
use std::time::Duration;

const DNSMASQ: &str = "/usr/sbin/dnsmasq";

/// dnsmasq answering for exactly the TXT records given; stopped when dropped.
struct Dns {
    child: tokio::process::Child,
}

impl Dns {
    async fn serve(port: u16, records: &[(&str, &str)]) -> Self {
        assert!(
            std::path::Path::new(DNSMASQ).exists(),
            "dnsmasq is missing: `cargo xtask test` installs it (Debian package dnsmasq-base)"
        );
        let mut cmd = tokio::process::Command::new(DNSMASQ);
        cmd.args([
            "--keep-in-foreground",
            "--conf-file=/dev/null",
            "--no-resolv",
            "--no-hosts",
            "--bind-interfaces",
            "--listen-address=127.0.0.1",
            "--pid-file=",
        ])
        .arg(format!("--port={port}"));
        for (name, value) in records {
            cmd.arg(format!("--txt-record={name},{value}"));
        }
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start dnsmasq");
        let resolver = Resolver(format!("127.0.0.1:{port}").parse().unwrap());
        // Generous: on a loaded CI machine the first answer can take seconds.
        for _ in 0..400 {
            if resolver
                .txt(records[0].0)
                .await
                .is_ok_and(|found| !found.is_empty())
            {
                return Dns { child };
            }
            if child.try_wait().unwrap().is_some() {
                let out = child.wait_with_output().await.unwrap();
                panic!(
                    "dnsmasq exited on port {port}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("dnsmasq did not answer on port {port}");
    }
}

impl Dns {
    /// Stops it and waits until it is gone, so the port is free again.
    async fn stop(mut self) {
        self.child.kill().await.unwrap();
    }
}

/// A port free for both UDP and TCP: dnsmasq listens on both, and a test server elsewhere in
/// the run may hold the TCP side of a port whose UDP side is free.
fn free_dns_port() -> u16 {
    loop {
        let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = udp.local_addr().unwrap().port();
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

async fn claim(s: &TestServer, cookie: &str, org: &str, domain: &str) -> reqwest::Response {
    s.api(
        Method::POST,
        &format!("/api/v1/orgs/{org}/sso/domains"),
        cookie,
        Some(json!({ "domain": domain })),
    )
    .await
}

async fn verify(s: &TestServer, cookie: &str, org: &str, id: &str) -> reqwest::Response {
    s.api(
        Method::POST,
        &format!("/api/v1/orgs/{org}/sso/domains/{id}/verify"),
        cookie,
        None,
    )
    .await
}

async fn start_by_email(s: &TestServer, email: &str) -> String {
    location(
        s.post_form("/sso/start", &[("email", email)], None)
            .await
            .headers(),
    )
}

/// The HTML of `/login?email=…`, the step after the email was typed.
async fn second_step(s: &TestServer, email: &str) -> String {
    let res = s.get(&format!("/login?email={email}"), None).await;
    assert_eq!(res.status(), 200);
    res.text().await.unwrap()
}

async fn domains_route_sign_ins_only_once_proven(backend: Backend) {
    let port = free_dns_port();
    let s = TestServer::start_configured(backend, |c| {
        c.dns_resolver = Resolver::parse(&format!("127.0.0.1:{port}"));
    })
    .await;
    let owner = s.signed_in_owner().await;
    let (client_id, client_secret) = idp().client_for(&s).await;
    let res = s
        .api(
            Method::POST,
            "/api/v1/orgs/acme/sso/providers",
            &owner,
            Some(
                json!({"kind": "entra", "issuer": idp().issuer(Shape::EntraTenant),
                        "client_id": client_id, "client_secret": client_secret,
                        "default_role": "viewer"}),
            ),
        )
        .await;
    assert_eq!(res.status(), 201);

    // Another org lists the domain in its provider's allowed domains: that routes nothing.
    let res = s
        .api(
            Method::POST,
            "/api/v1/orgs",
            &owner,
            Some(json!({"name": "Globex", "slug": "globex"})),
        )
        .await;
    assert_eq!(res.status(), 201);
    switch(&s, &owner, "globex", "/").await;
    let res = s
        .api(
            Method::POST,
            "/api/v1/orgs/globex/sso/providers",
            &owner,
            Some(json!({"kind": "okta", "issuer": idp().issuer(Shape::Okta),
                        "client_id": client_id, "client_secret": client_secret,
                        "allowed_domains": ["contoso.test"], "default_role": "viewer"})),
        )
        .await;
    assert_eq!(res.status(), 201);
    switch(&s, &owner, "acme", "/").await;
    assert_eq!(
        start_by_email(&s, "carol@contoso.test").await,
        "/login?error=sso_not_set_up",
        "a provider's allowed domains are no claim"
    );

    // Claimed, not proven: routes nothing either.
    let res = claim(&s, &owner, "acme", "Contoso.test").await;
    assert_eq!(res.status(), 201);
    let claimed: Value = json(res).await;
    assert_eq!(claimed["domain"], "contoso.test");
    assert_eq!(claimed["record_name"], "_foxgate-challenge.contoso.test");
    assert_eq!(claimed["verified"], false);
    let id = claimed["id"].as_str().unwrap().to_string();
    let value = claimed["record_value"].as_str().unwrap().to_string();
    assert_eq!(
        start_by_email(&s, "carol@contoso.test").await,
        "/login?error=sso_not_set_up"
    );
    // The sign-in page's second step offers the password only.
    let step = second_step(&s, "carol@contoso.test").await;
    assert!(!step.contains("Sign in to Acme with"), "{step}");
    assert!(step.contains(r#"name="password""#), "{step}");

    // A record with another value proves nothing.
    let wrong = Dns::serve(
        port,
        &[(
            "_foxgate-challenge.contoso.test",
            "foxgate-verification=nope",
        )],
    )
    .await;
    let res = verify(&s, &owner, "acme", &id).await;
    assert_eq!(res.status(), 422);
    assert_eq!(json(res).await["error"]["field"], "domain");
    wrong.stop().await;

    // The right record: verified, and the domain's sign-ins go to acme's (Entra) provider.
    let _dns = Dns::serve(port, &[("_foxgate-challenge.contoso.test", value.as_str())]).await;
    let res = verify(&s, &owner, "acme", &id).await;
    assert_eq!(res.status(), 200);
    assert_eq!(json(res).await["verified"], true);
    let to = start_by_email(&s, "carol@contoso.test").await;
    assert!(
        to.starts_with(&idp().issuer(Shape::EntraTenant)),
        "sent to acme's Entra ID: {to}"
    );

    // Email first: the second step leads to that provider, the password as the other way.
    let step = second_step(&s, "carol@contoso.test").await;
    assert!(step.contains("Sign in to Acme with"), "{step}");
    assert!(step.contains("or with a Foxgate password"), "{step}");
    assert!(
        !step.contains("while the identity provider is down"),
        "{step}"
    );
    // Once the org requires single sign-on, the password is folded away for its owners.
    let res = s
        .api(
            Method::PATCH,
            "/api/v1/orgs/acme",
            &owner,
            Some(json!({"require_sso": true})),
        )
        .await;
    assert_eq!(res.status(), 200);
    let step = second_step(&s, "carol@contoso.test").await;
    assert!(step.contains("Sign in to Acme with"), "{step}");
    assert!(
        step.contains("while the identity provider is down"),
        "{step}"
    );

    // Another org cannot take it.
    switch(&s, &owner, "globex", "/").await;
    let res = claim(&s, &owner, "globex", "contoso.test").await;
    assert_eq!(error_code(res).await, "conflict");

    // The org's sign-in buttons name it.
    let page = s.get("/login?org=acme", None).await.text().await.unwrap();
    assert!(page.contains("Sign in to Acme with"), "{page}");
    let events: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_events WHERE entity_type = 'domain' ORDER BY id",
    )
    .fetch_all(s.state.services.db.pool())
    .await
    .unwrap();
    assert_eq!(events, ["domain.claimed", "domain.verified"]);
}
on_both_databases!(domains_route_sign_ins_only_once_proven);
