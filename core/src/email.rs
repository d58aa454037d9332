//! Email addresses of local accounts: normalization (for lookup) and a sanity check.

use crate::Error;

/// Trimmed and lowercased: local accounts match emails case-insensitively.
pub fn normalize(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The longest address there is (RFC 5321's path limit less its brackets).
pub const MAX_LEN: usize = 254;

/// Refuses an address too long to be one, before it is looked up, hashed or remembered.
pub fn check_length(field: &'static str, email: &str) -> Result<(), Error> {
    if email.trim().len() > MAX_LEN {
        return Err(Error::invalid(
            field,
            format!("is longer than {MAX_LEN} bytes, so it is no email address"),
        ));
    }
    Ok(())
}

/// A plausible address: one `@`, something on both sides, no spaces, at most 254 bytes.
pub fn validate(field: &'static str, email: &str) -> Result<String, Error> {
    let email = normalize(email);
    let plausible = email.len() <= MAX_LEN
        && !email.chars().any(char::is_whitespace)
        && matches!(email.split_once('@'), Some((local, domain)) if !local.is_empty() && domain.contains('.') && !domain.contains('@') && !domain.starts_with('.') && !domain.ends_with('.'));
    if plausible {
        Ok(email)
    } else {
        Err(Error::invalid(field, "is not a valid email address"))
    }
}

#[cfg(test)]
mod tests {
    use super::validate;

    #[test]
    fn accepts_and_refuses() {
        assert_eq!(
            validate("email", " Ada@Example.COM ").unwrap(),
            "ada@example.com"
        );
        for bad in [
            "",
            "ada",
            "@example.com",
            "ada@",
            "ada@example",
            "a b@example.com",
            "a@b@c.com",
            "ada@.com",
        ] {
            assert!(validate("email", bad).is_err(), "{bad:?} accepted");
        }
    }
}
