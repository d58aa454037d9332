//! The use cases: one async fn each, which authorizes first, validates, then writes the
//! change and its audit event in one transaction. API routes and server functions both call these.

pub mod audit_chain;
pub mod console;
pub mod denials;
pub mod events;
pub mod limiter;
pub mod members;
pub mod orgs;
pub mod password;
pub mod principal;
pub mod roles;
pub mod scope;
pub mod sessions;
pub mod setup;
pub mod signin;
pub mod sso;
pub mod sso_providers;
pub mod teams;
pub mod tokens;

use crate::secret::Secret;
use crate::store::Db;
use std::sync::atomic::AtomicBool;
use std::sync::Mutex;

/// Everything the use cases need, shared by every request.
#[derive(Debug)]
pub struct Services {
    pub db: Db,
    /// Failed sign-ins per IP and per account.
    pub signin_failures: limiter::FailureLimiter,
    /// Failed bearer tokens per IP.
    pub token_failures: limiter::FailureLimiter,
    /// Single sign-on starts per IP (every start counts).
    pub sso_starts: limiter::FailureLimiter,
    /// When each token's last use was written, so it is written at most once a minute.
    pub token_usage: limiter::OncePerMinute,
    /// Recently verified team and org admin tokens.
    pub token_cache: tokens::TokenCache,
    /// When a refused token was last audited, so a flood of failures is one event a minute.
    pub token_refusals: limiter::OncePerMinute,
    /// When each refused (actor, permission, team) was last audited.
    pub denials: limiter::OncePerMinute,
    /// The one-time code that authorizes first-run setup through the web; None once set up.
    setup_code: Mutex<Option<Secret<String>>>,
    /// HMAC-SHA-256 keyed with the server key, ready to clone: the stored form of token
    /// secrets. Keyed once, because re-keying on every token check was measurable.
    token_mac: Secret<hmac::Hmac<sha2::Sha256>>,
    /// Signs the audit checkpoints a retention purge leaves, with a key derived from the
    /// server key (so a stolen checkpoint key says nothing about token secrets).
    checkpoint_mac: Secret<hmac::Hmac<sha2::Sha256>>,
    /// The OpenID Connect client and its discovery cache.
    pub oidc: crate::oidc::Oidc,
    /// Seals and opens stored client secrets.
    pub keyring: crate::seal::Keyring,
    /// Where IdPs send people back: `<public URL>/sso/callback`.
    pub sso_redirect_uri: String,
    /// Set once setup is seen done; it never goes back, so the database is asked only until then.
    setup_done: AtomicBool,
}

impl Services {
    /// Trusts a verified team or org admin token for `ttl` without reading its row again.
    pub fn with_token_cache(mut self, ttl: std::time::Duration) -> Self {
        self.token_cache = tokens::TokenCache::new(ttl);
        self
    }

    /// The public URL people reach Foxgate at, which the SSO redirect URI is built from.
    pub fn with_public_url(mut self, public_url: &str) -> Self {
        self.sso_redirect_uri = format!("{}/sso/callback", public_url.trim_end_matches('/'));
        self
    }

    pub fn new(db: Db, token_key: Secret<[u8; 32]>) -> Self {
        Self {
            db,
            signin_failures: limiter::FailureLimiter::signin(),
            token_failures: limiter::FailureLimiter::bearer(),
            sso_starts: limiter::FailureLimiter::sso_starts(),
            token_usage: limiter::OncePerMinute::default(),
            token_refusals: limiter::OncePerMinute::default(),
            denials: limiter::OncePerMinute::default(),
            token_cache: tokens::TokenCache::new(std::time::Duration::ZERO),
            setup_code: Mutex::new(None),
            oidc: crate::oidc::Oidc::new(),
            keyring: crate::seal::Keyring::new(crate::seal::SealKey::derive(&token_key), vec![]),
            sso_redirect_uri: "http://127.0.0.1:3000/sso/callback".into(),
            token_mac: Secret::new(
                <hmac::Hmac<sha2::Sha256> as hmac::Mac>::new_from_slice(token_key.expose())
                    .expect("HMAC takes any key length"),
            ),
            checkpoint_mac: Secret::new(audit_chain::checkpoint_mac(&token_key)),
            setup_done: AtomicBool::new(false),
        }
    }
}
