//! Foxgate's access tokens as JWTs (RFC 9068 profile, pure): EdDSA (Ed25519) compact
//! signatures, the `at+jwt` type, keys published as JWKs (RFC 8037) with a `kid`.
//!
//! Verification is strict and closed: one algorithm, one type, a known key, a valid
//! signature, then the claims — anything else is refused without saying which check failed.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

/// The only algorithm Foxgate signs with or accepts.
pub const ALGORITHM: &str = "EdDSA";
/// RFC 9068 §2.1: the `typ` of an access token, so it cannot pass for an ID token.
pub const TYPE: &str = "at+jwt";
/// A token longer than this is refused before any decoding.
const MAX_LEN: usize = 8 * 1024;

/// A key Foxgate signs with: its id and the private key (never printed).
pub struct Signer25519 {
    pub kid: String,
    key: SigningKey,
}

impl std::fmt::Debug for Signer25519 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer25519")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl Signer25519 {
    pub fn new(kid: String, private: &[u8; 32]) -> Self {
        Self {
            kid,
            key: SigningKey::from_bytes(private),
        }
    }

    pub fn public(&self) -> PublicKey {
        PublicKey {
            kid: self.kid.clone(),
            key: self.key.verifying_key(),
        }
    }

    /// The compact JWS of `claims`.
    pub fn sign<C: Serialize>(&self, claims: &C) -> String {
        let header = serde_json::json!({ "alg": ALGORITHM, "typ": TYPE, "kid": self.kid });
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap_or_default())
        );
        let signature = self.key.sign(input.as_bytes());
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
    }
}

/// A published key: what verifiers (Foxgate included) check signatures with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    pub kid: String,
    key: VerifyingKey,
}

impl PublicKey {
    /// From the stored base64url `x` (the 32-byte public key).
    pub fn from_x(kid: String, x: &str) -> Option<Self> {
        let bytes: [u8; 32] = URL_SAFE_NO_PAD.decode(x).ok()?.try_into().ok()?;
        Some(Self {
            kid,
            key: VerifyingKey::from_bytes(&bytes).ok()?,
        })
    }

    /// The base64url `x` stored and published.
    pub fn x(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.key.as_bytes())
    }

    /// The key as a JWK (RFC 8037 §2).
    pub fn jwk(&self) -> serde_json::Value {
        serde_json::json!({
            "kty": "OKP",
            "crv": "Ed25519",
            "x": self.x(),
            "kid": self.kid,
            "alg": ALGORITHM,
            "use": "sig",
        })
    }
}

/// The claims of a Foxgate access token. Nothing secret: anyone holding it can read them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    /// The user the script acts as.
    pub sub: String,
    pub aud: String,
    pub exp: i64,
    pub iat: i64,
    pub nbf: i64,
    pub jti: String,
    pub org_id: String,
    /// The permissions it carries, space-separated (RFC 9068 §2.2.3).
    pub scope: String,
    /// The script's name, as it asked.
    pub client_id: String,
    /// The script grant it was issued under (revoking the grant refuses it at Foxgate).
    pub grant_id: String,
}

/// Why a presented JWT was refused (kept for logs and tests; callers answer one 401).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Malformed,
    WrongAlgorithm,
    UnknownKey,
    BadSignature,
    WrongIssuer,
    WrongAudience,
    Expired,
    NotYetValid,
}

/// Whether `text` is shaped like a compact JWS (three base64url parts), cheaply.
pub fn looks_like_jwt(text: &str) -> bool {
    text.len() <= MAX_LEN
        && text.split('.').count() == 3
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    typ: Option<String>,
    kid: Option<String>,
}

/// The key id a token names, when it is well formed enough to say (to pick the key).
pub fn kid_of(token: &str) -> Option<String> {
    let header = token.split('.').next()?;
    let header: Header = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).ok()?).ok()?;
    header.kid
}

