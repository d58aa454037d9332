//! Every key Foxgate derives from the server key, named and derived once at start. Each is
//! byte-for-byte what it has always been — changing one would orphan stored token hashes,
//! session ids, sealed secrets and audit signatures — and a test pins each.

use crate::secret::Secret;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The server key's derived keys, ready to clone (keying HMAC per use was measurable).
pub struct Keys {
    /// Token secrets are stored as HMAC(server key, "token:" + secret).
    token: Secret<HmacSha256>,
    /// Session row ids are HMAC(server key, "session:" + cookie id).
    session: Secret<HmacSha256>,
    /// IdP client secrets are sealed with AES-256-GCM under HMAC(server key, "foxgate seal v1").
    seal: Secret<[u8; 32]>,
    /// Retention checkpoints are signed under HMAC(server key, "foxgate audit checkpoint key v1").
    checkpoint: Secret<HmacSha256>,
    /// Audit chain heads are signed under HMAC(server key, "foxgate audit chain head key v1").
    head: Secret<HmacSha256>,
}

/// Never the keys themselves.
impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keys").finish_non_exhaustive()
    }
}

fn mac(key: &[u8]) -> HmacSha256 {
    HmacSha256::new_from_slice(key).expect("HMAC takes any key length")
}

/// A key for one purpose: HMAC-SHA-256 of its label under the server key.
fn labelled(server_key: &Secret<[u8; 32]>, label: &[u8]) -> [u8; 32] {
    let mut derive = mac(server_key.expose());
    derive.update(label);
    derive.finalize().into_bytes().into()
}

impl Keys {
    pub fn derive(server_key: &Secret<[u8; 32]>) -> Self {
        Self {
            // Token and session ids are keyed with the server key itself, told apart by
            // the prefix each puts before its input.
            token: Secret::new(mac(server_key.expose())),
            session: Secret::new(mac(server_key.expose())),
            seal: Secret::new(labelled(server_key, b"foxgate seal v1")),
            checkpoint: Secret::new(mac(&labelled(
                server_key,
                b"foxgate audit checkpoint key v1",
            ))),
            head: Secret::new(mac(&labelled(
                server_key,
                b"foxgate audit chain head key v1",
            ))),
        }
    }

    /// The stored form of a token secret.
    pub fn token_hash(&self, secret: &str) -> [u8; 32] {
        let mut mac = self.token.expose().clone();
        mac.update(b"token:");
        mac.update(secret.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// The stored row id of a session, from its cookie id (which it does not reveal).
    pub fn session_row_id(&self, cookie_id: &str) -> [u8; 32] {
        let mut mac = self.session.expose().clone();
        mac.update(b"session:");
        mac.update(cookie_id.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// The AES-256-GCM key IdP client secrets are sealed with.
    pub fn seal_key(&self) -> &[u8; 32] {
        self.seal.expose()
    }

    /// Signs retention checkpoints.
    pub fn checkpoint_mac(&self) -> HmacSha256 {
        self.checkpoint.expose().clone()
    }

    /// Signs audit chain heads.
    pub fn head_mac(&self) -> HmacSha256 {
        self.head.expose().clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    /// The expected values were computed outside Rust (Python's `hmac` and `hashlib`) from
    /// the schemes above, for server key 0x07 × 32.
    #[test]
    fn each_derivation_is_pinned_to_its_bytes() {
        let keys = Keys::derive(&Secret::new([7u8; 32]));
        let b64 = base64::engine::general_purpose::STANDARD_NO_PAD;
        let b64url = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        assert_eq!(
            b64.encode(keys.token_hash("s3cret")),
            "Gg+WYX8jeU6rDmCXQ6qVNpYc12YmtctBbvdnwEKK70U"
        );
        assert_eq!(
            b64url.encode(keys.session_row_id("abc")),
            "tIMlEXEqmRw5tcVNBFuS3v0ErYEPG0U3TBGLtfwkG_c"
        );
        assert_eq!(
            crate::seal::SealKey::from_bytes(keys.seal_key()).id(),
            "87fa7e835d3997b9"
        );
        let sign = |mut m: HmacSha256| {
            m.update(b"m");
            hex(&m.finalize().into_bytes())
        };
        assert_eq!(
            sign(keys.checkpoint_mac()),
            "a26b5d4d6952fb181238236e9bf129f0e5da99b8a1bbd6d5b40920a19639ab37"
        );
        assert_eq!(
            sign(keys.head_mac()),
            "938e664f178a9f22979f907c6c6e588b926a26b3f9fe076105dca399c179781c"
        );
        assert!(!format!("{keys:?}").contains('7'));
    }
}
