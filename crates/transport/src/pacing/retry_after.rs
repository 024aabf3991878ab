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