/// Verifies `token` with `key` (the one its `kid` names), then its claims at `now` (unix
/// seconds) for `issuer` and `audience`, allowing `leeway` seconds of clock skew.
pub fn verify(
    token: &str,
    key: Option<&PublicKey>,
    issuer: &str,
    audience: &str,
    now: i64,
    leeway: i64,
) -> Result<AccessClaims, Refusal> {
    if !looks_like_jwt(token) {
        return Err(Refusal::Malformed);
    }
    let mut parts = token.split('.');
    let (Some(h), Some(c), Some(sig)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(Refusal::Malformed);
    };
    let header: Header = URL_SAFE_NO_PAD
        .decode(h)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or(Refusal::Malformed)?;
    if header.alg != ALGORITHM || header.typ.as_deref() != Some(TYPE) {
        return Err(Refusal::WrongAlgorithm);
    }
    let key = key
        .filter(|k| header.kid.as_deref() == Some(k.kid.as_str()))
        .ok_or(Refusal::UnknownKey)?;
    let signature = URL_SAFE_NO_PAD
        .decode(sig)
        .ok()
        .and_then(|bytes| Signature::from_slice(&bytes).ok())
        .ok_or(Refusal::Malformed)?;
    let input = &token[..h.len() + 1 + c.len()];
    key.key
        .verify_strict(input.as_bytes(), &signature)
        .map_err(|_| Refusal::BadSignature)?;
    let claims: AccessClaims = URL_SAFE_NO_PAD
        .decode(c)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or(Refusal::Malformed)?;
    if claims.iss != issuer {
        return Err(Refusal::WrongIssuer);
    }
    if claims.aud != audience {
        return Err(Refusal::WrongAudience);
    }
    if claims.exp <= now - leeway {
        return Err(Refusal::Expired);
    }
    if claims.nbf > now + leeway {
        return Err(Refusal::NotYetValid);
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(now: i64) -> AccessClaims {
        AccessClaims {
            iss: "https://fox.test".into(),
            sub: "u1".into(),
            aud: "https://fox.test".into(),
            exp: now + 600,
            iat: now,
            nbf: now,
            jti: "j1".into(),
            org_id: "o1".into(),
            scope: "teams:read".into(),
            client_id: "deploy".into(),
            grant_id: "g1".into(),
        }
    }

    fn verify_now(token: &str, key: &PublicKey, now: i64) -> Result<AccessClaims, Refusal> {
        verify(
            token,
            Some(key),
            "https://fox.test",
            "https://fox.test",
            now,
            30,
        )
    }

    #[test]
    fn a_signed_token_verifies_and_any_change_is_refused() {
        let signer = Signer25519::new("k1".into(), &[7; 32]);
        let key = signer.public();
        let now = 1_700_000_000;
        let token = signer.sign(&claims(now));
        assert_eq!(verify_now(&token, &key, now), Ok(claims(now)));
        assert_eq!(kid_of(&token).as_deref(), Some("k1"));

        // Another key with the same id, a changed payload, an expired or future token.
        let other = Signer25519::new("k1".into(), &[8; 32]).public();
        assert_eq!(verify_now(&token, &other, now), Err(Refusal::BadSignature));
        let mut tampered = claims(now);
        tampered.scope = "org:update".into();
        let forged = format!(
            "{}.{}.{}",
            token.split('.').next().unwrap(),
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&tampered).unwrap()),
            token.split('.').nth(2).unwrap()
        );
        assert_eq!(verify_now(&forged, &key, now), Err(Refusal::BadSignature));
        assert_eq!(verify_now(&token, &key, now + 700), Err(Refusal::Expired));
        assert_eq!(
            verify_now(&token, &key, now - 100),
            Err(Refusal::NotYetValid)
        );
        assert_eq!(
            verify(
                &token,
                Some(&key),
                "https://evil.test",
                "https://fox.test",
                now,
                30
            ),
            Err(Refusal::WrongIssuer)
        );
        assert_eq!(
            verify(
                &token,
                Some(&key),
                "https://fox.test",
                "https://api.test",
                now,
                30
            ),
            Err(Refusal::WrongAudience)
        );
        assert_eq!(
            verify(
                &token,
                None,
                "https://fox.test",
                "https://fox.test",
                now,
                30
            ),
            Err(Refusal::UnknownKey)
        );
    }

    #[test]
    fn other_algorithms_and_types_are_refused() {
        let now = 1_700_000_000;
        let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims(now)).unwrap());
        let key = Signer25519::new("k1".into(), &[7; 32]).public();
        for header in [
            r#"{"alg":"none","typ":"at+jwt","kid":"k1"}"#,
            r#"{"alg":"HS256","typ":"at+jwt","kid":"k1"}"#,
            r#"{"alg":"EdDSA","typ":"JWT","kid":"k1"}"#,
            r#"{"alg":"EdDSA","kid":"k1"}"#,
        ] {
            let token = format!("{}.{body}.", URL_SAFE_NO_PAD.encode(header));
            assert_eq!(
                verify_now(&token, &key, now),
                Err(Refusal::WrongAlgorithm),
                "{header}"
            );
        }
        assert_eq!(verify_now("a.b", &key, now), Err(Refusal::Malformed));
        assert!(!looks_like_jwt("fgt_abc_def_ghi"));
    }

    #[test]
    fn the_jwk_round_trips_and_hides_the_private_key() {
        let signer = Signer25519::new("k9".into(), &[3; 32]);
        let public = signer.public();
        let jwk = public.jwk();
        assert_eq!(jwk["kty"], "OKP");
        assert_eq!(jwk["crv"], "Ed25519");
        assert_eq!(jwk["kid"], "k9");
        assert!(jwk.get("d").is_none());
        assert_eq!(
            PublicKey::from_x("k9".into(), jwk["x"].as_str().unwrap()),
            Some(public)
        );
        assert!(!format!("{signer:?}").contains("key:"));
    }
}
