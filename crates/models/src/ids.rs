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
    /// A Cloudflare account id: 1 to 32 ASCII letters or digits, such as
    /// `023e105f4ecef8ad9ca31a8372d0c353`.
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

fn check_len(value: &str, max: usize) -> Result<(), String> {
    if value.is_empty() {
        return Err("must not be empty".into());
    }
    if value.len() > max {
        return Err(format!("must be at most {max} characters, got {}", value.len()));
    }
    Ok(())
}

fn first_bad_char(value: &str, allowed: impl Fn(char) -> bool) -> Result<(), String> {
    match value.chars().find(|c| !allowed(*c)) {
        Some(c) => Err(format!("must not contain {c:?}")),
        None => Ok(()),
    }
}

fn check_account_id(value: &str) -> Result<(), String> {
    check_len(value, 32)?;
    first_bad_char(value, |c| c.is_ascii_alphanumeric())
}

fn check_user_id(value: &str) -> Result<(), String> {
    const DASHES: [usize; 4] = [8, 13, 18, 23];
    check_len(value, 36)?;
    first_bad_char(value, |c| c.is_ascii_hexdigit() || c == '-')?;
    let well_formed = value.len() == 36 && value.bytes().enumerate().all(|(i, b)| (b == b'-') == DASHES.contains(&i));
    if well_formed { Ok(()) } else { Err("must be a hyphenated UUID (8-4-4-4-12 hex digits)".into()) }
}

fn check_nonce(value: &str) -> Result<(), String> {
    check_len(value, 128)?;
    first_bad_char(value, |c| c.is_ascii_alphanumeric() || "-_.~".contains(c))?;
    if value.bytes().all(|b| b == b'.') {
        return Err("must not be made of dots only".into());
    }
    Ok(())
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
        assert_eq!(err.to_string(), "invalid `account_id`: must not contain '/'");
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
