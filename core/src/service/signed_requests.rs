//! Secure-mode tokens at the door: a request signed (RFC 9421) with the private key of the
//! public key its token is bound to. The signature is checked against the request as
//! received, the body against its `Content-Digest`, and the nonce is remembered for the
//! signature window, so a captured request cannot be sent again. Refusals answer, count and
//! audit exactly like a refused bearer token.

use super::bearer;
use super::Services;
use crate::authz::{Principal, RequestContext};
use crate::http_signature::{self as sig, Fields, Message, Refusal};
use crate::store;
use crate::Error;
use std::collections::{BTreeMap, HashSet};
use std::hash::BuildHasher;
use std::sync::Mutex;

/// Nonces are remembered in buckets of this many seconds of `created`.
const BUCKET_SECS: i64 = 10;
/// The most nonces remembered at once (a few bytes each): beyond it, signed requests are
/// refused as rate-limited until the oldest bucket ages out, rather than memory growing.
pub const MAX_NONCES: usize = 4_000_000;

/// The nonces of accepted signed requests, by the bucket of their signature's `created`.
/// A replay carries the same signed `created` and nonce, so it lands in the same bucket;
/// buckets older than the signature window are dropped whole. Entries are keyed hashes of
/// (token, nonce), so a token's nonces cannot collide with another's by choice.
#[derive(Default)]
pub struct Nonces {
    hasher: std::collections::hash_map::RandomState,
    buckets: Mutex<NonceBuckets>,
}

#[derive(Default)]
struct NonceBuckets {
    by_bucket: BTreeMap<i64, HashSet<u64>>,
    len: usize,
}

impl std::fmt::Debug for Nonces {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let len = self.buckets.lock().map_or(0, |b| b.len);
        f.debug_struct("Nonces").field("remembered", &len).finish()
    }
}

/// Whether a nonce was new (and is now remembered).
#[derive(Debug, PartialEq, Eq)]
pub enum NonceUse {
    First,
    Replayed,
    /// Too many nonces in the window to remember another.
    Full,
}

impl Nonces {
    pub fn first_use(&self, token_id: &str, nonce: &str, created: i64, now_secs: i64) -> NonceUse {
        let key = self.hasher.hash_one((token_id, nonce));
        let bucket = created.div_euclid(BUCKET_SECS);
        let oldest = (now_secs - sig::MAX_AGE_SECS).div_euclid(BUCKET_SECS);
        let mut b = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        // Drop the buckets no acceptable signature can fall in any more.
        while let Some(entry) = b.by_bucket.first_entry() {
            if *entry.key() >= oldest {
                break;
            }
            let dropped = entry.remove().len();
            b.len -= dropped;
        }
        if b.by_bucket
            .get(&bucket)
            .is_some_and(|set| set.contains(&key))
        {
            return NonceUse::Replayed;
        }
        if b.len >= MAX_NONCES {
            return NonceUse::Full;
        }
        b.by_bucket.entry(bucket).or_default().insert(key);
        b.len += 1;
        NonceUse::First
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.buckets.lock().map_or(0, |b| b.len)
    }
}

/// A request as the signature sees it: the headers through `F`, the body as received.
pub struct SignedRequest<'a, F: Fields> {
    pub signature_input: &'a str,
    pub signature: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub fields: &'a F,
    pub body: &'a [u8],
}

/// The public URL's scheme and `@authority`: what callers address Foxgate by.
fn origin(public_url: &str) -> (&str, String) {
    let (scheme, rest) = public_url.split_once("://").unwrap_or(("http", public_url));
    let authority = rest.split('/').next().unwrap_or(rest);
    (scheme, sig::authority_of(scheme, authority))
}

