//! Starts a real Foxgate on a free 127.0.0.1 port over a fresh SQLite file or a fresh
//! PostgreSQL database, and speaks HTTP to it. PostgreSQL comes from
//! `FOXGATE_TEST_DATABASE_URL`, else from a throwaway cluster this process starts (and a
//! watchdog stops when the process ends).

use foxgate_server::config::Config;
use foxgate_server::state::AppState;
use reqwest::header::HeaderMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs one async test body against both databases.
#[macro_export]
macro_rules! on_both_databases {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::harness::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::harness::Backend::Postgres).await
            }
        }
    };
}

pub const OWNER_EMAIL: &str = "owner@acme.test";
pub const OWNER_PASSWORD: &str = "correct-horse-battery";

pub struct TestServer {
    pub base: String,
    pub client: reqwest::Client,
    pub state: AppState,
    pub setup_code: Option<String>,
    dir: tempfile::TempDir,
}

/// A database URL for a brand-new, empty database on the backend.
pub async fn fresh_database(backend: Backend, dir: &std::path::Path) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite://{}?mode=rwc", dir.join("foxgate.db").display()),
        Backend::Postgres => {
            use sqlx::Connection;
            let admin = postgres_admin_url();
            let name = format!("fg_{}", uuid::Uuid::now_v7().simple());
            let mut conn = sqlx::PgConnection::connect(admin)
                .await
                .expect("connect to the test PostgreSQL");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .expect("create database");
            let (base, _) = admin.rsplit_once('/').expect("URL has a database path");
            format!("{base}/{name}")
        }
    }
}

