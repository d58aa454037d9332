//! The real OpenID provider the SSO tests sign in through (`end2end/idp/provider.mjs`,
//! npm `oidc-provider`), started once per test process, and a browser stand-in that walks
//! the code flow headless: a cookie jar and manual redirects through the IdP's login page.

use crate::harness::{location, TestServer};
use reqwest::header::HeaderMap;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};

pub const IDP_PASSWORD: &str = "correct horse";

pub struct Idp {
    pub origin: String,
    /// The Entra-shaped tenant's id.
    pub tenant: String,
    /// Kept so the IdP's stdin stays open: it exits when this process does.
    _child: Mutex<Child>,
}

/// The issuers the test IdP serves.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    Okta,
    EntraTenant,
    EntraCommon,
    Auth0,
    Google,
    /// A plain OpenID provider whose signing key [`Idp::rotate_generic_key`] replaces.
    Generic,
    /// An IdP an attacker runs, asserting any claims (Entra's `tid` and `oid` too) at an
    /// issuer that names the real tenant.
    Rogue,
}

pub fn idp() -> &'static Idp {
    static IDP: OnceLock<Idp> = OnceLock::new();
    IDP.get_or_init(|| {
        let end2end = concat!(env!("CARGO_MANIFEST_DIR"), "/../end2end");
        assert!(
            std::path::Path::new(end2end)
                .join("node_modules/oidc-provider")
                .exists(),
            "the test IdP needs `npm install` in end2end/ (cargo xtask test does it)"
        );
        let mut child = Command::new("node")
            .arg("idp/provider.mjs")
            .current_dir(end2end)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start node end2end/idp/provider.mjs");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let ready: Value = serde_json::from_str(&line).expect("the IdP prints {port, tenant}");
        Idp {
            origin: format!("http://127.0.0.1:{}", ready["port"]),
            tenant: ready["tenant"].as_str().unwrap().to_string(),
            _child: Mutex::new(child),
        }
    })
}

impl Idp {
    pub fn issuer(&self, shape: Shape) -> String {
        let path = match shape {
            Shape::Okta => "/okta/oauth2/default".to_string(),
            Shape::EntraTenant => format!("/entra/{}/v2.0", self.tenant),
            Shape::EntraCommon => "/entra/common/v2.0".to_string(),
            Shape::Auth0 => "/auth0/".to_string(),
            Shape::Google => "/google".to_string(),
            Shape::Generic => "/generic".to_string(),
            Shape::Rogue => format!("/rogue/{}/v2.0", self.tenant),
        };
        format!("{}{path}", self.origin)
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        let res = reqwest::Client::new()
            .post(format!("{}{path}", self.origin))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201, "{path}");
        res.json().await.unwrap()
    }

    /// Registers a client for this Foxgate's callback: `(client_id, client_secret)`.
    pub async fn client_for(&self, s: &TestServer) -> (String, String) {
        let v = self
            .post(
                "/__test/clients",
                json!({"redirect_uri": s.url("/sso/callback")}),
            )
            .await;
        (
            v["client_id"].as_str().unwrap().into(),
            v["client_secret"].as_str().unwrap().into(),
        )
    }

    /// An account at the IdP; `claims` are what its ID tokens say (besides `sub` = login).
    pub async fn user(&self, login: &str, claims: Value) {
        self.post("/__test/users", json!({"login": login, "claims": claims}))
            .await;
    }

    /// Holds the generic issuer for one test. Its key rotates, and Foxgate refetches keys for
    /// an unknown `kid` at most once per 10 s: a second rotation by the test's other-database
    /// variant within that time would make a correct refusal look like a failure.
    pub async fn hold_generic_issuer(&self) -> tokio::sync::MutexGuard<'static, ()> {
        static HELD: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
        HELD.lock().await
    }

    /// The generic issuer signs with a fresh key from now on and publishes only that one.
    pub async fn rotate_generic_key(&self) {
        self.post("/__test/rotate", json!({})).await;
    }

    /// The next ID token for this client is altered (`mode`: see provider.mjs).
    pub async fn tamper(&self, client_id: &str, mode: &str) {
        self.post(
            "/__test/tamper",
            json!({"client_id": client_id, "mode": mode}),
        )
        .await;
    }
}