/// The Principal of a signed request, or the same refusals as a bearer token's: 401 for
/// every failure (audited on the token when its key id is a real token, counted per
/// address), `token_expired` for an expired one, 429 when the address failed too often.
pub async fn authenticate<F: Fields>(
    s: &Services,
    request: &SignedRequest<'_, F>,
    context: RequestContext,
) -> Result<Principal, Error> {
    let ip = context.ip.clone().unwrap_or_else(|| "unknown".into());
    let refuse = || bearer::refusal(s, &ip);
    let presented = match sig::presented(request.signature_input, request.signature) {
        Ok(presented) => presented,
        Err(refusal) => {
            tracing::info!(reason = refusal.as_str(), %ip, "signed request refused");
            return Err(refuse());
        }
    };
    let Some(verified) = bearer::find(s, &presented.keyid).await? else {
        tracing::info!(key_id = %presented.keyid.chars().take(40).collect::<String>(), %ip, "signed request refused: unknown key id");
        return Err(refuse());
    };
    let row = &verified.row;
    let Some(key) = &row.public_key else {
        return Err(bearer::refused(s, row, "not_secure_mode", &context, &ip).await);
    };
    let now = store::now_ms();
    if let Some(reason) = bearer::refusal_reason(row, true, now) {
        return Err(bearer::refused(s, row, reason, &context, &ip).await);
    }
    let now_secs = now.div_euclid(1000);
    if let Err(refusal) = check(s, &presented, request, key, now_secs).await {
        return Err(bearer::refused(s, row, refusal.as_str(), &context, &ip).await);
    }
    // Only a verified signature's nonce is remembered: forgeries cannot fill the memory.
    match s
        .nonces
        .first_use(&row.id, &presented.nonce, presented.created, now_secs)
    {
        NonceUse::First => {}
        NonceUse::Replayed => {
            let reason = Refusal::Replayed.as_str();
            return Err(bearer::refused(s, row, reason, &context, &ip).await);
        }
        NonceUse::Full => {
            tracing::warn!(
                remembered = MAX_NONCES,
                "signed request refused: nonce memory full"
            );
            return Err(Error::RateLimited {
                retry_after_secs: BUCKET_SECS.unsigned_abs(),
            });
        }
    }
    let Some(principal) = bearer::acting_as(s, &verified, &context).await? else {
        return Err(bearer::refused(s, row, "user_gone", &context, &ip).await);
    };
    bearer::record_use(s, row, &context).await?;
    Ok(principal)
}

/// The signature's rules, the body's digest, then the signature itself (Ed25519 through
/// the batching verifier thread, P-256 here).
async fn check<F: Fields>(
    s: &Services,
    presented: &sig::Presented,
    request: &SignedRequest<'_, F>,
    key: &sig::PublicKey,
    now_secs: i64,
) -> Result<(), Refusal> {
    let (scheme, authority) = origin(&s.public_url);
    let message = Message {
        method: request.method,
        scheme,
        authority: &authority,
        path: request.path,
        query: request.query,
        fields: request.fields,
        has_body: !request.body.is_empty(),
    };
    let base = presented.prepare(&message, key, now_secs)?;
    match request.fields.values("content-digest").as_slice() {
        [] => {}
        [digest] => sig::digest::matches(digest, request.body)?,
        _ => return Err(Refusal::Malformed),
    }
    let valid = match key {
        sig::PublicKey::Ed25519(ed25519) => {
            match ed25519_dalek::Signature::from_slice(presented.signature()) {
                Ok(signature) => {
                    s.signature_batch
                        .verifies(*ed25519, base.into_bytes(), signature)
                        .await
                }
                Err(_) => false,
            }
        }
        other => other.verifies(base.as_bytes(), presented.signature()),
    };
    if valid {
        Ok(())
    } else {
        Err(Refusal::BadSignature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nonce_is_accepted_once_per_token_within_the_window() {
        let nonces = Nonces::default();
        let now = 1_700_000_000;
        assert_eq!(nonces.first_use("t1", "n1", now, now), NonceUse::First);
        assert_eq!(
            nonces.first_use("t1", "n1", now, now + 1),
            NonceUse::Replayed
        );
        assert_eq!(nonces.first_use("t2", "n1", now, now), NonceUse::First);
        assert_eq!(nonces.len(), 2);
        // Past the window the bucket is dropped: the signature itself is stale by then.
        let later = now + sig::MAX_AGE_SECS + 2 * BUCKET_SECS;
        assert_eq!(nonces.first_use("t3", "n", later, later), NonceUse::First);
        assert_eq!(nonces.len(), 1);
    }

    #[test]
    fn origin_is_the_public_urls() {
        assert_eq!(
            origin("https://Fox.example:443"),
            ("https", "fox.example".into())
        );
        assert_eq!(
            origin("http://127.0.0.1:3000"),
            ("http", "127.0.0.1:3000".into())
        );
    }
}
