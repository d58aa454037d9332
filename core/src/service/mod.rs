//! The use cases: one async fn each, which authorizes first, validates, then writes the
//! change and its audit event in one transaction. API routes and server functions both call these.

pub mod applications;
pub mod audit_chain;
pub mod bearer;
pub mod consequences;
pub mod console;
pub mod decision_log;
pub mod decisions;
pub mod denials;
pub mod domains;
pub mod events;
pub mod idp_bearer;
pub mod introspection;
pub mod limiter;
pub mod members;
pub mod orgs;
pub mod page;
pub mod password;
pub mod principal;
pub mod recent;
pub mod roles;
pub mod scope;
pub mod scripts;
pub mod sessions;
pub mod setup;
pub mod signature_batch;
pub mod signed_requests;
pub mod signin;
pub mod signing;
pub mod sso;
pub mod sso_providers;
pub mod teams;
pub mod token_cache;
pub mod tokens;
pub mod use_case;

use crate::secret::Secret;
use crate::store::Db;
use std::sync::atomic::AtomicBool;
use std::sync::Mutex;

/// Everything the use cases need, shared by every request.
#[derive(Debug)]
pub struct Services {
    pub db: Db,
    /// The rate limits and once-a-minute throttles.
    pub limits: limiter::Limits,
    /// Recently verified team and org admin tokens.
    pub token_cache: token_cache::TokenCache,
    /// Each org's application vocabulary, compiled (see `authz::application`).
    pub vocabularies: recent::Recent<crate::authz::Vocabulary>,
    /// Team and org tokens' Principals as last built (without a request's context).
    pub token_principals: recent::Recent<crate::authz::Principal>,
    /// Members' Principals as last built (org, user → None when not a member), for their
    /// sessions and personal tokens.
    pub member_principals: recent::Recent<Option<crate::authz::Principal>>,
    /// The subjects decisions were recently asked about, with their grants.
    pub subjects: recent::Recent<decisions::Subject>,
    /// A team named by a decision (org, slug or id) → its id, or None for no such team.
    pub team_ids: recent::Recent<Option<String>>,
    /// Scripts' access tokens as last verified (by the token's SHA-256), with what they act as.
    pub access_tokens: recent::Recent<(crate::jwt::AccessClaims, crate::authz::Principal)>,
    /// Introspection answers about team and org tokens, as last built.
    pub introspections: recent::Recent<crate::model::Introspection>,
    /// Nonces of accepted signed requests, for the signature window.
    pub nonces: signed_requests::Nonces,
    /// The thread that verifies signed requests' Ed25519 signatures, in batches when busy.
    pub signature_batch: signature_batch::SignatureBatch,
    /// Whether each org logs denied decisions.
    pub denial_logging: recent::Recent<bool>,
    /// Decision counts and denials waiting to be written to the activity log.
    pub decision_log: decision_log::DecisionLog,
    /// The one-time code that authorizes first-run setup through the web; None once set up.
    setup_code: Mutex<Option<Secret<String>>>,
    /// The keys derived from the server key (token hashes, session ids, sealing, audit
    /// signatures), shared with the session store.
    pub keys: std::sync::Arc<crate::keys::Keys>,
    /// The OpenID Connect client and its discovery cache.
    pub oidc: crate::oidc::Oidc,
    /// Seals and opens stored client secrets.
    pub keyring: crate::seal::Keyring,
    /// The keys access tokens are signed with, as last loaded.
    pub signing: signing::SigningKeys,
    /// The public URL people and services reach Foxgate at (the issuer it names itself by).
    pub public_url: String,
    /// Where IdPs send people back: `<public URL>/sso/callback`.
    pub sso_redirect_uri: String,
    /// Where domain verification asks for TXT records; None: domains cannot be verified.
    pub dns_resolver: Option<crate::dns::Resolver>,
    /// The shortest audit retention an org may set (days); the operator's floor.
    pub audit_min_retention_days: u32,
    /// Set once setup is seen done; it never goes back, so the database is asked only until then.
    setup_done: AtomicBool,
}

impl Services {
    /// Trusts a verified token for `ttl` without reading its row again (the server trusts
    /// loaded sessions as long).
    /// The same time bounds what the vocabulary, decision and member Principal caches may
    /// miss of another process's changes (this process's own commits drop them at once).
    pub fn with_token_cache(mut self, ttl: std::time::Duration) -> Self {
        self.token_cache = token_cache::TokenCache::new(ttl);
        self.vocabularies = recent::Recent::new(ttl);
        self.subjects = recent::Recent::new(ttl);
        self.token_principals = recent::Recent::new(ttl);
        self.member_principals = recent::Recent::new(ttl);
        self.team_ids = recent::Recent::new(ttl);
        self.denial_logging = recent::Recent::new(ttl);
        self.introspections = recent::Recent::new(ttl);
        self.access_tokens = recent::Recent::new(ttl);
        self
    }

    /// Which identity providers may be used (loopback ones only in development).
    pub fn with_idp_policy(mut self, policy: crate::oidc::IdpPolicy) -> Self {
        self.oidc = crate::oidc::Oidc::new(policy);
        self
    }

