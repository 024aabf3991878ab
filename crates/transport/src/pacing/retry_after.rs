//! `Retry-After`: the one parser of how long a response asks the client to wait.

use std::time::{Duration, SystemTime};

use http::HeaderMap;

/// The wait a response asks for: `retry-after-ms` (milliseconds), else `Retry-After` as
/// seconds (fractions allowed) or an HTTP date (a past date is no wait). Negative, NaN or
/// unparsable values are ignored; a wait too long for a [`Duration`] (`1e30`, `inf`) is
/// `Duration::MAX`, longer than any cap.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    let seconds = |s: f64| (s >= 0.0).then(|| Duration::try_from_secs_f64(s).unwrap_or(Duration::MAX));
    if let Some(ms) = text("retry-after-ms").and_then(|v| v.parse::<f64>().ok()).and_then(|ms| seconds(ms / 1000.0)) {
        return Some(ms);
    }
    let value = text("retry-after")?;
    match value.parse::<f64>() {
        Ok(s) => seconds(s),
        Err(_) => {
            let at = httpdate::parse_http_date(value).ok()?;
            Some(at.duration_since(now).unwrap_or(Duration::ZERO))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use super::*;

    use crate::test_headers as headers;

    #[test]
    fn retry_after_table() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let in_30s = httpdate::fmt_http_date(now + Duration::from_secs(30));
        let ago_30s = httpdate::fmt_http_date(now - Duration::from_secs(30));
        type Headers<'a> = Vec<(&'static str, &'a str)>;
        let cases: Vec<(Headers<'_>, Option<Duration>)> = vec![
            (vec![("retry-after", "1")], Some(Duration::from_secs(1))),
            (vec![("retry-after", " 2 ")], Some(Duration::from_secs(2))),
            (vec![("retry-after", "0.5")], Some(Duration::from_millis(500))),
            (vec![("retry-after", "0")], Some(Duration::ZERO)),
            (vec![("retry-after", "3600")], Some(Duration::from_secs(3600))),
            (vec![("retry-after", &in_30s)], Some(Duration::from_secs(30))),
            (vec![("retry-after", &ago_30s)], Some(Duration::ZERO)),
            (vec![("retry-after", "-1")], None),
            (vec![("retry-after", "NaN")], None),
            (vec![("retry-after", "inf")], Some(Duration::MAX)),
            (vec![("retry-after", "1e400")], Some(Duration::MAX)),
            (vec![("retry-after", "1e30")], Some(Duration::MAX)),
            (vec![("retry-after", "10000000000000000000")], Some(Duration::from_secs(10_000_000_000_000_000_000))),
            (vec![("retry-after", "-inf")], None),
            (vec![("retry-after-ms", "1e300")], Some(Duration::MAX)),
            (vec![("retry-after", "soon")], None),
            (vec![("retry-after", "")], None),
            (vec![("retry-after-ms", "250"), ("retry-after", "9")], Some(Duration::from_millis(250))),
            (vec![("retry-after-ms", "12.5")], Some(Duration::from_micros(12_500))),
            (vec![("retry-after-ms", "x"), ("retry-after", "9")], Some(Duration::from_secs(9))),
            (vec![("retry-after-ms", "-5")], None),
            (vec![], None),
        ];
        for (pairs, want) in cases {
            assert_eq!(retry_after(&headers(&pairs), now), want, "{pairs:?}");
        }
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn retry_after_never_panics(value in ".{0,40}", ms in ".{0,20}", secs in any::<u64>()) {
                let mut h = HeaderMap::new();
                if let Ok(v) = value.parse() {
                    h.insert("retry-after", v);
                }
                if let Ok(v) = ms.parse() {
                    h.insert("retry-after-ms", v);
                }
                let now = UNIX_EPOCH + Duration::from_secs(secs % (1 << 40));
                let _ = retry_after(&h, now);
            }

            #[test]
            fn numeric_retry_after_round_trips(secs in 0u32..100_000) {
                let h = headers(&[("retry-after", &secs.to_string())]);
                prop_assert_eq!(retry_after(&h, SystemTime::now()), Some(Duration::from_secs(secs.into())));
            }
        }
    }
}
