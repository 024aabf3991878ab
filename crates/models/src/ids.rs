//! Validated ids that are safe to place in a URL path segment.
//!
//! Each id is checked once, when it is made; from then on the client can put it in a path
//! without re-checking. None of them can hold `/`, `?`, `#`, `%`, `..` or be empty, so a
//! value can never change which URL a request goes to.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize};

use crate::ValidationError;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $field:literal, $check:path) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Checks `value` and wraps it.
            ///
            /// # Errors
            ///
            /// A [`ValidationError`] naming the field when the value is not a valid id.
            pub fn new(value: impl Into<String>) -> Result<Self, ValidationError> {
                let value = value.into();
                $check(&value).map_err(|reason| ValidationError::new($field, reason))?;
                Ok(Self(value))
            }

            /// The id as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The id as an owned `String`.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({:?})"), self.0)
            }
        }

        impl FromStr for $name {
            type Err = ValidationError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::new(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = ValidationError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::new(s)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = ValidationError;
            fn try_from(s: &str) -> Result<Self, Self::Error> {
                Self::new(s)
            }
        }

        impl TryFrom<&String> for $name {
            type Error = ValidationError;
            fn try_from(s: &String) -> Result<Self, Self::Error> {
                Self::new(s.as_str())
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::new(s).map_err(serde::de::Error::custom)
            }
        }
    };
}

id_type!(
    /// A Cloudflare account id: usually 32 hex digits, such as
    /// `023e105f4ecef8ad9ca31a8372d0c353`. Any 1 to 32 ASCII letters or digits are accepted
    /// (the API documents an "Identifier" of at most 32 characters); an error describes the
    /// usual shape and names the first character that does not fit.
    ///
    /// ```
    /// use cfzt_models::AccountId;
    /// let account: AccountId = "023e105f4ecef8ad9ca31a8372d0c353".parse()?;
    /// assert!("../etc".parse::<AccountId>().is_err());
    /// # Ok::<(), cfzt_models::ValidationError>(())
    /// ```
    AccountId,
    "account_id",
    check_account_id
);

id_type!(
    /// An Access user id: a hyphenated UUID such as `f174e90a-fafe-4643-bbbc-4a0ed4fc8415`.
    ///
    /// ```
    /// use cfzt_models::UserId;
    /// let user: UserId = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415".parse()?;
    /// let err = "not-a-uuid".parse::<UserId>().unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "invalid `user_id`: must be a hyphenated UUID such as f174e90a-fafe-4643-bbbc-4a0ed4fc8415 \
    ///      (got 10 characters, not 36)"
    /// );
    /// assert!("f174e90a/../x".parse::<UserId>().is_err());
    /// # Ok::<(), cfzt_models::ValidationError>(())
    /// ```
    UserId,
    "user_id",
    check_user_id
);

id_type!(
    /// The nonce of an active session (`metadata.nonce` of an [`crate::ActiveSession`]),
    /// such as `X1aXj1lFVcqqyoXF`: 1 to 128 characters from `A-Z a-z 0-9 - _ . ~`, and not
    /// made of dots only.
    ///
    /// ```
    /// use cfzt_models::SessionNonce;
    /// let nonce: SessionNonce = "X1aXj1lFVcqqyoXF".parse()?;
    /// assert!("..".parse::<SessionNonce>().is_err());
    /// # Ok::<(), cfzt_models::ValidationError>(())
    /// ```
    SessionNonce,
    "nonce",
    check_nonce
);

/// An example of each id, quoted by the error messages.
const USER_ID_EXAMPLE: &str = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415";
const ACCOUNT_ID_EXAMPLE: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const NONCE_EXAMPLE: &str = "X1aXj1lFVcqqyoXF";

/// The first character that would change a URL's structure, or is not even ASCII text:
/// named first, ahead of any length or shape detail, because it is what went wrong.
fn structural_char(value: &str) -> Option<(usize, char)> {
    value
        .chars()
        .enumerate()
        .find(|&(_, c)| matches!(c, '/' | '\\' | '?' | '#' | '%' | '&' | '=' | '+') || !c.is_ascii_graphic())
}

/// `(found '/' at character 37)` and the like: where the first unexpected character is,
/// escaped so that a control character cannot reach a log raw.
fn found(at: usize, c: char) -> String {
    let shown = if c.is_ascii_graphic() { format!("'{c}'") } else { format!("U+{:04X}", u32::from(c)) };
    format!("found {shown} at character {}", at + 1)
}

/// Says what an id must look like, then what this value got wrong: the shape leads.
fn shape_error(shape: &str, detail: Option<String>) -> String {
    match detail {
        Some(detail) => format!("{shape} ({detail})"),
        None => shape.to_string(),
    }
}