    /// The resolver domain verification asks.
    pub fn with_dns_resolver(mut self, resolver: Option<crate::dns::Resolver>) -> Self {
        self.dns_resolver = resolver;
        self
    }

    /// The operator's floor on audit retention (days).
    pub fn with_audit_min_retention_days(mut self, days: u32) -> Self {
        self.audit_min_retention_days = days;
        self
    }

    /// The public URL people reach Foxgate at, which the SSO redirect URI is built from.
    /// Failed bearer tokens an address may present per minute before it is answered 429.
    pub fn with_token_failures_per_minute(mut self, max: u32) -> Self {
        self.limits.token_failures = limiter::FailureLimiter::bearer_per_minute(max);
        self
    }

    pub fn with_public_url(mut self, public_url: &str) -> Self {
        self.public_url = public_url.trim_end_matches('/').to_string();
        self.sso_redirect_uri = format!("{}/sso/callback", self.public_url);
        self
    }

    pub fn new(db: Db, token_key: Secret<[u8; 32]>) -> Self {
        let keys = crate::keys::Keys::derive(&token_key);
        Self {
            db: db.with_head_key(keys.head_mac()),
            limits: limiter::Limits::default(),
            token_cache: token_cache::TokenCache::new(std::time::Duration::ZERO),
            vocabularies: recent::Recent::new(std::time::Duration::ZERO),
            subjects: recent::Recent::new(std::time::Duration::ZERO),
            token_principals: recent::Recent::new(std::time::Duration::ZERO),
            member_principals: recent::Recent::new(std::time::Duration::ZERO),
            team_ids: recent::Recent::new(std::time::Duration::ZERO),
            denial_logging: recent::Recent::new(std::time::Duration::ZERO),
            introspections: recent::Recent::new(std::time::Duration::ZERO),
            access_tokens: recent::Recent::new(std::time::Duration::ZERO),
            decision_log: Default::default(),
            nonces: Default::default(),
            signature_batch: signature_batch::SignatureBatch::start(),
            setup_code: Mutex::new(None),
            oidc: crate::oidc::Oidc::default(),
            keyring: crate::seal::Keyring::new(
                crate::seal::SealKey::from_bytes(keys.seal_key()),
                vec![],
            ),
            signing: Default::default(),
            public_url: "http://127.0.0.1:3000".into(),
            sso_redirect_uri: "http://127.0.0.1:3000/sso/callback".into(),
            keys: std::sync::Arc::new(keys),
            audit_min_retention_days: 30,
            dns_resolver: crate::dns::Resolver::system(),
            setup_done: AtomicBool::new(false),
        }
    }

    /// The org's application vocabulary, compiled once and kept until something changes.
    pub async fn vocabulary(
        &self,
        conn: &mut sqlx::AnyConnection,
        org_id: &str,
    ) -> Result<std::sync::Arc<crate::authz::Vocabulary>, crate::Error> {
        let generation = self.db.generation();
        self.vocabularies
            .get_or_load(org_id, generation, || async {
                let declarations: Vec<_> = crate::store::applications::list(conn, org_id)
                    .await?
                    .iter()
                    .map(|a| a.declaration())
                    .collect();
                Ok(crate::authz::Vocabulary::compile(&declarations))
            })
            .await
    }

    /// Application grants from `(permission, team)` pairs, compiled against the org's
    /// vocabulary (no query when there are none, or the vocabulary is at hand).
    pub async fn app_grants(
        &self,
        conn: &mut sqlx::AnyConnection,
        org_id: &str,
        held: &[(crate::authz::AppPermission, Option<String>)],
    ) -> Result<crate::authz::AppGrants, crate::Error> {
        if held.is_empty() {
            return Ok(crate::authz::AppGrants::default());
        }
        let vocabulary = self.vocabulary(conn, org_id).await?;
        Ok(compile_apps(vocabulary, held))
    }

    /// What a token's roles carry, all at one scope (its team, or org-wide), taking a pooled
    /// connection only when the vocabulary must be read: a busy token's request then
    /// touches no database at all.
    pub async fn app_grants_pooled(
        &self,
        org_id: &str,
        held: &[crate::authz::AppPermission],
        team: Option<&str>,
    ) -> Result<crate::authz::AppGrants, crate::Error> {
        if held.is_empty() {
            return Ok(crate::authz::AppGrants::default());
        }
        let vocabulary = match self.vocabularies.get(org_id, self.db.generation()) {
            Some(v) => v,
            None => {
                let mut conn = self.db.pool().acquire().await?;
                self.vocabulary(&mut conn, org_id).await?
            }
        };
        let mut apps = crate::authz::AppGrants::new(vocabulary);
        for p in held {
            apps.add(p, team);
        }
        Ok(apps)
    }
}

fn compile_apps(
    vocabulary: std::sync::Arc<crate::authz::Vocabulary>,
    held: &[(crate::authz::AppPermission, Option<String>)],
) -> crate::authz::AppGrants {
    let mut apps = crate::authz::AppGrants::new(vocabulary);
    for (p, team) in held {
        apps.add(p, team.as_deref());
    }
    apps
}