/// A browser without JavaScript: keeps cookies (by name; Foxgate and the IdP use distinct
/// names) and follows redirects by hand so each hop can be inspected.
#[derive(Default)]
pub struct Browser {
    jar: HashMap<String, String>,
    client: reqwest::Client,
}

impl Browser {
    pub fn new() -> Self {
        Self {
            jar: HashMap::new(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        }
    }

    pub fn cookies(&self) -> String {
        self.jar
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.jar.get(name).cloned()
    }

    fn absorb(&mut self, headers: &HeaderMap) {
        for line in headers.get_all("set-cookie") {
            let line = line.to_str().unwrap();
            let pair = line.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            let expired = value.is_empty() || line.to_lowercase().contains("max-age=0");
            if expired {
                self.jar.remove(name.trim());
            } else {
                self.jar.insert(name.trim().into(), value.into());
            }
        }
    }

    pub async fn get(&mut self, url: &str) -> reqwest::Response {
        let res = self
            .client
            .get(url)
            .header("cookie", self.cookies())
            .send()
            .await
            .unwrap();
        self.absorb(res.headers());
        res
    }

    pub async fn post_form(
        &mut self,
        url: &str,
        origin: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        let res = self
            .client
            .post(url)
            .header("cookie", self.cookies())
            .header("origin", origin)
            .form(form)
            .send()
            .await
            .unwrap();
        self.absorb(res.headers());
        res
    }

    /// Starts SSO at Foxgate with `form`, signs in at the IdP as `login`, and returns the
    /// callback URL the IdP sends the browser back to (not yet visited).
    pub async fn through_idp(
        &mut self,
        s: &TestServer,
        form: &[(&str, &str)],
        login: &str,
    ) -> String {
        let res = self.post_form(&s.url("/sso/start"), &s.base, form).await;
        assert_eq!(res.status(), 303, "sso/start");
        self.at_idp(s, location(res.headers()), login).await
    }

    /// From a URL at the IdP (where Foxgate sent the browser), signs in as `login` and
    /// returns the callback URL the IdP sends the browser back to (not yet visited).
    pub async fn at_idp(&mut self, s: &TestServer, start: String, login: &str) -> String {
        let mut url = start;
        assert!(url.starts_with(&idp().origin), "sent to the IdP, not {url}");
        for _ in 0..10 {
            if url.starts_with(&s.base) {
                return url;
            }
            let res = self.get(&url).await;
            let here = reqwest::Url::parse(&url).unwrap();
            if res.status() == 200 {
                let html = res.text().await.unwrap();
                let action = html
                    .split("action=\"")
                    .nth(1)
                    .and_then(|rest| rest.split('"').next())
                    .expect("the IdP's login form");
                let target = here.join(action).unwrap().to_string();
                let res = self
                    .post_form(
                        &target,
                        &idp().origin,
                        &[("username", login), ("password", IDP_PASSWORD)],
                    )
                    .await;
                assert_eq!(res.status(), 303, "IdP login");
                url = here.join(&location(res.headers())).unwrap().to_string();
            } else {
                assert!(
                    res.status().is_redirection(),
                    "IdP answered {}",
                    res.status()
                );
                url = here.join(&location(res.headers())).unwrap().to_string();
            }
        }
        panic!("no way back to Foxgate from the IdP");
    }

    /// The whole sign-in: returns Foxgate's answer to the callback.
    pub async fn sign_in(
        &mut self,
        s: &TestServer,
        form: &[(&str, &str)],
        login: &str,
    ) -> reqwest::Response {
        let callback = self.through_idp(s, form, login).await;
        self.get(&callback).await
    }
}