/// The first problem of `value` against the id rule: empty, a structural character,
/// too long, or a character `allowed` refuses.
fn first_problem(value: &str, max: usize, allowed: impl Fn(char) -> bool) -> Option<String> {
    let len = value.chars().count();
    if value.is_empty() {
        return Some("got an empty string".into());
    }
    if let Some((at, c)) = structural_char(value) {
        return Some(found(at, c));
    }
    if len > max {
        return Some(format!("got {len} characters, at most {max}"));
    }
    value.chars().enumerate().find(|&(_, c)| !allowed(c)).map(|(at, c)| found(at, c))
}

/// Any 1 to 32 ASCII letters or digits are accepted, as before: the API documents the
/// account id as an "Identifier" of at most 32 characters. The message describes the usual
/// shape, 32 hex digits.
fn check_account_id(value: &str) -> Result<(), String> {
    match first_problem(value, 32, |c| c.is_ascii_alphanumeric()) {
        None => Ok(()),
        Some(detail) => Err(shape_error(
            &format!("must be an account id of 32 hex digits such as {ACCOUNT_ID_EXAMPLE}"),
            Some(detail),
        )),
    }
}

/// Only a hyphenated UUID (8-4-4-4-12 hex digits, any case), as the API documents and
/// sends. The length comes before a wrong character, so `not-a-uuid` is told its length.
fn check_user_id(value: &str) -> Result<(), String> {
    const DASHES: [usize; 4] = [8, 13, 18, 23];
    let detail = if value.is_empty() {
        Some("got an empty string".to_string())
    } else if let Some((at, c)) = structural_char(value) {
        Some(found(at, c))
    } else if value.len() != 36 {
        Some(format!("got {} characters, not 36", value.len()))
    } else {
        value.char_indices().find(|&(i, c)| if DASHES.contains(&i) { c != '-' } else { !c.is_ascii_hexdigit() }).map(
            |(i, c)| {
                let want = if DASHES.contains(&i) { "'-'" } else { "a hex digit" };
                format!("{}, where {want} belongs", found(i, c))
            },
        )
    };
    match detail {
        None => Ok(()),
        Some(detail) => Err(shape_error(&format!("must be a hyphenated UUID such as {USER_ID_EXAMPLE}"), Some(detail))),
    }
}

