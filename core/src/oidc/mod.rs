//! Talking OpenID Connect to an org's IdP: discovery and signing keys (cached; the keys are
//! fetched again when a token names an unknown `kid`), the authorization request (code flow,
//! PKCE S256, state, nonce), the code exchange, and every check of the ID token. Core runs no
//! HTTP server; this is the client half of the "sign in" use case, so it lives beside it.

pub mod bearer;
pub mod issuer;
mod outbound;
pub mod trust;
mod verify;

pub use trust::IdpPolicy;
pub use verify::{Groups, Identity};

use crate::model::ProviderKind;
use crate::model::SigninRefusal;
use crate::secret::Secret;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreJsonWebKeySet, CoreProviderMetadata,
};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope,
};
use std::collections::HashMap;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long discovery and keys are trusted before being fetched again.
const CACHE_FOR: Duration = Duration::from_secs(15 * 60);
/// An unknown `kid` fetches the keys again at once, but not again for this long: a stream
/// of forged tokens must not turn Foxgate into a load generator against the IdP.
const KEY_REFETCH_GAP: Duration = Duration::from_secs(10);
/// How long a failed discovery is answered from memory.
const FAILURE_CACHED_FOR: Duration = Duration::from_secs(10);
/// Issuers remembered at most, per cache.
const MAX_CACHED_ISSUERS: usize = 1_000;

/// What sign-in needs of one provider's settings.
#[derive(Debug, Clone)]
pub struct ProviderRef<'a> {
    pub kind: ProviderKind,
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub scopes: &'a [String],
    pub groups_claim: Option<&'a str>,
}

/// Why a step failed. `reason()` is the stable code written to the audit log; the message
/// is plain words for "Test connection" and the server log, and never holds a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("discovery failed: {0}")]
    Discovery(String),
    #[error("signing keys (JWKS) could not be fetched: {0}")]
    Keys(String),
    #[error("the code exchange failed: {0}")]
    Exchange(String),
    #[error("the token response holds no ID token")]
    NoIdToken,
    #[error("the ID token is not a well-formed JWT: {0}")]
    Malformed(String),
    #[error("the ID token's signature does not verify: {0}")]
    Signature(String),
    #[error("the ID token names no key the IdP publishes")]
    UnknownKey,
    #[error("the ID token comes from another issuer: {0}")]
    Issuer(String),
    #[error("the ID token is meant for another client: {0}")]
    Audience(String),
    #[error("the ID token's authorized party (azp) is another client")]
    AuthorizedParty,
    #[error("the ID token has expired: {0}")]
    Expired(String),
    #[error("the ID token was issued too long ago or in the future: {0}")]
    IssuedAt(String),
    #[error("the ID token's nonce does not match this sign-in: {0}")]
    Nonce(String),
    #[error("the access token does not match the ID token's at_hash")]
    AccessTokenHash,
    #[error("the ID token lacks a required claim: {0}")]
    MissingClaim(&'static str),
}

impl Problem {
    pub fn reason(&self) -> SigninRefusal {
        match self {
            Problem::Discovery(_) => SigninRefusal::DiscoveryFailed,
            Problem::Keys(_) => SigninRefusal::JwksFailed,
            Problem::Exchange(_) => SigninRefusal::CodeExchangeFailed,
            Problem::NoIdToken => SigninRefusal::IdTokenMissing,
            Problem::Malformed(_) => SigninRefusal::IdTokenMalformed,
            Problem::Signature(_) | Problem::UnknownKey => SigninRefusal::BadSignature,
            Problem::Issuer(_) => SigninRefusal::WrongIssuer,
            Problem::Audience(_) | Problem::AuthorizedParty => SigninRefusal::WrongAudience,
            Problem::Expired(_) => SigninRefusal::TokenExpired,
            Problem::IssuedAt(_) => SigninRefusal::StaleToken,
            Problem::Nonce(_) => SigninRefusal::NonceMismatch,
            Problem::AccessTokenHash => SigninRefusal::AtHashMismatch,
            Problem::MissingClaim(_) => SigninRefusal::MissingClaim,
        }
    }
}

