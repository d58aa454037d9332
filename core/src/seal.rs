//! Sealing secrets Foxgate must read back (OIDC client secrets): AES-256-GCM under a key
//! derived from the server key, tagged with that key's id so a rotated key can still open
//! what the previous one sealed. Format: `v1.<key id>.<base64url(nonce ‖ ciphertext)>`.

use crate::secret::Secret;
use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::Digest;

/// One sealing key and its public id (the first 8 bytes of its SHA-256, in hex).
pub struct SealKey {
    id: String,
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// Why a sealed value could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("the value is not in the sealed format")]
    Malformed,
    #[error("sealed under key {0}, which this server does not have")]
    UnknownKey(String),
    #[error(
        "the value does not decrypt under its key (altered, or a different key with the same id)"
    )]
    Altered,
}

impl SealKey {
    /// The sealing key from its bytes (`keys::Keys::seal_key`, derived from the server key,
    /// so one backed-up key covers everything). Its id names it in sealed values.
    pub fn from_bytes(key: &[u8; 32]) -> Self {
        let id = sha2::Sha256::digest(key)[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Self {
            id,
            cipher: Aes256Gcm::new(key.into()),
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn seal(&self, plain: &str) -> String {
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        // The key id is bound as associated data, so a value cannot be relabelled.
        let sealed = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                aes_gcm::aead::Payload {
                    msg: plain.as_bytes(),
                    aad: self.id.as_bytes(),
                },
            )
            .expect("AES-GCM encrypts any message of this size");
        let mut bytes = nonce.to_vec();
        bytes.extend(sealed);
        format!("v1.{}.{}", self.id, URL_SAFE_NO_PAD.encode(bytes))
    }
}

/// The current key (which seals) and older ones (which only open).
#[derive(Debug)]
pub struct Keyring {
    current: SealKey,
    older: Vec<SealKey>,
}

impl Keyring {
    pub fn new(current: SealKey, older: Vec<SealKey>) -> Self {
        Self { current, older }
    }

    pub fn seal(&self, plain: &str) -> String {
        self.current.seal(plain)
    }

    pub fn open(&self, sealed: &str) -> Result<Secret<String>, OpenError> {
        let mut parts = sealed.splitn(3, '.');
        let (Some("v1"), Some(key_id), Some(body)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(OpenError::Malformed);
        };
        let key = std::iter::once(&self.current)
            .chain(&self.older)
            .find(|k| k.id == key_id)
            .ok_or_else(|| OpenError::UnknownKey(key_id.to_string()))?;
        let bytes = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| OpenError::Malformed)?;
        if bytes.len() < 12 {
            return Err(OpenError::Malformed);
        }
        let (nonce, ciphertext) = bytes.split_at(12);
        let plain = key
            .cipher
            .decrypt(
                Nonce::from_slice(nonce),
                aes_gcm::aead::Payload {
                    msg: ciphertext,
                    aad: key.id.as_bytes(),
                },
            )
            .map_err(|_| OpenError::Altered)?;
        String::from_utf8(plain)
            .map(Secret::new)
            .map_err(|_| OpenError::Altered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> SealKey {
        SealKey::from_bytes(crate::keys::Keys::derive(&Secret::new([byte; 32])).seal_key())
    }

    #[test]
    fn opens_what_it_sealed_and_never_shows_the_plain_text() {
        let ring = Keyring::new(key(1), vec![]);
        let sealed = ring.seal("client-secret-value");
        assert!(sealed.starts_with(&format!("v1.{}.", key(1).id())));
        assert!(!sealed.contains("client-secret-value"));
        assert_ne!(
            sealed,
            ring.seal("client-secret-value"),
            "fresh nonce each time"
        );
        assert_eq!(ring.open(&sealed).unwrap().expose(), "client-secret-value");
    }

    #[test]
    fn a_rotated_keyring_still_opens_old_values() {
        let old = Keyring::new(key(1), vec![]).seal("s3cret");
        let rotated = Keyring::new(key(2), vec![key(1)]);
        assert_eq!(rotated.open(&old).unwrap().expose(), "s3cret");
        let without_old = Keyring::new(key(2), vec![]);
        assert_eq!(
            without_old.open(&old).unwrap_err(),
            OpenError::UnknownKey(key(1).id().to_string())
        );
    }

    #[test]
    fn altered_or_relabelled_values_are_refused() {
        let ring = Keyring::new(key(1), vec![key(2)]);
        let sealed = ring.seal("s3cret");
        let mut flipped = sealed.clone().into_bytes();
        let last = flipped.len() - 2;
        flipped[last] = if flipped[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            ring.open(&String::from_utf8(flipped).unwrap()).unwrap_err(),
            OpenError::Altered
        );
        let relabelled = sealed.replace(key(1).id(), key(2).id());
        assert_eq!(ring.open(&relabelled).unwrap_err(), OpenError::Altered);
        assert_eq!(ring.open("plain").unwrap_err(), OpenError::Malformed);
    }
}
