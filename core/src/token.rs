//! The API token format (README, "API tokens"), pure: `<kind>_<id>_<secret>_<check>`, e.g.
//! `fgt_3k9w2m7q8d1x5c4v_h8n2…_q7m3x9a`.
//!
//! - kind: `fgt` team token, `fga` org admin token, `fgp` personal token — scanners and
//!   people can tell what leaked at a glance;
//! - id: 16 base32 characters (80 bits), public, safe to log and show;
//! - secret: 32 base32 characters (160 bits), shown once, stored only as a keyed hash;
//! - check: CRC-32 of everything before it, 7 base32 characters, so a typo or a truncated
//!   paste is refused before any database work.
//!
//! Underscores, not dots or dashes, so a double-click selects the whole token. The alphabet
//! is lowercase Crockford base32 (no i, l, o, u).

use crate::secret::Secret;
use serde::{Deserialize, Serialize};

const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
pub const ID_LEN: usize = 16;
pub const SECRET_LEN: usize = 32;
const CHECK_LEN: usize = 7;
/// `kind _ id _ secret _ check`
pub const TOKEN_LEN: usize = 3 + 1 + ID_LEN + 1 + SECRET_LEN + 1 + CHECK_LEN;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    Team,
    OrgAdmin,
    Personal,
}

impl TokenKind {
    pub const ALL: [TokenKind; 3] = [Self::Team, Self::OrgAdmin, Self::Personal];

    pub fn prefix(self) -> &'static str {
        match self {
            Self::Team => "fgt",
            Self::OrgAdmin => "fga",
            Self::Personal => "fgp",
        }
    }

    /// The kind's word in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Team => "team",
            Self::OrgAdmin => "org_admin",
            Self::Personal => "personal",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    fn from_prefix(prefix: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.prefix() == prefix)
    }
}

/// A token whose shape and checksum are right. Its id may be shown; its secret may not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedToken {
    pub kind: TokenKind,
    pub id: String,
    pub secret: Secret<String>,
}

/// Why a presented token was refused before any lookup. Callers answer every one of these
/// with the same `unauthorized`; the reason is for logs and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malformed {
    Length,
    Shape,
    Kind,
    Alphabet,
    Checksum,
}

fn encode(bytes: &[u8], len: usize) -> String {
    // 5 bits per character, most significant first; `len` characters use `len * 5` bits.
    let mut out = String::with_capacity(len);
    let mut acc: u64 = 0;
    let mut bits = 0;
    let mut input = bytes.iter();
    while out.len() < len {
        if bits < 5 {
            acc = (acc << 8) | u64::from(*input.next().unwrap_or(&0));
            bits += 8;
        }
        bits -= 5;
        out.push(ALPHABET[((acc >> bits) & 31) as usize] as char);
    }
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

fn check_of(body: &str) -> String {
    encode(&crc32(body.as_bytes()).to_be_bytes(), CHECK_LEN)
}

/// Builds a token from fresh random bytes (10 for the id, 20 for the secret). Pure: the
/// caller brings the randomness, so tests can be deterministic.
pub fn assemble(kind: TokenKind, id_bytes: &[u8; 10], secret_bytes: &[u8; 20]) -> Secret<String> {
    seal(
        kind,
        &encode(id_bytes, ID_LEN),
        &encode(secret_bytes, SECRET_LEN),
    )
}

/// A token with an existing id and a fresh secret (rotation).
pub fn reseal(kind: TokenKind, id: &str, secret_bytes: &[u8; 20]) -> Secret<String> {
    seal(kind, id, &encode(secret_bytes, SECRET_LEN))
}

/// Joins already-encoded parts and appends their checksum.
pub fn seal(kind: TokenKind, id: &str, secret: &str) -> Secret<String> {
    let body = format!("{}_{id}_{secret}", kind.prefix());
    let check = check_of(&body);
    Secret::new(format!("{body}_{check}"))
}

/// Checks shape and checksum; never touches storage, never panics.
pub fn parse(token: &str) -> Result<ParsedToken, Malformed> {
    if token.len() != TOKEN_LEN {
        return Err(Malformed::Length);
    }
    if !token.bytes().all(|b| b == b'_' || ALPHABET.contains(&b)) {
        return Err(Malformed::Alphabet);
    }
    let mut parts = token.split('_');
    let (Some(prefix), Some(id), Some(secret), Some(check), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(Malformed::Shape);
    };
    if id.len() != ID_LEN || secret.len() != SECRET_LEN || check.len() != CHECK_LEN {
        return Err(Malformed::Shape);
    }
    let kind = TokenKind::from_prefix(prefix).ok_or(Malformed::Kind)?;
    let body = &token[..token.len() - CHECK_LEN - 1];
    if check_of(body) != check {
        return Err(Malformed::Checksum);
    }
    Ok(ParsedToken {
        kind,
        id: id.to_string(),
        secret: Secret::new(secret.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> String {
        assemble(TokenKind::Team, &[7; 10], &[42; 20])
            .expose()
            .clone()
    }

    #[test]
    fn round_trip_and_shape() {
        let token = sample();
        assert_eq!(token.len(), TOKEN_LEN);
        assert!(token.starts_with("fgt_"));
        let parsed = parse(&token).unwrap();
        assert_eq!(parsed.kind, TokenKind::Team);
        assert_eq!(parsed.id.len(), ID_LEN);
        assert_eq!(format!("{:?}", parsed.secret), "<redacted>");
    }

    #[test]
    fn known_crc32() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn refusals_say_why() {
        let token = sample();
        assert_eq!(parse(&token[1..]), Err(Malformed::Length));
        assert_eq!(
            parse(&token.replacen("fgt", "fgx", 1)),
            Err(Malformed::Kind)
        );
        assert_eq!(
            parse(&token.replacen('_', "-", 1)),
            Err(Malformed::Alphabet)
        );
        let mut typo = token.clone().into_bytes();
        let i = 10;
        typo[i] = if typo[i] == b'a' { b'b' } else { b'a' };
        assert_eq!(
            parse(std::str::from_utf8(&typo).unwrap()),
            Err(Malformed::Checksum)
        );
    }
}
