//! The public keys a secure-mode token is bound to: Ed25519 or ECDSA P-256, pasted as PEM
//! (SPKI) or as a JWK, kept as a canonical JWK, and used to check signatures.

pub use crate::model::KeyAlgorithm;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// A pasted key longer than this is refused before parsing.
pub const MAX_KEY_TEXT: usize = 4096;

/// A public key a request's signature is checked with.
#[derive(Clone, PartialEq, Eq)]
pub enum PublicKey {
    Ed25519(ed25519_dalek::VerifyingKey),
    P256(p256::ecdsa::VerifyingKey),
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "PublicKey({}, {})",
            self.algorithm().as_str(),
            self.thumbprint()
        )
    }
}

/// The JWK members Foxgate reads (RFC 7517/8037); `d` only to refuse a private key.
#[derive(Deserialize)]
struct Jwk {
    kty: String,
    crv: Option<String>,
    x: Option<String>,
    y: Option<String>,
    d: Option<String>,
}

fn coordinate(value: Option<&str>, name: &str) -> Result<[u8; 32], String> {
    let text = value.ok_or_else(|| format!("the JWK has no {name:?}"))?;
    URL_SAFE_NO_PAD
        .decode(text)
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .ok_or_else(|| format!("the JWK's {name:?} is not 32 bytes of base64url"))
}