impl TestServer {
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(backend, None, true).await
    }

    /// `public_origin` None: the server's own http origin. `migrate` false leaves the database empty.
    pub async fn start_with(backend: Backend, public_origin: Option<&str>, migrate: bool) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let database_url = fresh_database(backend, dir.path()).await;
        Self::start_on(database_url, dir, public_origin, migrate).await
    }

    pub async fn start_on(
        database_url: String,
        dir: tempfile::TempDir,
        public_origin: Option<&str>,
        migrate: bool,
    ) -> Self {
        Self::start_full(
            database_url,
            dir,
            public_origin,
            migrate,
            Duration::ZERO,
            |_| {},
        )
        .await
    }

    /// A fresh server on `backend` whose caches trust what they read for `token_cache`
    /// (production's default is 1 s).
    pub async fn start_caching(backend: Backend, token_cache: Duration) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = fresh_database(backend, dir.path()).await;
        Self::start_full(url, dir, None, true, token_cache, |_| {}).await
    }

    /// A fresh server whose configuration `configure` changes first (trusted proxies, the
    /// loopback IdP setting, the retention floor…).
    pub async fn start_configured(backend: Backend, configure: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let database_url = fresh_database(backend, dir.path()).await;
        Self::start_full(database_url, dir, None, true, Duration::ZERO, configure).await
    }

    async fn start_full(
        database_url: String,
        dir: tempfile::TempDir,
        public_origin: Option<&str>,
        migrate: bool,
        token_cache: Duration,
        configure: impl FnOnce(&mut Config),
    ) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let mut config = Config {
            addr: base.trim_start_matches("http://").to_string(),
            database_url,
            data_dir: dir.path().to_path_buf(),
            public_origin: public_origin.unwrap_or(&base).to_string(),
            site_root: dir.path().to_path_buf(),
            // Most tests change rows with SQL behind the server's back, so they start with
            // the cache off (`start_on`); the cache has its own tests.
            token_cache,
            session_idle: Duration::from_secs(2 * 3600),
            session_max: Duration::from_secs(24 * 3600),
            trusted_proxies: Vec::new(),
            // The test IdP listens on 127.0.0.1.
            dev_allow_loopback_idp: true,
            audit_min_retention_days: 1,
            max_live_streams: 500,
            dns_resolver: None,
            // One connection: a code path that holds a pooled connection while it waits for
            // another (a hold-and-wait that exhausts the pool under concurrent load) then
            // fails its test at once instead of only in production under load.
            db_max_connections: Some(1),
            token_failures_per_minute: 50,
        };
        configure(&mut config);
        let foxgate = foxgate_server::assemble(config).unwrap();
        let setup_code = if migrate {
            foxgate_server::prepare_database(&foxgate.state.services)
                .await
                .unwrap()
                .map(|c| c.expose().clone())
        } else {
            None
        };
        let state = foxgate.state.clone();
        tokio::spawn(async move {
            axum::serve(
                listener,
                foxgate
                    .router
                    .into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .await
            .unwrap();
        });
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // A request that never gets its answer fails the test, naming the URL, instead
            // of holding the whole run until CI's time runs out.
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap();
        TestServer {
            base,
            client,
            state,
            setup_code,
            dir,
        }
    }

    /// A second server on this one's database and key that names itself `public_origin`
    /// (an https URL a client insists on), reached over plain http here.
    pub async fn beside(&self, public_origin: &str) -> TestServer {
        let (database_url, data_dir) = {
            let c = &self.state.config;
            (c.database_url.clone(), c.data_dir.clone())
        };
        let own = tempfile::tempdir().unwrap();
        Self::start_full(
            database_url,
            own,
            Some(public_origin),
            false,
            Duration::ZERO,
            |c| c.data_dir = data_dir,
        )
        .await
    }

    /// Where this server keeps its secret key (and its SQLite file).
    pub fn data_dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> reqwest::Response {
        let mut req = self.client.get(self.url(path));
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        req.send().await.unwrap()
    }

    /// Any request with extra headers (cookie, origin, fetch metadata…) and an optional JSON body.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        headers: &[(&str, &str)],
        json: Option<serde_json::Value>,
    ) -> reqwest::Response {
        let mut req = self.client.request(method, self.url(path));
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        if let Some(body) = json {
            req = req.json(&body);
        }
        req.send().await.unwrap()
    }

    /// A same-origin API call with a session cookie, as the console or a script would make it.
    pub async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        cookie: &str,
        body: Option<serde_json::Value>,
    ) -> reqwest::Response {
        let base = self.base.clone();
        self.send(method, path, &[("cookie", cookie), ("origin", &base)], body)
            .await
    }

    /// A same-origin form post, as a browser on the console would send it.
    pub async fn post_form(
        &self,
        path: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> reqwest::Response {
        self.post_form_from(path, form, cookie, Some(&self.base.clone()))
            .await
    }

    /// A console form posted without JavaScript from `page` to the server function
    /// `function` (`/fn/{function}`): the browser says it wants HTML and names its page.
    pub async fn post_console_form(
        &self,
        cookie: &str,
        page: &str,
        function: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        self.client
            .post(self.url(&format!("/fn/{function}")))
            .header("cookie", cookie)
            .header("origin", &self.base)
            .header("accept", "text/html")
            .header("referer", self.url(page))
            .form(form)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_form_from(
        &self,
        path: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
        origin: Option<&str>,
    ) -> reqwest::Response {
        let mut req = self.client.post(self.url(path)).form(form);
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        req.send().await.unwrap()
    }

    pub async fn complete_setup(&self) -> reqwest::Response {
        let code = self.setup_code.clone().expect("instance awaits setup");
        self.post_form(
            "/setup",
            &[
                ("setup_code", &code),
                ("org_name", "Acme"),
                ("org_slug", "acme"),
                ("display_name", "Olive Owner"),
                ("email", OWNER_EMAIL),
                ("password", OWNER_PASSWORD),
            ],
            None,
        )
        .await
    }

    pub async fn login(
        &self,
        email: &str,
        password: &str,
        cookie: Option<&str>,
    ) -> reqwest::Response {
        self.post_form(
            "/login",
            &[("email", email), ("password", password)],
            cookie,
        )
        .await
    }

    /// Sets up the instance and signs the owner in; returns the session cookie (`name=value`).
    pub async fn signed_in_owner(&self) -> String {
        assert_eq!(self.complete_setup().await.status(), 303);
        let res = self.login(OWNER_EMAIL, OWNER_PASSWORD, None).await;
        assert_eq!(location(res.headers()), "/");
        session_cookie(res.headers()).expect("a session cookie at sign-in")
    }

    /// The actions of the audit log, oldest first.
    pub async fn audit_actions(&self) -> Vec<(String, String, Option<String>)> {
        sqlx::query_as("SELECT action, outcome, ip FROM audit_events ORDER BY id")
            .fetch_all(self.state.services.db.pool())
            .await
            .unwrap()
    }
}

/// The JSON body of a response.
pub async fn json(res: reqwest::Response) -> serde_json::Value {
    res.json().await.expect("a JSON body")
}

/// The `error.code` of an error answer (API and server functions share the shape).
pub async fn error_code(res: reqwest::Response) -> String {
    let body = json(res).await;
    body["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("not an error body: {body}"))
        .to_string()
}

pub fn location(headers: &HeaderMap) -> String {
    headers
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// The full Set-Cookie line of the session cookie, if the response sets it.
pub fn session_set_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.contains("foxgate_session="))
}

/// `name=value` of the session cookie, ready for a Cookie header.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    session_set_cookie(headers).map(|line| line.split(';').next().unwrap().to_string())
}

/// Creates teams in acme, each named like its slug.
pub async fn add_teams(s: &TestServer, by: &str, slugs: &[&str]) {
    for slug in slugs {
        let res = s
            .api(
                reqwest::Method::POST,
                "/api/v1/orgs/acme/teams",
                by,
                Some(serde_json::json!({"slug": slug, "name": slug})),
            )
            .await;
        assert_eq!(res.status(), 201, "team {slug}");
    }
}

/// Creates a local member and returns their user id.
pub async fn add_member(s: &TestServer, by: &str, email: &str) -> String {
    let res = s
        .api(
            reqwest::Method::POST,
            "/api/v1/orgs/acme/members",
            by,
            Some(serde_json::json!({"email": email, "password": "member-password-1"})),
        )
        .await;
    assert_eq!(res.status(), 201);
    json(res).await["user_id"].as_str().unwrap().to_string()
}

