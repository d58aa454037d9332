//! An identity provider's own JWT presented as a bearer token on the API (opt-in per
//! provider): the same checks as a sign-in's ID token where they apply — an asymmetric
//! algorithm from the allow-list, a key the IdP publishes (fetched again on an unknown `kid`,
//! at most once per 10 s per IdP), the exact issuer, the audience the provider was given for
//! the API, expiry and not-before — then the account key, never the email.

use super::{Oidc, Problem, ProviderRef};
use crate::model::ProviderKind;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use openidconnect::core::{CoreJsonWebKey, CoreJwsSigningAlgorithm};
use openidconnect::JsonWebKey;
use serde::Deserialize;

/// Clock difference tolerated between Foxgate and the IdP.
const SKEW_SECS: i64 = 2 * 60;

/// What Foxgate reads of a token before trusting it: which provider it claims to be from.
#[derive(Debug, Deserialize)]
pub struct Unverified {
    pub iss: String,
    #[serde(default)]
    pub tid: Option<String>,
}

/// The claims of a bearer JWT, unverified: only to pick the providers that could have
/// issued it. None when it is not a JWT with an issuer.
pub fn peek(token: &str) -> Option<Unverified> {
    let payload = token.split('.').nth(1)?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
}

#[derive(Deserialize)]
struct Header {
    alg: CoreJwsSigningAlgorithm,
    #[serde(default)]
    kid: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
struct Claims {
    iss: String,
    sub: String,
    aud: Audience,
    exp: i64,
    #[serde(default)]
    nbf: Option<i64>,
    #[serde(default)]
    tid: Option<String>,
    #[serde(default)]
    oid: Option<String>,
}

/// Who a verified token names: the account key Foxgate keys users on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BearerIdentity {
    pub issuer_key: String,
    pub subject: String,
}

impl Oidc {
    /// Verifies `token` as coming from provider `p` for `audience`, at `now` (unix seconds).
    pub async fn verify_bearer(
        &self,
        p: &ProviderRef<'_>,
        token: &str,
        audience: &str,
        now: i64,
    ) -> Result<BearerIdentity, Problem> {
        let d = self.discover(p).await?;
        match check(
            d.metadata.jwks().keys(),
            &d.expected_issuer,
            p,
            token,
            audience,
            now,
        ) {
            Err(Problem::UnknownKey) if self.may_refetch(p.issuer) => {
                let fresh = self.fetch(p).await?;
                check(
                    fresh.metadata.jwks().keys(),
                    &fresh.expected_issuer,
                    p,
                    token,
                    audience,
                    now,
                )
            }
            result => result,
        }
    }
}

fn malformed(why: &str) -> Problem {
    Problem::Malformed(why.to_string())
}

fn check(
    keys: &[CoreJsonWebKey],
    expected: &super::issuer::Expected,
    p: &ProviderRef<'_>,
    token: &str,
    audience: &str,
    now: i64,
) -> Result<BearerIdentity, Problem> {
    let mut parts = token.split('.');
    let (Some(h), Some(c), Some(sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed("not three parts"));
    };
    let header: Header = URL_SAFE_NO_PAD
        .decode(h)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| malformed("header"))?;
    if !super::verify::ALLOWED_ALGS.contains(&header.alg) {
        return Err(Problem::Signature("algorithm not allowed".into()));
    }
    let signature = URL_SAFE_NO_PAD
        .decode(sig)
        .map_err(|_| malformed("signature"))?;
    let key = keys
        .iter()
        .filter(|k| {
            header.kid.is_none() || k.key_id().map(|id| id.as_str()) == header.kid.as_deref()
        })
        .find(|k| {
            k.verify_signature(
                &header.alg,
                &token.as_bytes()[..h.len() + 1 + c.len()],
                &signature,
            )
            .is_ok()
        });
    if key.is_none() {
        let named = keys
            .iter()
            .any(|k| k.key_id().map(|id| id.as_str()) == header.kid.as_deref());
        return Err(if named || header.kid.is_none() {
            Problem::Signature("does not verify".into())
        } else {
            Problem::UnknownKey
        });
    }
    let claims: Claims = URL_SAFE_NO_PAD
        .decode(c)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| malformed("claims"))?;
    if !expected.accepts(&claims.iss, claims.tid.as_deref()) {
        return Err(Problem::Issuer(claims.iss));
    }
    let for_us = match &claims.aud {
        Audience::One(a) => a == audience,
        Audience::Many(list) => list.iter().any(|a| a == audience),
    };
    if !for_us {
        return Err(Problem::Audience("not the API's audience".into()));
    }
    if claims.exp <= now - SKEW_SECS {
        return Err(Problem::Expired("past exp".into()));
    }
    if claims.nbf.is_some_and(|nbf| nbf > now + SKEW_SECS) {
        return Err(Problem::Expired("before nbf".into()));
    }
    // Keyed as at sign-in: Entra ID by cloud, tenant and object id; others by issuer and sub.
    if p.kind == ProviderKind::Entra {
        let (Some(tid), Some(oid)) = (claims.tid, claims.oid) else {
            return Err(Problem::MissingClaim("tid and oid"));
        };
        let issuer_key = super::trust::entra_issuer_key(&claims.iss, &tid)
            .ok_or_else(|| Problem::Issuer(claims.iss.clone()))?;
        return Ok(BearerIdentity {
            issuer_key,
            subject: oid,
        });
    }
    Ok(BearerIdentity {
        issuer_key: claims.iss,
        subject: claims.sub,
    })
}
