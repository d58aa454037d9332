//! Names and labels people type (org, team, role, token, provider names): trimmed, bounded,
//! and free of control and bidirectional-formatting characters, which could make a name in
//! the console or the activity log read as something it is not.

use crate::Error;

/// Unicode's bidirectional embedding, override and isolate controls, and the marks.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether a character may never appear in a name.
pub fn is_forbidden(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// A required name of 1 to `max` characters, trimmed.
pub fn name(field: &'static str, value: &str, max: usize) -> Result<String, Error> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(Error::invalid(
            field,
            format!("must be 1 to {max} characters"),
        ));
    }
    free_text(field, value, max)
}

/// Optional text of at most `max` characters, trimmed (may be empty).
pub fn free_text(field: &'static str, value: &str, max: usize) -> Result<String, Error> {
    let value = value.trim();
    if value.chars().count() > max {
        return Err(Error::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if value.chars().any(is_forbidden) {
        return Err(Error::invalid(
            field,
            "must not contain control or text-direction characters",
        ));
    }
    Ok(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_refuse_control_and_bidi_characters() {
        assert_eq!(name("name", "  Data  ", 10).unwrap(), "Data");
        for bad in [
            "",
            "a\u{202E}gnp.exe",
            "a\nb",
            "x\u{2066}y",
            "\u{0007}",
            "12345678901",
        ] {
            assert!(name("name", bad, 10).is_err(), "{bad:?}");
        }
        assert_eq!(
            name("name", "Équipe données", 20).unwrap(),
            "Équipe données"
        );
        assert!(free_text("description", "", 10).is_ok());
    }
}