pub async fn grant(
    s: &TestServer,
    by: &str,
    user_id: &str,
    role: &str,
    team: Option<&str>,
) -> reqwest::Response {
    s.api(
        reqwest::Method::POST,
        "/api/v1/orgs/acme/grants",
        by,
        Some(serde_json::json!({"user_id": user_id, "role": role, "team": team})),
    )
    .await
}

/// A new member holding `role` (in `team`, or org-wide), signed in: their session cookie.
pub async fn member_with_role(
    s: &TestServer,
    by: &str,
    email: &str,
    role: &str,
    team: Option<&str>,
) -> String {
    let id = add_member(s, by, email).await;
    assert_eq!(grant(s, by, &id, role, team).await.status(), 201);
    sign_in(s, email).await
}

pub async fn sign_in(s: &TestServer, email: &str) -> String {
    let res = s.login(email, "member-password-1", None).await;
    assert_eq!(location(res.headers()), "/");
    session_cookie(res.headers()).unwrap()
}

fn postgres_admin_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        std::env::var("FOXGATE_TEST_DATABASE_URL").unwrap_or_else(|_| start_cluster())
    })
}

fn postgres_bin_dir() -> PathBuf {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL server binaries are missing: run `cargo xtask test`, which installs them, or set FOXGATE_TEST_DATABASE_URL")
        .flatten()
        .map(|d| d.path().join("bin"))
        .filter(|p| p.join("initdb").exists())
        .collect();
    dirs.sort();
    dirs.pop()
        .expect("no initdb under /usr/lib/postgresql/*/bin")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

/// PostgreSQL refuses to run as root; as root, the cluster runs as the `postgres` user.
fn as_postgres(program: PathBuf) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn start_cluster() -> String {
    let bin = postgres_bin_dir();
    let dir = std::env::temp_dir().join(format!("foxgate-pg-{}", std::process::id()));
    let data = dir.join("data");
    std::fs::create_dir_all(&dir).unwrap();
    let _ = Command::new("chown")
        .args(["-R", "postgres:postgres"])
        .arg(&dir)
        .status();
    let ok = as_postgres(bin.join("initdb"))
        .args([
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
            "-E",
            "UTF8",
            "-D",
        ])
        .arg(&data)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(ok.success(), "initdb failed");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let options = format!(
        "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
        dir.display()
    );
    let ok = as_postgres(bin.join("pg_ctl"))
        .args(["-w", "-D"])
        .arg(&data)
        .args(["-l"])
        .arg(dir.join("log"))
        .args(["-o", &options, "start"])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(
        ok.success(),
        "pg_ctl start failed; see {}/log",
        dir.display()
    );
    // The cluster must not outlive this test process: a watchdog stops it and removes it.
    let stop = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {runuser} {pg_ctl} -D {data} stop -m immediate >/dev/null 2>&1; rm -rf {dir}",
        pid = std::process::id(),
        runuser = if is_root() { "runuser -u postgres --" } else { "" },
        pg_ctl = bin.join("pg_ctl").display(),
        data = data.display(),
        dir = dir.display(),
    );
    // Not waited for on purpose: the watchdog must outlive this process.
    #[allow(clippy::zombie_processes)]
    Command::new("sh")
        .args(["-c", &stop])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    format!("postgres://postgres@127.0.0.1:{port}/postgres")
}

/// A personal token of the signed-in `cookie`'s person, carrying every permission they hold.
pub async fn personal_token(s: &TestServer, cookie: &str, name: &str) -> String {
    let me = json(
        s.api(reqwest::Method::GET, "/api/v1/auth/me", cookie, None)
            .await,
    )
    .await;
    let minted = s
        .api(
            reqwest::Method::POST,
            "/api/v1/orgs/acme/tokens",
            cookie,
            Some(serde_json::json!({"name": name, "kind": "personal",
                        "permissions": me["permissions"]})),
        )
        .await;
    assert_eq!(minted.status(), 201);
    json(minted).await["token"].as_str().unwrap().to_string()
}

pub async fn get(s: &TestServer, who: &str, path: &str) -> serde_json::Value {
    let res = s.api(reqwest::Method::GET, path, who, None).await;
    assert_eq!(res.status(), 200, "{path}");
    json(res).await
}

pub fn field(page: &serde_json::Value, list: &str, name: &str) -> Vec<String> {
    page[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row[name].as_str().unwrap().to_string())
        .collect()
}

/// Walks a paged API list from its first page, `limit` at a time, calling `between` after the first
/// page; the ids seen, in order.
pub async fn walk(
    s: &TestServer,
    who: &str,
    path: &str,
    list: &str,
    limit: u32,
    between: impl AsyncFnOnce(),
) -> Vec<String> {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut page = get(s, who, &format!("{path}{sep}limit={limit}")).await;
    let mut seen = field(&page, list, "id");
    between().await;
    while let Some(cursor) = page["next_cursor"].as_str().map(str::to_string) {
        page = get(s, who, &format!("{path}{sep}limit={limit}&cursor={cursor}")).await;
        assert!(page[list].as_array().unwrap().len() <= limit as usize);
        seen.extend(field(&page, list, "id"));
    }
    seen
}
