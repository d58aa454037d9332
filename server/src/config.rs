//! Configuration: command-line flags, their environment variables, and an optional
//! `foxgate.toml`, in that order of precedence, with defaults for a local SQLite instance.

use clap::Args;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Options shared by every subcommand. Each flag also reads an environment variable.
#[derive(Debug, Clone, Default, Args)]
pub struct Options {
    /// Configuration file (TOML with the same keys as the flags, in snake_case).
    #[arg(long, env = "FOXGATE_CONFIG", global = true)]
    pub config: Option<PathBuf>,
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
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileOptions {
    addr: Option<String>,
    database_url: Option<String>,
    data_dir: Option<PathBuf>,
    public_url: Option<String>,
    site_root: Option<PathBuf>,
    token_cache_ms: Option<u64>,
    session_idle_minutes: Option<u64>,
    session_max_hours: Option<u64>,
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
            Ok(text) => toml::from_str::<FileOptions>(&text)
                .map_err(|e| format!("{}: {e}", path.display()))?,
            Err(_) if explicit_file.is_none() => FileOptions::default(),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        let addr = options
            .addr
            .clone()
            .or(file.addr)
            .unwrap_or_else(|| "127.0.0.1:3000".into());
        let data_dir = options
            .data_dir
            .clone()
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from("data"));
        let database_url = options
            .database_url
            .clone()
            .or(file.database_url)
            .unwrap_or_else(|| sqlite_url(&data_dir.join("foxgate.db")));
        let public_url = options
            .public_url
            .clone()
            .or(file.public_url)
            .unwrap_or_else(|| format!("http://{addr}"));
        let site_root = options
            .site_root
            .clone()
            .or(file.site_root)
            .unwrap_or_else(|| PathBuf::from("target/site"));
        let token_cache_ms = options
            .token_cache_ms
            .or(file.token_cache_ms)
            .unwrap_or(1000);
        let session_idle_minutes = options
            .session_idle_minutes
            .or(file.session_idle_minutes)
            .unwrap_or(120);
        let session_max_hours = options
            .session_max_hours
            .or(file.session_max_hours)
            .unwrap_or(24);
        if session_idle_minutes == 0 || session_max_hours == 0 {
            return Err("session timeouts must be at least 1 minute idle and 1 hour in all".into());
        }
        Ok(Config {
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
}
