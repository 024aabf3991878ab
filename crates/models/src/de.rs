//! Lenient deserializers for the places where the live API is looser than its schema.

use serde::{Deserialize, Deserializer};

use crate::Timestamp;

/// A non-negative integer that may arrive as `3`, `3.0` or `null`. A value that is not a
/// whole non-negative number within range decodes as `None` rather than failing the call.
pub(crate) fn lenient_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let value = Option::<serde_json::Number>::deserialize(d)?;
    Ok(value.and_then(|n| {
        n.as_u64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= u64::MAX as f64).map(|f| f as u64))
    }))
}

/// An RFC 3339 timestamp where an empty string or `null` means "not set".
///
/// The text is parsed where it lies (borrowed from the body, or the parser's scratch
/// buffer when it has escapes), not copied into a `String` first.
pub(crate) fn opt_timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
    struct Text;
    impl<'de> serde::de::Visitor<'de> for Text {
        type Value = Option<Timestamp>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an RFC 3339 timestamp, an empty string or null")
        }

        fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Self::Value, E> {
            if s.is_empty() {
                return Ok(None);
            }
            chrono::DateTime::parse_from_rfc3339(s)
                .map(|t| Some(t.with_timezone(&chrono::Utc)))
                .map_err(|e| E::custom(format_args!("invalid RFC 3339 timestamp {s:?}: {e}")))
        }

        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_str(self)
        }
    }
    d.deserialize_option(Text)
}

/// A list that may be absent or `null`: both mean empty.
pub(crate) fn null_as_empty<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct N {
        #[serde(default, deserialize_with = "lenient_u64")]
        n: Option<u64>,
    }

    #[test]
    fn lenient_u64_table() {
        let cases = [
            (r#"{"n":3}"#, Some(3)),
            (r#"{"n":3.0}"#, Some(3)),
            (r#"{"n":null}"#, None),
            (r#"{}"#, None),
            (r#"{"n":-1}"#, None),
            (r#"{"n":2.5}"#, None),
            (r#"{"n":1e300}"#, None),
        ];
        for (json, want) in cases {
            let got: N = serde_json::from_str(json).unwrap();
            assert_eq!(got.n, want, "{json}");
        }
    }

    #[derive(Debug, Deserialize)]
    struct T {
        #[serde(default, deserialize_with = "opt_timestamp")]
        t: Option<Timestamp>,
    }

    #[test]
    fn timestamps_accept_any_fraction_and_empty() {
        for json in [
            r#"{"t":"2014-01-01T05:20:00.12345Z"}"#,
            r#"{"t":"2014-01-01T05:20:00Z"}"#,
            r#"{"t":"2014-01-01T07:20:00.1+02:00"}"#,
        ] {
            let got: T = serde_json::from_str(json).unwrap();
            assert_eq!(got.t.unwrap().timestamp(), 1388553600, "{json}");
        }
        for json in [r#"{"t":""}"#, r#"{"t":null}"#, "{}"] {
            assert!(serde_json::from_str::<T>(json).unwrap().t.is_none(), "{json}");
        }
        assert!(serde_json::from_str::<T>(r#"{"t":"yesterday"}"#).is_err());
        // Escapes are read through the parser's buffer; other types are refused.
        let escaped: T = serde_json::from_str(r#"{"t":"2014-01-01T05:20:00\u005a"}"#).unwrap();
        assert_eq!(escaped.t.unwrap().timestamp(), 1388553600);
        let err = serde_json::from_str::<T>(r#"{"t":1388553600}"#).unwrap_err().to_string();
        assert!(err.contains("expected an RFC 3339 timestamp"), "{err}");
    }
}
