use std::fmt;

/// A value the caller supplied that cannot be sent: it names the field and says why.
///
/// Returned by the id parsers ([`crate::AccountId`], [`crate::UserId`],
/// [`crate::SessionNonce`]), by [`validate_email`] and by the `validate` methods of the
/// request params.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid `{field}`: {reason}")]
pub struct ValidationError {
    field: &'static str,
    reason: String,
}

impl ValidationError {
    /// A validation error for `field`, with a short reason.
    pub fn new(field: &'static str, reason: impl fmt::Display) -> Self {
        Self { field, reason: reason.to_string() }
    }

    /// The name of the field as the API spells it, e.g. `user_id` or `email`.
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// Why the value was refused.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

/// The longest email accepted, in bytes: a 64-byte local part, `@` and a 255-byte domain.
pub const MAX_EMAIL_LEN: usize = 320;

/// Checks an email address as the request params and the fake server do: the one rule for
/// every `email` this workspace sends or accepts.
///
/// An email is refused when it is empty, longer than [`MAX_EMAIL_LEN`] bytes, holds any
/// whitespace (ASCII or Unicode), any control character (CR, LF, NUL, TAB, DEL, ...) or an
/// invisible formatting character (zero-width spaces and joiners, bidi controls, BOM), or is
/// not `local@domain` with exactly one `@` and both sides non-empty. It is not a full RFC
/// 5322 parser: the API decides the rest. The error names the field `email` and the
/// offending character by its code point, never the raw character.
///
/// ```
/// use cfzt_models::validate_email;
/// assert!(validate_email("jdoe@example.com").is_ok());
/// let err = validate_email("jdoe@example.com\r\nBcc: x@y").unwrap_err();
/// assert_eq!(err.field(), "email");
/// assert_eq!(err.to_string(), "invalid `email`: must not contain U+000D (a control character) at byte 16");
/// ```
///
/// # Errors
///
/// A [`ValidationError`] for the field `email`.
pub fn validate_email(email: &str) -> Result<(), ValidationError> {
    // The usual address passes in one pass over its bytes; the rules below say why not.
    if email.len() <= MAX_EMAIL_LEN && is_plain_address(email.as_bytes()) {
        return Ok(());
    }
    let bad = |reason: String| Err(ValidationError::new("email", reason));
    if email.is_empty() {
        return bad("must not be empty".into());
    }
    validate_email_chars(email)?;
    if email.len() > MAX_EMAIL_LEN {
        return bad(format!("must be at most {MAX_EMAIL_LEN} bytes, got {}", email.len()));
    }
    match email.split_once('@') {
        Some((local, domain)) if !local.is_empty() && !domain.is_empty() && !domain.contains('@') => Ok(()),
        _ => bad("must be an address such as user@example.com".into()),
    }
}

/// Visible ASCII with one `@` that has text on both sides: an address every rule of
/// [`validate_email`] but the length accepts.
fn is_plain_address(bytes: &[u8]) -> bool {
    let mut at = None;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'@' {
            if at.is_some() {
                return false;
            }
            at = Some(i);
        } else if !b.is_ascii_graphic() {
            return false;
        }
    }
    matches!(at, Some(i) if i > 0 && i + 1 < bytes.len())
}

/// The character rule of [`validate_email`] alone: no whitespace, control or invisible
/// formatting character. The list filter `email` takes this rule, so that a filter the API
/// might match loosely is not refused for its shape.
pub(crate) fn validate_email_chars(email: &str) -> Result<(), ValidationError> {
    // The usual email is visible ASCII, none of which is refused: one pass over the bytes.
    if email.bytes().all(|b| b.is_ascii_graphic()) {
        return Ok(());
    }
    match email.char_indices().find_map(|(at, c)| forbidden_in_email(c).map(|kind| (at, c, kind))) {
        Some((at, c, kind)) => {
            Err(ValidationError::new("email", format!("must not contain U+{:04X} ({kind}) at byte {at}", u32::from(c))))
        }
        None => Ok(()),
    }
}

/// What kind of character `c` is, when an email must not hold it.
fn forbidden_in_email(c: char) -> Option<&'static str> {
    if c.is_control() {
        Some("a control character")
    } else if c.is_whitespace() {
        Some("whitespace")
    } else if matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
    {
        Some("an invisible formatting character")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_table() {
        let long_local = format!("{}@example.com", "a".repeat(MAX_EMAIL_LEN));
        let longest = format!("{}@example.com", "a".repeat(MAX_EMAIL_LEN - "@example.com".len()));
        let cases: &[(&str, Option<&str>)] = &[
            ("jdoe@example.com", None),
            ("a@b", None),
            ("j.doe+tag@sub.example.co.uk", None),
            ("jdöe@exämple.com", None),
            ("", Some("must not be empty")),
            ("jdoe", Some("must be an address")),
            ("@example.com", Some("must be an address")),
            ("jdoe@", Some("must be an address")),
            ("a@b@c", Some("must be an address")),
            ("a@@b", Some("must be an address")),
            ("@", Some("must be an address")),
            (&longest, None),
            ("jdoe@example.com\r", Some("U+000D (a control character) at byte 16")),
            ("jdoe@example.com\n", Some("U+000A (a control character)")),
            ("jdoe@example.com\r\nBcc: x@y", Some("U+000D (a control character)")),
            ("jdoe\0@example.com", Some("U+0000 (a control character) at byte 4")),
            ("jdoe@exa\tmple.com", Some("U+0009 (a control character)")),
            ("jdoe@example.com\u{7f}", Some("U+007F (a control character)")),
            ("jdoe@example.com\u{1b}[31m", Some("U+001B (a control character)")),
            ("jdoe@example.com\u{85}", Some("U+0085 (a control character)")),
            (" jdoe@example.com", Some("U+0020 (whitespace) at byte 0")),
            ("jdoe@example.com ", Some("U+0020 (whitespace)")),
            ("j doe@example.com", Some("U+0020 (whitespace)")),
            ("jdoe@example.com\u{a0}", Some("U+00A0 (whitespace)")),
            ("jdoe@example.com\u{2028}", Some("U+2028 (whitespace)")),
            ("jdoe@example.com\u{3000}", Some("U+3000 (whitespace)")),
            ("jdoe\u{200b}@example.com", Some("U+200B (an invisible formatting character)")),
            ("jdoe@example.com\u{202e}", Some("U+202E (an invisible formatting character)")),
            ("\u{feff}jdoe@example.com", Some("U+FEFF (an invisible formatting character)")),
            (&long_local, Some("must be at most 320 bytes")),
        ];
        for (email, want) in cases {
            match (validate_email(email), want) {
                (Ok(()), None) => {}
                (Err(e), Some(needle)) => {
                    assert_eq!(e.field(), "email", "{email:?}");
                    assert!(e.reason().contains(needle), "{email:?}: {e}");
                    assert!(
                        !e.to_string().chars().any(|c| c.is_control()),
                        "{email:?}: the message holds the raw char"
                    );
                }
                (got, _) => panic!("{email:?}: unexpected {got:?}"),
            }
        }
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn no_accepted_email_holds_whitespace_or_a_control(s in ".{0,40}|[a-z@ \t\r\n\0.]{0,20}") {
                if validate_email(&s).is_ok() {
                    prop_assert!(!s.chars().any(|c| c.is_whitespace() || c.is_control()), "accepted {s:?}");
                    prop_assert_eq!(s.matches('@').count(), 1);
                }
            }
        }
    }
}