/// A provider's discovery document with its signing keys, and which issuers it stands for.
#[derive(Debug)]
pub struct Discovered {
    pub metadata: CoreProviderMetadata,
    pub expected_issuer: issuer::Expected,
    /// RP-initiated logout, when the IdP offers it (not part of the core metadata type).
    pub end_session_endpoint: Option<String>,
    fetched_at: Instant,
}

/// The first leg of a sign-in: where to send the browser, and what to keep (server-side,
/// in the session) to check the way back.
#[derive(Debug)]
pub struct Authorization {
    pub url: String,
    pub state: Secret<String>,
    pub nonce: Secret<String>,
    pub pkce_verifier: Secret<String>,
}

/// The OpenID Connect client shared by every request: one HTTP client (no redirects, and a
/// resolver that refuses internal addresses, so a provider URL cannot be bent towards the
/// network Foxgate runs in) and the discovery cache.
#[derive(Debug)]
pub struct Oidc {
    http: openidconnect::reqwest::Client,
    policy: IdpPolicy,
    cache: Mutex<HashMap<String, Arc<Discovered>>>,
    /// Discovery that failed recently, per issuer: a broken IdP is not asked again on every
    /// sign-in attempt.
    failures: Mutex<HashMap<String, (Instant, Problem)>>,
    /// When an unknown `kid` last made each issuer's keys be fetched again.
    refetched: Mutex<HashMap<String, Instant>>,
}

impl Default for Oidc {
    fn default() -> Self {
        Self::new(IdpPolicy::default())
    }
}

/// Inserts into a cache map keyed by issuer, dropping the oldest half when it is full. The
/// keys are stored providers' issuers, so the bound is a backstop, not the common case.
fn bounded_insert<V>(
    map: &mut HashMap<String, V>,
    key: &str,
    value: V,
    age: impl Fn(&V) -> Instant,
) {
    if map.len() >= MAX_CACHED_ISSUERS && !map.contains_key(key) {
        let mut ages: Vec<Instant> = map.values().map(&age).collect();
        ages.sort();
        let cutoff = ages[ages.len() / 2];
        map.retain(|_, v| age(v) > cutoff);
    }
    map.insert(key.to_string(), value);
}

impl Oidc {
    pub fn new(policy: IdpPolicy) -> Self {
        let http = openidconnect::reqwest::Client::builder()
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .dns_resolver(Arc::new(outbound::GuardedResolver(policy)))
            .build()
            .expect("a TLS client with default settings builds");
        Self {
            http,
            policy,
            cache: Mutex::new(HashMap::new()),
            failures: Mutex::new(HashMap::new()),
            refetched: Mutex::new(HashMap::new()),
        }
    }

    pub fn policy(&self) -> IdpPolicy {
        self.policy
    }

    fn cached(&self, issuer: &str) -> Option<Arc<Discovered>> {
        let cache = self.cache.lock().expect("discovery cache lock");
        cache.get(issuer).cloned()
    }

    /// Discovery and keys, from the cache while fresh; a recent failure is answered again
    /// without asking the IdP.
    pub async fn discover(&self, p: &ProviderRef<'_>) -> Result<Arc<Discovered>, Problem> {
        if let Some(d) = self
            .cached(p.issuer)
            .filter(|d| d.fetched_at.elapsed() < CACHE_FOR)
        {
            return Ok(d);
        }
        let failed = {
            let failures = self.failures.lock().expect("discovery failures lock");
            failures
                .get(p.issuer)
                .filter(|(at, _)| at.elapsed() < FAILURE_CACHED_FOR)
                .map(|(_, problem)| problem.clone())
        };
        if let Some(problem) = failed {
            return Err(problem);
        }
        self.fetch(p).await
    }

    /// Fetches discovery and keys now, bypassing the cache ("Test connection", unknown `kid`).
    pub async fn fetch(&self, p: &ProviderRef<'_>) -> Result<Arc<Discovered>, Problem> {
        let result = self.fetch_uncached(p).await;
        let mut failures = self.failures.lock().expect("discovery failures lock");
        match &result {
            Ok(_) => {
                failures.remove(p.issuer);
            }
            Err(problem) => bounded_insert(
                &mut failures,
                p.issuer,
                (Instant::now(), problem.clone()),
                |v| v.0,
            ),
        }
        result
    }

