//! Configuration: command-line flags, their environment variables, and an optional
//! `foxgate.toml`, in that order of precedence, with defaults for a local SQLite instance.

use clap::Args;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// How a flag (or its variable) lies over the same key of the file.
trait Layer {
    fn over(self, lower: Self) -> Self;
}

impl<T> Layer for Option<T> {
    fn over(self, lower: Self) -> Self {
        self.or(lower)
    }
}

/// A list given on the command line replaces the file's.
impl<T> Layer for Vec<T> {
    fn over(self, lower: Self) -> Self {
        if self.is_empty() {
            lower
        } else {
            self
        }
    }
}

/// A switch is on when either turns it on.
impl Layer for bool {
    fn over(self, lower: Self) -> Self {
        self || lower
    }
}

/// Declares the options once: each field is a flag, its environment variable, and the key
/// of the same name in `foxgate.toml`; `over` layers the flags over the file.
macro_rules! options {
    ($( $(#[$meta:meta])* pub $field:ident: $ty:ty, )*) => {
        /// Options shared by every subcommand. Each flag also reads an environment variable.
        #[derive(Debug, Clone, Default, Args, Deserialize)]
        #[serde(default, deny_unknown_fields)]
        pub struct Options {
            /// Configuration file (TOML with the same keys as the flags, in snake_case).
            #[arg(long, env = "FOXGATE_CONFIG", global = true)]
            #[serde(skip)]
            pub config: Option<PathBuf>,
            $( $(#[$meta])* pub $field: $ty, )*
        }

        impl Options {
            /// These options where given, `lower` (the file's) elsewhere.
            fn over(self, lower: Options) -> Options {
                Options {
                    config: self.config,
                    $( $field: Layer::over(self.$field, lower.$field), )*
                }
            }
        }
    };
}

options! {
    /// Address to listen on.
    #[arg(long, env = "FOXGATE_ADDR", global = true)]
    pub addr: Option<String>,
    /// sqlite://… or postgres://…; default: a SQLite file in the data dir.
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Where the SQLite file and the generated secret key live.
    #[arg(long, env = "FOXGATE_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// The external origin (e.g. https://foxgate.example.com) used for redirects and Origin checks.
    #[arg(long, env = "FOXGATE_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// The folder holding `pkg/` (the compiled wasm, JS and CSS).
    #[arg(long, env = "FOXGATE_SITE_ROOT", global = true)]
    pub site_root: Option<PathBuf>,
    /// How long (ms) a verified team or org admin token may be trusted without reading its
    /// row again; revoking or rotating on this process takes effect at once regardless,
    /// on other processes within this time. 0 reads the row on every request. Default 1000.
    #[arg(long, env = "FOXGATE_TOKEN_CACHE_MS", global = true)]
    pub token_cache_ms: Option<u64>,
    /// A browser session unused this long (minutes) ends. Default 120.
    #[arg(long, env = "FOXGATE_SESSION_IDLE_MINUTES", global = true)]
    pub session_idle_minutes: Option<u64>,
    /// A browser session ends this long (hours) after sign-in, used or not. Default 24.
    #[arg(long, env = "FOXGATE_SESSION_MAX_HOURS", global = true)]
    pub session_max_hours: Option<u64>,
    /// Reverse proxies (CIDRs, comma-separated) whose `X-Forwarded-For` / `Forwarded` header
    /// names the client. Empty (the default): the peer's address is the client's.
    #[arg(
        long,
        env = "FOXGATE_TRUSTED_PROXIES",
        global = true,
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<String>,
    /// Development and tests only: allow identity providers on 127.0.0.1/localhost over plain
    /// http (any kind). Off in production: an org admin could otherwise make Foxgate call
    /// services on its own host.
    /// The variable takes 1/0, true/false, yes/no, on/off.
    #[arg(
        long,
        env = "FOXGATE_DEV_ALLOW_LOOPBACK_IDP",
        global = true,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub dev_allow_loopback_idp: bool,
    /// The shortest audit retention any org may choose, in days. Default 30.
    #[arg(long, env = "FOXGATE_AUDIT_MIN_RETENTION_DAYS", global = true)]
    pub audit_min_retention_days: Option<u32>,
    /// Live activity streams open at once in all (each user or token may hold 5). Default 500.
    #[arg(long, env = "FOXGATE_MAX_LIVE_STREAMS", global = true)]
    pub max_live_streams: Option<usize>,
    /// Failed bearer tokens one address may present per minute before it is answered 429
    /// (an office or a CI fleet behind one address shares it). Default 50.
    #[arg(long, env = "FOXGATE_TOKEN_FAILURES_PER_MINUTE", global = true)]
    pub token_failures_per_minute: Option<u32>,
    /// The DNS server domain verification asks for TXT records (`IP` or `IP:port`).
    /// Default: the first nameserver of /etc/resolv.conf.
    #[arg(long, env = "FOXGATE_DNS_RESOLVER", global = true)]
    pub dns_resolver: Option<String>,
    /// Database connections this process may open at once. Default 8 on SQLite (one writer
    /// at a time; readers beside it), 16 on PostgreSQL.
    #[arg(long, env = "FOXGATE_DB_MAX_CONNECTIONS", global = true)]
    pub db_max_connections: Option<u32>,
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub addr: String,
    pub database_url: String,
    pub data_dir: PathBuf,
    /// Scheme, host and port, without a trailing slash.
    pub public_origin: String,
    pub site_root: PathBuf,
    pub token_cache: std::time::Duration,
    /// Browser sessions end after this long unused…
    pub session_idle: std::time::Duration,
    /// …and this long after sign-in, whatever happens.
    pub session_max: std::time::Duration,
    /// Peers whose forwarding headers are believed.
    pub trusted_proxies: Vec<crate::client_addr::Cidr>,
    /// Loopback identity providers allowed (development and tests).
    pub dev_allow_loopback_idp: bool,
    /// No org keeps its audit log for fewer days.
    pub audit_min_retention_days: u32,
    /// Live activity streams open at once, in all.
    pub max_live_streams: usize,
    /// Failed bearer tokens per address per minute before 429.
    pub token_failures_per_minute: u32,
    /// Where domain verification looks up TXT records; None: nowhere to ask.
    pub dns_resolver: Option<foxgate_core::dns::Resolver>,
    /// Pool size; None: the backend's default.
    pub db_max_connections: Option<u32>,
}

impl Config {
    pub fn https(&self) -> bool {
        self.public_origin.starts_with("https://")
    }

    pub fn resolve(options: &Options) -> Result<Self, String> {
        let explicit_file = options.config.clone();
        let path = explicit_file
            .clone()
            .unwrap_or_else(|| PathBuf::from("foxgate.toml"));
        let file = match std::fs::read_to_string(&path) {
            Ok(text) => {
                toml::from_str::<Options>(&text).map_err(|e| format!("{}: {e}", path.display()))?
            }
            Err(_) if explicit_file.is_none() => Options::default(),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        let o = options.clone().over(file);
        let addr = o.addr.unwrap_or_else(|| "127.0.0.1:3000".into());
        let data_dir = o.data_dir.unwrap_or_else(|| PathBuf::from("data"));
        let database_url = o
            .database_url
            .unwrap_or_else(|| sqlite_url(&data_dir.join("foxgate.db")));
        let public_url = o.public_url.unwrap_or_else(|| format!("http://{addr}"));
        let site_root = o.site_root.unwrap_or_else(|| PathBuf::from("target/site"));
        let token_cache_ms = o.token_cache_ms.unwrap_or(1000);
        let session_idle_minutes = o.session_idle_minutes.unwrap_or(120);
        let session_max_hours = o.session_max_hours.unwrap_or(24);
        if session_idle_minutes == 0 || session_max_hours == 0 {
            return Err("session timeouts must be at least 1 minute idle and 1 hour in all".into());
        }
        let trusted_proxies = o
            .trusted_proxies
            .iter()
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
            .map(|p| {
                p.parse()
                    .map_err(|e| format!("trusted_proxies: {p:?} is not a CIDR ({e})"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let audit_min_retention_days = o.audit_min_retention_days.unwrap_or(30);
        if !(1..=3650).contains(&audit_min_retention_days) {
            return Err("audit_min_retention_days must be 1 to 3650".into());
        }
        let dns_resolver = match o.dns_resolver {
            Some(text) => Some(foxgate_core::dns::Resolver::parse(&text).ok_or_else(|| {
                format!("dns_resolver: {text:?} must be an IP address, optionally with :port")
            })?),
            None => foxgate_core::dns::Resolver::system(),
        };
        if o.db_max_connections == Some(0) {
            return Err("db_max_connections must be at least 1".into());
        }
        if o.token_failures_per_minute == Some(0) {
            return Err("token_failures_per_minute must be at least 1".into());
        }
        Ok(Config {
            db_max_connections: o.db_max_connections,
            token_failures_per_minute: o
                .token_failures_per_minute
                .unwrap_or(foxgate_core::service::limiter::DEFAULT_TOKEN_FAILURES_PER_MINUTE),
            dns_resolver,
            max_live_streams: o.max_live_streams.unwrap_or(500),
            trusted_proxies,
            dev_allow_loopback_idp: o.dev_allow_loopback_idp,
            audit_min_retention_days,
            addr,
            database_url,
            data_dir,
            public_origin: origin_of(&public_url)?,
            site_root,
            token_cache: std::time::Duration::from_millis(token_cache_ms),
            session_idle: std::time::Duration::from_secs(60 * session_idle_minutes),
            session_max: std::time::Duration::from_secs(3600 * session_max_hours),
        })
    }
}

fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

/// `scheme://host[:port]` of a URL, refusing anything but http(s) with a host.
fn origin_of(url: &str) -> Result<String, String> {
    let bad = || format!("public URL {url:?} must look like https://host[:port]");
    let (scheme, rest) = url.split_once("://").ok_or_else(bad)?;
    if scheme != "http" && scheme != "https" {
        return Err(bad());
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || host.contains('@') {
        return Err(bad());
    }
    Ok(format!("{scheme}://{}", host.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        assert_eq!(
            origin_of("https://Fox.example.com/x?y").unwrap(),
            "https://fox.example.com"
        );
        assert_eq!(
            origin_of("http://127.0.0.1:3000").unwrap(),
            "http://127.0.0.1:3000"
        );
        for bad in ["fox.example.com", "ftp://x", "https://", "https://user@x"] {
            assert!(origin_of(bad).is_err(), "{bad}");
        }
    }

    #[derive(clap::Parser)]
    struct Cli {
        #[command(flatten)]
        options: Options,
    }

    #[test]
    fn flags_and_variables_parse() {
        use clap::Parser;
        let cli = Cli::try_parse_from([
            "foxgate",
            "--dev-allow-loopback-idp",
            "--trusted-proxies",
            "10.0.0.0/8,127.0.0.1",
        ])
        .unwrap();
        let c = Config::resolve(&cli.options).unwrap();
        assert!(c.dev_allow_loopback_idp);
        assert_eq!(c.trusted_proxies.len(), 2);
        let off = Config::resolve(&Cli::try_parse_from(["foxgate"]).unwrap().options).unwrap();
        assert!(!off.dev_allow_loopback_idp, "off by default");
        assert!(
            off.trusted_proxies.is_empty(),
            "no proxy trusted by default"
        );
        assert_eq!(off.audit_min_retention_days, 30);
        let bad = Options {
            trusted_proxies: vec!["10.0.0.0/33".into()],
            ..Default::default()
        };
        assert!(Config::resolve(&bad).is_err());
        // The environment variable as the tests and e2e set it.
        std::env::set_var("FOXGATE_DEV_ALLOW_LOOPBACK_IDP", "1");
        let from_env = Cli::try_parse_from(["foxgate"]).unwrap();
        std::env::remove_var("FOXGATE_DEV_ALLOW_LOOPBACK_IDP");
        assert!(from_env.options.dev_allow_loopback_idp);
    }

    #[test]
    fn defaults_point_at_a_local_sqlite_file() {
        let c = Config::resolve(&Options {
            config: None,
            ..Default::default()
        })
        .unwrap();
        assert_eq!(c.addr, "127.0.0.1:3000");
        assert_eq!(c.public_origin, "http://127.0.0.1:3000");
        assert!(c.database_url.starts_with("sqlite://data/foxgate.db"));
        assert_eq!(c.token_cache, std::time::Duration::from_secs(1));
        let strict = Config::resolve(&Options {
            token_cache_ms: Some(0),
            ..Default::default()
        })
        .unwrap();
        assert!(strict.token_cache.is_zero());
        assert_eq!(c.session_idle, std::time::Duration::from_secs(2 * 3600));
        assert_eq!(c.session_max, std::time::Duration::from_secs(24 * 3600));
        let zero = Config::resolve(&Options {
            session_idle_minutes: Some(0),
            ..Default::default()
        });
        assert!(
            zero.is_err(),
            "a zero timeout is refused, not taken as 'never'"
        );
    }

    #[test]
    fn flags_lie_over_the_file_key_by_key() {
        let path = std::env::temp_dir().join(format!("foxgate-config-{}.toml", std::process::id()));
        std::fs::write(
            &path,
            "addr = \"0.0.0.0:1\"\nmax_live_streams = 7\ntrusted_proxies = [\"10.0.0.0/8\"]\ndev_allow_loopback_idp = true\n",
        )
        .unwrap();
        let c = Config::resolve(&Options {
            config: Some(path.clone()),
            addr: Some("127.0.0.1:4000".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(c.addr, "127.0.0.1:4000", "the flag wins");
        assert_eq!(c.max_live_streams, 7, "the file fills what the flags leave");
        assert_eq!(c.trusted_proxies.len(), 1);
        assert!(c.dev_allow_loopback_idp);
        std::fs::write(&path, "adr = \"typo\"\n").unwrap();
        let typo = Config::resolve(&Options {
            config: Some(path.clone()),
            ..Default::default()
        });
        std::fs::remove_file(&path).unwrap();
        assert!(
            typo.unwrap_err().contains("adr"),
            "an unknown key is refused"
        );
    }
}