impl PublicKey {
    /// Reads a pasted public key: a PEM `PUBLIC KEY` block or a JWK. A private key is
    /// refused with a sentence saying so: Foxgate must never hold one.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.len() > MAX_KEY_TEXT {
            return Err(format!("must be at most {MAX_KEY_TEXT} characters"));
        }
        if text.contains("PRIVATE KEY") {
            return Err("this is a private key: paste the public key only, and keep the private key where it is".into());
        }
        if text.starts_with('{') {
            Self::from_jwk(text)
        } else if text.starts_with("-----BEGIN PUBLIC KEY-----") {
            Self::from_pem(text)
        } else {
            Err("paste a PEM public key (-----BEGIN PUBLIC KEY-----) or a JWK".into())
        }
    }

    /// A small-order ("weak") Ed25519 key would accept forged signatures, so it is refused
    /// here, once — which is what lets [`Self::verifies`] skip the strict checks per request.
    fn ed25519(key: ed25519_dalek::VerifyingKey) -> Result<Self, String> {
        if key.is_weak() {
            return Err("this Ed25519 key is of small order: anyone could sign for it".into());
        }
        Ok(Self::Ed25519(key))
    }

    fn from_pem(text: &str) -> Result<Self, String> {
        use ed25519_dalek::pkcs8::DecodePublicKey as _;
        if let Ok(key) = ed25519_dalek::VerifyingKey::from_public_key_pem(text) {
            return Self::ed25519(key);
        }
        p256::ecdsa::VerifyingKey::from_public_key_pem(text)
            .map(Self::P256)
            .map_err(|_| "not an Ed25519 or P-256 public key".into())
    }

    fn from_jwk(text: &str) -> Result<Self, String> {
        let jwk: Jwk = serde_json::from_str(text).map_err(|e| format!("not a JWK: {e}"))?;
        if jwk.d.is_some() {
            return Err("this JWK holds a private key (\"d\"): paste the public key only".into());
        }
        match (jwk.kty.as_str(), jwk.crv.as_deref()) {
            ("OKP", Some("Ed25519")) => {
                let x = coordinate(jwk.x.as_deref(), "x")?;
                ed25519_dalek::VerifyingKey::from_bytes(&x)
                    .map_err(|_| "the JWK's \"x\" is not an Ed25519 point".to_string())
                    .and_then(Self::ed25519)
            }
            ("EC", Some("P-256")) => {
                let (x, y) = (
                    coordinate(jwk.x.as_deref(), "x")?,
                    coordinate(jwk.y.as_deref(), "y")?,
                );
                let mut point = [0u8; 65];
                point[0] = 4;
                point[1..33].copy_from_slice(&x);
                point[33..].copy_from_slice(&y);
                p256::ecdsa::VerifyingKey::from_sec1_bytes(&point)
                    .map(Self::P256)
                    .map_err(|_| "the JWK's \"x\" and \"y\" are not a P-256 point".into())
            }
            _ => Err("only Ed25519 (kty OKP) and P-256 (kty EC) keys are accepted".into()),
        }
    }

    pub fn algorithm(&self) -> KeyAlgorithm {
        match self {
            Self::Ed25519(_) => KeyAlgorithm::Ed25519,
            Self::P256(_) => KeyAlgorithm::EcdsaP256Sha256,
        }
    }

    /// The RFC 7638 canonical JWK (required members, sorted, no spaces): how the key is
    /// stored, and what its thumbprint hashes.
    pub fn to_jwk(&self) -> String {
        match self {
            Self::Ed25519(key) => format!(
                r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#,
                URL_SAFE_NO_PAD.encode(key.as_bytes())
            ),
            Self::P256(key) => {
                let point = key.to_sec1_point(false);
                let bytes = point.as_bytes();
                format!(
                    r#"{{"crv":"P-256","kty":"EC","x":"{}","y":"{}"}}"#,
                    URL_SAFE_NO_PAD.encode(&bytes[1..33]),
                    URL_SAFE_NO_PAD.encode(&bytes[33..65])
                )
            }
        }
    }

    /// RFC 7638 thumbprint (SHA-256, base64url): what a person compares with their key.
    pub fn thumbprint(&self) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(self.to_jwk().as_bytes()))
    }

    /// Whether `signature` signs `message`: Ed25519 (RFC 8032; weak keys were refused when
    /// the key was read, and a malleated signature gains nothing because replays are caught
    /// by nonce — so the cheaper non-strict check suffices) or ECDSA P-256 over SHA-256 with
    /// the raw `r || s` encoding RFC 9421 §3.3.4 prescribes.
    pub fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        match self {
            Self::Ed25519(key) => {
                use ed25519_dalek::Verifier as _;
                ed25519_dalek::Signature::from_slice(signature)
                    .is_ok_and(|sig| key.verify(message, &sig).is_ok())
            }
            Self::P256(key) => {
                use p256::ecdsa::signature::Verifier as _;
                p256::ecdsa::Signature::from_slice(signature)
                    .is_ok_and(|sig| key.verify(message, &sig).is_ok())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 9421 Appendix B.1.4, test-key-ed25519.
    pub const RFC_ED25519_PEM: &str = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=\n-----END PUBLIC KEY-----";
    const RFC_ED25519_X: &str = "JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs";
    /// RFC 9421 Appendix B.1.3, test-key-ecc-p256.
    const RFC_P256_PEM: &str = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqIVYZVLCrPZHGHjP17CTW0/+D9Lf\nw0EkjqF7xB4FivAxzic30tMM4GF+hR6Dxh71Z50VGGdldkkDXZCnTNnoXQ==\n-----END PUBLIC KEY-----";

    #[test]
    fn pem_and_jwk_name_the_same_key() {
        let pem = PublicKey::parse(RFC_ED25519_PEM).unwrap();
        let jwk = PublicKey::parse(&format!(
            r#"{{"kty":"OKP","crv":"Ed25519","x":"{RFC_ED25519_X}","kid":"test-key-ed25519"}}"#
        ))
        .unwrap();
        assert_eq!(pem, jwk);
        assert_eq!(pem.algorithm(), KeyAlgorithm::Ed25519);
        assert_eq!(
            pem.to_jwk(),
            format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{RFC_ED25519_X}"}}"#)
        );
        let p256 = PublicKey::parse(RFC_P256_PEM).unwrap();
        assert_eq!(p256.algorithm(), KeyAlgorithm::EcdsaP256Sha256);
        assert_eq!(PublicKey::parse(&p256.to_jwk()).unwrap(), p256);
        assert_ne!(p256.thumbprint(), pem.thumbprint());
    }

    #[test]
    fn private_keys_and_other_curves_are_refused_in_words() {
        let private = PublicKey::parse("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF\n-----END PRIVATE KEY-----").unwrap_err();
        assert!(private.contains("private key"), "{private}");
        let jwk_private = PublicKey::parse(&format!(
            r#"{{"kty":"OKP","crv":"Ed25519","x":"{RFC_ED25519_X}","d":"n4Ni-HpISpVObnQMW0wOhCKROaIKqKtW_2ZYb2p9KcU"}}"#
        ))
        .unwrap_err();
        assert!(jwk_private.contains("private key"), "{jwk_private}");
        assert!(PublicKey::parse(r#"{"kty":"RSA","n":"AQAB","e":"AQAB"}"#).is_err());
        assert!(PublicKey::parse("ssh-ed25519 AAAA").is_err());
        assert!(PublicKey::parse(&"x".repeat(MAX_KEY_TEXT + 1)).is_err());
        assert!(PublicKey::parse(r#"{"kty":"OKP","crv":"Ed25519","x":"short"}"#).is_err());
        // The identity point: of small order, it would verify forged signatures.
        let weak = format!(
            r#"{{"kty":"OKP","crv":"Ed25519","x":"{}"}}"#,
            URL_SAFE_NO_PAD.encode(
                [1u8]
                    .iter()
                    .chain([0u8; 31].iter())
                    .copied()
                    .collect::<Vec<_>>()
            )
        );
        let refused = PublicKey::parse(&weak).unwrap_err();
        assert!(refused.contains("small order"), "{refused}");
    }
}