    async fn fetch_uncached(&self, p: &ProviderRef<'_>) -> Result<Arc<Discovered>, Problem> {
        self.policy
            .check_provider_url(p.kind, "issuer", p.issuer)
            .map_err(Problem::Discovery)?;
        let url = format!(
            "{}/.well-known/openid-configuration",
            p.issuer.trim_end_matches('/')
        );
        let body = self.get_json(&url).await.map_err(Problem::Discovery)?;
        let metadata: CoreProviderMetadata = serde_json::from_slice(&body).map_err(|e| {
            Problem::Discovery(format!(
                "{url} is not an OpenID discovery document ({})",
                where_in(&e)
            ))
        })?;
        let discovered_issuer = metadata.issuer().as_str();
        let expected_issuer =
            issuer::expected(p.kind, p.issuer, discovered_issuer).map_err(Problem::Discovery)?;
        // The document speaks for the provider only where the provider may be: an `entra`
        // provider's issuer, keys and token endpoint are all Microsoft's.
        self.policy
            .check_provider_url(
                p.kind,
                "discovered issuer",
                &discovered_issuer.replace(issuer::TENANT_PLACEHOLDER, "tenant"),
            )
            .map_err(Problem::Discovery)?;
        if let Some(token) = metadata.token_endpoint() {
            self.policy
                .check_provider_url(p.kind, "token_endpoint", token.as_str())
                .map_err(Problem::Discovery)?;
        }
        let jwks_url = metadata.jwks_uri().url().to_string();
        self.policy
            .check_provider_url(p.kind, "jwks_uri", &jwks_url)
            .map_err(Problem::Discovery)?;
        let end_session_endpoint = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|doc| {
                doc.get("end_session_endpoint")?
                    .as_str()
                    .map(str::to_string)
            })
            .filter(|url| same_origin(url, p.issuer));
        let body = self.get_json(&jwks_url).await.map_err(Problem::Keys)?;
        let keys: CoreJsonWebKeySet = serde_json::from_slice(&body).map_err(|e| {
            Problem::Keys(format!(
                "{jwks_url} is not a JSON Web Key Set ({})",
                where_in(&e)
            ))
        })?;
        if keys.keys().is_empty() {
            return Err(Problem::Keys(format!("{jwks_url} publishes no keys")));
        }
        let discovered = Arc::new(Discovered {
            metadata: metadata.set_jwks(keys),
            expected_issuer,
            end_session_endpoint,
            fetched_at: Instant::now(),
        });
        let mut cache = self.cache.lock().expect("discovery cache lock");
        bounded_insert(&mut cache, p.issuer, discovered.clone(), |d| d.fetched_at);
        Ok(discovered)
    }

    async fn get_json(&self, url: &str) -> Result<Vec<u8>, String> {
        self.policy.check_url("URL", url)?;
        let response = self
            .http
            .get(url)
            .header("accept", "application/json")
            .send()
            .await
            .map_err(|e| format!("{url} could not be reached ({})", plain_http_error(&e)))?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("{url} answered HTTP {status}"));
        }
        outbound::read_capped(response)
            .await
            .map_err(|e| format!("{url}: {e}"))
    }

    /// Starts a sign-in: fresh state, nonce and PKCE verifier, and the IdP URL to visit.
    pub async fn authorization(
        &self,
        p: &ProviderRef<'_>,
        redirect_uri: &str,
        login_hint: Option<&str>,
    ) -> Result<Authorization, Problem> {
        let d = self.discover(p).await?;
        let client = CoreClient::from_provider_metadata(
            d.metadata.clone(),
            ClientId::new(p.client_id.to_string()),
            None,
        )
        .set_redirect_uri(redirect_url(redirect_uri)?);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge);
        for scope in p.scopes.iter().filter(|s| s.as_str() != "openid") {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        if let Some(hint) = login_hint {
            request = request.add_extra_param("login_hint", hint.to_string());
        }
        let (url, state, nonce) = request.url();
        Ok(Authorization {
            url: url.to_string(),
            state: Secret::new(state.secret().clone()),
            nonce: Secret::new(nonce.secret().clone()),
            pkce_verifier: Secret::new(verifier.secret().clone()),
        })
    }

    /// Exchanges the code and checks the ID token; the identity it proves, or why not.
    pub async fn complete(
        &self,
        p: &ProviderRef<'_>,
        client_secret: &Secret<String>,
        redirect_uri: &str,
        code: &str,
        pkce_verifier: &Secret<String>,
        nonce: &Secret<String>,
    ) -> Result<Identity, Problem> {
        let d = self.discover(p).await?;
        let client = CoreClient::from_provider_metadata(
            d.metadata.clone(),
            ClientId::new(p.client_id.to_string()),
            Some(ClientSecret::new(client_secret.expose().clone())),
        )
        .set_redirect_uri(redirect_url(redirect_uri)?);
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| Problem::Exchange(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.expose().clone()))
            .request_async(&outbound::CappedClient(&self.http))
            .await
            .map_err(|e| Problem::Exchange(describe_token_error(&e)))?;
        let raw = openidconnect::TokenResponse::id_token(&response)
            .ok_or(Problem::NoIdToken)?
            .to_string();
        let access_token = response.access_token();
        let check =
            |d: &Discovered| verify::id_token(d, p, client_secret, &raw, nonce, access_token);
        match check(&d) {
            Err(Problem::UnknownKey) if self.may_refetch(p.issuer) => {
                // The IdP may have rotated its keys since they were cached.
                let fresh = self.fetch(p).await?;
                check(&fresh)
            }
            result => result,
        }
    }
}