fn check_nonce(value: &str) -> Result<(), String> {
    let shape =
        format!("must be a session nonce such as {NONCE_EXAMPLE}: 1 to 128 of A-Z a-z 0-9 - _ . ~, not dots only");
    let detail = first_problem(value, 128, |c| c.is_ascii_alphanumeric() || "-_.~".contains(c))
        .or_else(|| value.bytes().all(|b| b == b'.').then(|| "got dots only".to_string()));
    match detail {
        None => Ok(()),
        Some(detail) => Err(shape_error(&shape, Some(detail))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_everything_that_changes_a_url() {
        let hostile = ["", "..", ".", "/", "a/b", "a?b", "a#b", "%2e%2e", "%2F", "a b", "a\nb", "a\\b", "é", "\u{0}"];
        for s in hostile {
            assert!(AccountId::new(s).is_err(), "account {s:?}");
            assert!(UserId::new(s).is_err(), "user {s:?}");
            assert!(SessionNonce::new(s).is_err(), "nonce {s:?}");
        }
    }

    #[test]
    fn account_id_table() {
        let cases = [
            ("023e105f4ecef8ad9ca31a8372d0c353", true),
            ("1234567890", true),
            ("023e105f4ecef8ad9ca31a8372d0c3531", false), // 33 characters
            ("023e105f-4ecef8", false),
        ];
        for (s, ok) in cases {
            assert_eq!(AccountId::new(s).is_ok(), ok, "{s:?}");
        }
        let err = AccountId::new("a/b").unwrap_err();
        assert_eq!(err.field(), "account_id");
        assert_eq!(
            err.to_string(),
            "invalid `account_id`: must be an account id of 32 hex digits such as \
             023e105f4ecef8ad9ca31a8372d0c353 (found '/' at character 2)"
        );
    }

    #[test]
    fn user_id_table() {
        let cases = [
            ("f174e90a-fafe-4643-bbbc-4a0ed4fc8415", true),
            ("F174E90A-FAFE-4643-BBBC-4A0ED4FC8415", true),
            ("f174e90afafe4643bbbc4a0ed4fc8415", false),
            ("f174e90a-fafe-4643-bbbc-4a0ed4fc841", false),
            ("f174e90a-fafe-4643-bbbc-4a0ed4fc84155", false),
            ("f174e90a-fafe-4643-bbbc4-a0ed4fc8415", false),
            ("g174e90a-fafe-4643-bbbc-4a0ed4fc8415", false),
        ];
        for (s, ok) in cases {
            assert_eq!(UserId::new(s).is_ok(), ok, "{s:?}");
        }
        assert_eq!(UserId::new("").unwrap_err().field(), "user_id");
    }

    /// Every id error leads with the shape the id must have, then names the first thing
    /// wrong: a character that would change the URL before a length, a length before a
    /// wrong letter.
    #[test]
    fn messages_lead_with_the_shape() {
        const UUID: &str = "must be a hyphenated UUID such as f174e90a-fafe-4643-bbbc-4a0ed4fc8415";
        const ACCOUNT: &str = "must be an account id of 32 hex digits such as 023e105f4ecef8ad9ca31a8372d0c353";
        let user = |s: &str| UserId::new(s).unwrap_err().reason().to_string();
        let account = |s: &str| AccountId::new(s).unwrap_err().reason().to_string();
        let nonce = |s: &str| SessionNonce::new(s).unwrap_err().reason().to_string();
        let cases: [(String, String); 14] = [
            (user("not-a-uuid"), format!("{UUID} (got 10 characters, not 36)")),
            (user(""), format!("{UUID} (got an empty string)")),
            (user("f174e90a-fafe-4643-bbbc-4a0ed4fc8415/../x"), format!("{UUID} (found '/' at character 37)")),
            (user("f174e90a-fafe-4643-bbbc-4a0ed4fc8415?x"), format!("{UUID} (found '?' at character 37)")),
            (user("f174e90a-fafe-4643-bbbc-4a0ed4fc841%"), format!("{UUID} (found '%' at character 36)")),
            (user("f174e90a-fafe-4643-bbbc-4a0ed4fc8415\n"), format!("{UUID} (found U+000A at character 37)")),
            (user("f174e90a fafe"), format!("{UUID} (found U+0020 at character 9)")),
            (user("g174e90a-fafe-4643-bbbc-4a0ed4fc8415"), format!("{UUID} (found 'g' at character 1, where a hex digit belongs)")),
            (user("f174e90afafe-4643-bbbc-4a0ed4fc8415-"), format!("{UUID} (found 'f' at character 9, where '-' belongs)")),
            (user("f174e90afafe4643bbbc4a0ed4fc8415"), format!("{UUID} (got 32 characters, not 36)")),
            (account("023e105f4ecef8ad9ca31a8372d0c353/../x"), format!("{ACCOUNT} (found '/' at character 33)")),
            (account(&"a".repeat(33)), format!("{ACCOUNT} (got 33 characters, at most 32)")),
            (account("023e105f-4ecef8"), format!("{ACCOUNT} (found '-' at character 9)")),
            (nonce(".."), "must be a session nonce such as X1aXj1lFVcqqyoXF: 1 to 128 of A-Z a-z 0-9 - _ . ~, not dots only (got dots only)".into()),
        ];
        for (got, want) in cases {
            assert_eq!(got, want);
        }
    }

    #[test]
    fn nonce_table() {
        let cases = [
            ("X1aXj1lFVcqqyoXF", true),
            ("a.b-c_d~e", true),
            ("...", false),
            ("a+b", false),
            (&*"x".repeat(129), false),
        ];
        for (s, ok) in cases {
            assert_eq!(SessionNonce::new(s).is_ok(), ok, "{s:?}");
        }
    }

    #[test]
    fn deserialize_validates() {
        assert!(serde_json::from_str::<UserId>(r#""f174e90a-fafe-4643-bbbc-4a0ed4fc8415""#).is_ok());
        assert!(serde_json::from_str::<UserId>(r#""../x""#).is_err());
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn url_safe(s: &str) -> bool {
            !s.is_empty()
                && !s.bytes().all(|b| b == b'.')
                && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_.~".contains(c))
        }

        proptest! {
            #[test]
            fn accepted_ids_can_never_change_a_url(s in ".{0,40}|[a-zA-Z0-9./%?#~_-]{0,40}") {
                for ok in [AccountId::new(s.as_str()).is_ok(), UserId::new(s.as_str()).is_ok(), SessionNonce::new(s.as_str()).is_ok()] {
                    if ok {
                        prop_assert!(url_safe(&s), "accepted {s:?}");
                    }
                }
            }

            #[test]
            fn well_formed_uuids_are_accepted(bytes in any::<[u8; 16]>()) {
                let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
                let uuid = format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..]);
                prop_assert!(UserId::new(uuid).is_ok());
            }
        }
    }
}
