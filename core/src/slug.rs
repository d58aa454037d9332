//! Slugs: the short, URL-safe names of organizations and teams.

use crate::Error;

/// Validates a slug: 2–40 characters of `a-z`, `0-9` and `-`, starting with a letter and not
/// ending with `-`, so it reads well in a URL and never collides with an id.
pub fn validate(field: &'static str, slug: &str) -> Result<String, Error> {
    let slug = slug.trim();
    let len = slug.chars().count();
    if !(2..=40).contains(&len) {
        return Err(Error::invalid(field, "must be 2 to 40 characters long"));
    }
    if !slug
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(Error::invalid(
            field,
            "may contain only lowercase letters, digits and '-'",
        ));
    }
    if !slug.starts_with(|c: char| c.is_ascii_lowercase()) || slug.ends_with('-') {
        return Err(Error::invalid(
            field,
            "must start with a letter and not end with '-'",
        ));
    }
    Ok(slug.to_string())
}

#[cfg(test)]
mod tests {
    use super::validate;

    #[test]
    fn accepts_and_refuses() {
        assert_eq!(validate("slug", " acme-1 ").unwrap(), "acme-1");
        for bad in [
            "a",
            "Acme",
            "1acme",
            "acme-",
            "ac me",
            "acmé",
            &"a".repeat(41),
        ] {
            assert!(validate("slug", bad).is_err(), "{bad:?} accepted");
        }
    }
}