impl Oidc {
    /// Whether an unknown `kid` may fetch this issuer's keys again now (and notes it).
    fn may_refetch(&self, issuer: &str) -> bool {
        let mut refetched = self.refetched.lock().expect("refetch times lock");
        let now = Instant::now();
        match refetched.get(issuer) {
            Some(at) if now.duration_since(*at) < KEY_REFETCH_GAP => false,
            _ => {
                bounded_insert(&mut refetched, issuer, now, |at| *at);
                true
            }
        }
    }
}

fn redirect_url(uri: &str) -> Result<RedirectUrl, Problem> {
    RedirectUrl::new(uri.to_string())
        .map_err(|e| Problem::Exchange(format!("the redirect URI {uri} is not a URL: {e}")))
}

/// Where a document failed to parse, without quoting it: an answer's contents never reach
/// the console or the log.
fn where_in(e: &serde_json::Error) -> String {
    format!(
        "{:?} error at line {}, column {}",
        e.classify(),
        e.line(),
        e.column()
    )
}

fn plain_http_error(e: &openidconnect::reqwest::Error) -> String {
    if e.is_timeout() {
        "no answer within 10 seconds".into()
    } else if e.is_connect() {
        "connection refused or host unknown".into()
    } else {
        e.to_string()
    }
}

fn describe_token_error<RE: std::error::Error + 'static, T: openidconnect::ErrorResponse>(
    e: &RequestTokenError<RE, T>,
) -> String {
    match e {
        RequestTokenError::ServerResponse(r) => format!("the IdP refused it: {r}"),
        RequestTokenError::Request(r) => {
            let mut text = format!("the token endpoint could not be reached: {r}");
            let mut source = std::error::Error::source(r);
            while let Some(cause) = source {
                text.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            text
        }
        RequestTokenError::Parse(r, _) => format!("the token response is not valid: {r}"),
        RequestTokenError::Other(r) => r.clone(),
    }
}

/// Whether `url` has exactly the issuer's scheme, host and port: an end-session endpoint
/// elsewhere would send signing-out users (with their ID token) to someone else.
fn same_origin(url: &str, issuer: &str) -> bool {
    match (url::Url::parse(url), url::Url::parse(issuer)) {
        (Ok(a), Ok(b)) => a.origin() == b.origin(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::same_origin;

    #[test]
    fn end_session_endpoints_must_share_the_issuers_origin() {
        let issuer = "https://acme.okta.com/oauth2/default";
        assert!(same_origin(
            "https://acme.okta.com/oauth2/default/v1/logout",
            issuer
        ));
        for other in [
            "https://evil.example/logout",
            "http://acme.okta.com/logout",
            "https://acme.okta.com:8443/logout",
            "https://acme.okta.com.evil.example/logout",
            "not a url",
        ] {
            assert!(!same_origin(other, issuer), "{other}");
        }
    }
}
