//! Password hashing (Argon2id, PHC strings) and the password policy for local accounts.

use crate::secret::Secret;
use crate::Error;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::sync::OnceLock;

pub const MIN_LEN: usize = 12;
pub const MAX_LEN: usize = 1024;

pub fn validate(password: &Secret<String>) -> Result<(), Error> {
    let len = password.expose().chars().count();
    if len < MIN_LEN {
        return Err(Error::invalid(
            "password",
            format!("must be at least {MIN_LEN} characters"),
        ));
    }
    if len > MAX_LEN {
        return Err(Error::invalid(
            "password",
            format!("must be at most {MAX_LEN} characters"),
        ));
    }
    Ok(())
}

/// A password presented at sign-in no longer than any password could be: refused before it
/// is hashed, so a megabyte "password" costs nothing.
pub fn check_length(password: &Secret<String>) -> Result<(), Error> {
    if password.expose().len() > 4 * MAX_LEN {
        return Err(Error::invalid(
            "password",
            format!("must be at most {MAX_LEN} characters"),
        ));
    }
    Ok(())
}

/// Hashes on the blocking pool: Argon2 is meant to take tens of milliseconds of CPU.
pub async fn hash(password: &Secret<String>) -> Result<String, Error> {
    let password = password.clone();
    tokio::task::spawn_blocking(move || hash_now(password.expose()))
        .await
        .map_err(Error::internal)?
}

fn hash_now(password: &str) -> Result<String, Error> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(Error::internal)
}

/// Verifies against `stored`, or against a dummy hash when there is no account, so that
/// unknown emails take as long as wrong passwords.
pub async fn verify(stored: Option<String>, password: &Secret<String>) -> bool {
    let password = password.clone();
    let exists = stored.is_some();
    tokio::task::spawn_blocking(move || {
        let hash = stored.unwrap_or_else(|| dummy_hash().to_string());
        let ok = PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.expose().as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false);
        ok && exists
    })
    .await
    .unwrap_or(false)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_now("foxgate-dummy-password-for-timing").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_then_verify() {
        let pw = Secret::new("correct horse battery".to_string());
        let h = hash(&pw).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify(Some(h.clone()), &pw).await);
        assert!(!verify(Some(h), &Secret::new("wrong horse battery".into())).await);
        assert!(!verify(None, &pw).await);
    }

    #[test]
    fn policy() {
        assert!(validate(&Secret::new("short".into())).is_err());
        assert!(validate(&Secret::new("long enough pw".into())).is_ok());
        assert!(validate(&Secret::new("x".repeat(MAX_LEN + 1))).is_err());
    }
}
