//! `Content-Digest` (RFC 9530): the body's hash a signature covers, so signing the header
//! signs the body. SHA-256 and SHA-512 are checked; other algorithms are ignored.

use super::Refusal;
use sfv::{Dictionary, ListEntry, Parser};
use sha2::{Digest, Sha256, Sha512};
use subtle::ConstantTimeEq;

/// Checks a `Content-Digest` header against the body: at least one digest Foxgate knows,
/// and every one it knows matches (one wrong entry is refused even beside a right one).
pub fn matches(header: &str, body: &[u8]) -> Result<(), Refusal> {
    let entries: Dictionary = Parser::new(header)
        .parse()
        .map_err(|_| Refusal::Malformed)?;
    let mut checked = false;
    for (algorithm, entry) in &entries {
        let ListEntry::Item(item) = entry else {
            return Err(Refusal::Malformed);
        };
        let Some(given) = item.bare_item.as_byte_sequence() else {
            return Err(Refusal::Malformed);
        };
        let expected: Vec<u8> = match algorithm.as_str() {
            "sha-256" => Sha256::digest(body).to_vec(),
            "sha-512" => Sha512::digest(body).to_vec(),
            _ => continue,
        };
        if !bool::from(expected.ct_eq(given)) {
            return Err(Refusal::DigestMismatch);
        }
        checked = true;
    }
    if checked {
        Ok(())
    } else {
        Err(Refusal::DigestUnsupported)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `Content-Digest` value of a body (SHA-256), as a client writes it.
    fn of(body: &[u8]) -> String {
        let mut entries = sfv::DictSerializer::new();
        entries.bare_item(
            sfv::KeyRef::constant("sha-256"),
            Sha256::digest(body).as_slice(),
        );
        entries.finish().unwrap_or_default()
    }

    /// RFC 9421 Appendix B.2's test request body and its SHA-512 Content-Digest.
    const BODY: &[u8] = br#"{"hello": "world"}"#;
    const RFC_DIGEST: &str = "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:";

    #[test]
    fn the_rfc_digest_matches_and_a_changed_body_does_not() {
        assert_eq!(matches(RFC_DIGEST, BODY), Ok(()));
        assert_eq!(
            matches(RFC_DIGEST, br#"{"hello": "World"}"#),
            Err(Refusal::DigestMismatch)
        );
        assert_eq!(matches(&of(BODY), BODY), Ok(()));
        assert_eq!(
            matches(&format!("{}, {RFC_DIGEST}", of(b"other")), BODY),
            Err(Refusal::DigestMismatch)
        );
    }

    #[test]
    fn unknown_or_malformed_digests_are_refused() {
        assert_eq!(matches("md5=:AAAA:", BODY), Err(Refusal::DigestUnsupported));
        assert_eq!(matches("sha-256=abc", BODY), Err(Refusal::Malformed));
        assert_eq!(
            matches("sha-256=:not base64!:", BODY),
            Err(Refusal::Malformed)
        );
    }
}
