//! Foxgate behind a real reverse proxy (Debian's nginx, started here on a free port): with
//! `trusted_proxies` naming it, clients are told apart by `X-Forwarded-For`, so one client's
//! failures limit that client only, and audit and last-used addresses are the client's. A
//! forwarding header from a peer that is not trusted changes nothing.

use crate::harness::{json, location, Backend, TestServer, OWNER_EMAIL, OWNER_PASSWORD};
use crate::on_both_databases;
use crate::process::free_port;
use std::process::Stdio;
use std::time::Duration;

const NGINX: &str = "/usr/sbin/nginx";

/// nginx in front of `upstream`, listening on 127.0.0.1; stopped when dropped.
struct Nginx {
    base: String,
    /// Foxgate's public URL, which browsers behind the proxy send as their Origin.
    public_origin: String,
    _child: tokio::process::Child,
    _dir: tempfile::TempDir,
}

impl Nginx {
    async fn start(upstream: &str) -> Self {
        let port = free_port();
        assert!(
            std::path::Path::new(NGINX).exists(),
            "nginx is missing: `cargo xtask test` installs it (Debian package nginx)"
        );
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().display();
        let conf = format!(
            "worker_processes 1;\n\
             error_log {d}/error.log;\n\
             pid {d}/nginx.pid;\n\
             events {{ worker_connections 256; }}\n\
             http {{\n\
               access_log off;\n\
               client_body_temp_path {d}/body; proxy_temp_path {d}/proxy;\n\
               fastcgi_temp_path {d}/fastcgi; uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;\n\
               server {{\n\
                 listen 127.0.0.1:{port};\n\
                 location / {{\n\
                   proxy_pass {upstream};\n\
                   proxy_http_version 1.1;\n\
                   proxy_buffering off;\n\
                   proxy_set_header Host $http_host;\n\
                   proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n\
                 }}\n\
               }}\n\
             }}\n"
        );
        std::fs::write(dir.path().join("nginx.conf"), conf).unwrap();
        let child = tokio::process::Command::new(NGINX)
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(dir.path().join("nginx.conf"))
            .args(["-g", "daemon off;"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start nginx");
        let base = format!("http://127.0.0.1:{port}");
        for _ in 0..100 {
            if reqwest::get(format!("{base}/healthz"))
                .await
                .is_ok_and(|r| r.status() == 200)
            {
                return Nginx {
                    base,
                    public_origin: upstream.to_string(),
                    _child: child,
                    _dir: dir,
                };
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("nginx did not come up; see {d}/error.log");
    }
}

/// A client of the proxy at `address` (as the proxy's own front would forward it).
struct Client<'a> {
    nginx: &'a Nginx,
    address: &'a str,
    http: reqwest::Client,
}

impl<'a> Client<'a> {
    fn at(nginx: &'a Nginx, address: &'a str) -> Self {
        Client {
            nginx,
            address,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        }
    }

    async fn login(&self, email: &str, password: &str) -> String {
        let res = self
            .http
            .post(format!("{}/login", self.nginx.base))
            .header("x-forwarded-for", self.address)
            .header("origin", &self.nginx.public_origin)
            .form(&[("email", email), ("password", password)])
            .send()
            .await
            .unwrap();
        location(res.headers())
    }

    async fn bearer(&self, token: &str) -> u16 {
        self.http
            .get(format!("{}/api/v1/auth/me", self.nginx.base))
            .header("x-forwarded-for", self.address)
            .header("authorization", format!("Bearer {token}"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }
}

/// The client address the newest failed sign-in was recorded with.
async fn last_failed_signin_ip(s: &TestServer) -> Option<String> {
    sqlx::query_scalar(
        "SELECT ip FROM audit_events WHERE action = 'signin.failed' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(s.state.services.db.pool())
    .await
    .unwrap()
}

async fn clients_behind_a_trusted_proxy_are_told_apart(backend: Backend) {
    let s = TestServer::start_configured(backend, |c| {
        c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    let owner = s.signed_in_owner().await;
    let token = json(
        s.api(
            reqwest::Method::POST,
            "/api/v1/orgs/acme/tokens",
            &owner,
            Some(serde_json::json!({"name": "ci", "roles": ["viewer"]})),
        )
        .await,
    )
    .await["token"]
        .as_str()
        .unwrap()
        .to_string();
    let nginx = Nginx::start(&s.base).await;
    let attacker = Client::at(&nginx, "198.51.100.66");
    let owner_at_home = Client::at(&nginx, "203.0.113.10");

    // The audit log names the client, not the proxy.
    assert_eq!(
        attacker.login(OWNER_EMAIL, "wrong-password-1").await,
        "/login?error=invalid_credentials&email=owner%40acme.test"
    );
    assert_eq!(
        last_failed_signin_ip(&s).await.as_deref(),
        Some("198.51.100.66")
    );
    // A stranger guessing the owner's password is stopped; the owner is not.
    for _ in 0..4 {
        attacker.login(OWNER_EMAIL, "wrong-password-1").await;
    }
    assert_eq!(
        attacker.login(OWNER_EMAIL, OWNER_PASSWORD).await,
        "/login?error=rate_limited&email=owner%40acme.test"
    );
    assert_eq!(owner_at_home.login(OWNER_EMAIL, OWNER_PASSWORD).await, "/");
    // 20 failures lock out that client's address, nobody else's.
    for i in 0..20 {
        attacker
            .login(&format!("nobody{i}@acme.test"), "x-password-12")
            .await;
    }
    assert_eq!(
        attacker.login("someone@acme.test", "x-password-12").await,
        "/login?error=rate_limited&email=someone%40acme.test"
    );
    assert_eq!(
        Client::at(&nginx, "203.0.113.11")
            .login("someone@acme.test", "x-password-12")
            .await,
        "/login?error=invalid_credentials&email=someone%40acme.test"
    );
    // IPv6 clients count per /64.
    for i in 0..20 {
        let address = format!("2001:db8:7:7::{:x}", i + 1);
        Client::at(&nginx, &address)
            .login(&format!("v6-{i}@acme.test"), "x-password-12")
            .await;
    }
    assert_eq!(
        Client::at(&nginx, "2001:db8:7:7::ffff")
            .login("v6b@acme.test", "x-password-12")
            .await,
        "/login?error=rate_limited&email=v6b%40acme.test",
        "another address of the same /64"
    );
    assert_eq!(
        Client::at(&nginx, "2001:db8:7:8::1")
            .login("v6b@acme.test", "x-password-12")
            .await,
        "/login?error=invalid_credentials&email=v6b%40acme.test"
    );

    // Junk bearer tokens slow down their sender only; a real token always gets through.
    let mut limited = 0;
    for i in 0..60 {
        if attacker.bearer(&format!("fgt_junk_{i}")).await == 429 {
            limited += 1;
        }
    }
    assert_eq!(limited, 10, "50 failures a minute, then 429");
    assert_eq!(
        attacker.bearer(&token).await,
        200,
        "a valid token from the same address"
    );
    assert_eq!(owner_at_home.bearer(&token).await, 200);
    let used_from: Option<String> = sqlx::query_scalar("SELECT last_used_ip FROM tokens")
        .fetch_one(s.state.services.db.pool())
        .await
        .unwrap();
    assert_eq!(used_from.as_deref(), Some("198.51.100.66"));
}
on_both_databases!(clients_behind_a_trusted_proxy_are_told_apart);

async fn forwarding_headers_from_untrusted_peers_change_nothing(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.complete_setup().await;
    let res = s
        .client
        .post(s.url("/login"))
        .header("origin", &s.base)
        .header("x-forwarded-for", "198.51.100.99")
        .header("forwarded", "for=198.51.100.98")
        .form(&[("email", OWNER_EMAIL), ("password", "wrong-password-1")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        location(res.headers()),
        "/login?error=invalid_credentials&email=owner%40acme.test"
    );
    assert_eq!(
        last_failed_signin_ip(&s).await.as_deref(),
        Some("127.0.0.1"),
        "no proxy is trusted by default: the peer is the client"
    );
}
on_both_databases!(forwarding_headers_from_untrusted_peers_change_nothing);
