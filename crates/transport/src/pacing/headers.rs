//! Reading what a response says about the rate limit: `Ratelimit`, `Ratelimit-Policy`,
//! `Retry-After`, and the older `X-RateLimit-*` headers.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};

/// What one response said about the rate limit of the credential that sent it.
///
/// Read leniently from Cloudflare's headers (IETF `draft-ietf-httpapi-ratelimit-headers`
/// syntax): `Ratelimit: "default";r=50;t=30` gives [`remaining`](Self::remaining) and
/// [`reset`](Self::reset); `Ratelimit-Policy: "default";q=1200;w=300` gives
/// [`quota`](Self::quota) and [`window`](Self::window). When a header lists several items,
/// the one with the fewest requests remaining counts. `X-RateLimit-Remaining`,
/// `X-RateLimit-Limit` and `X-RateLimit-Reset` are read as a fallback. A malformed header is
/// ignored, never an error.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateLimitStatus {
    /// Requests left in the current window (`r`).
    pub remaining: Option<u64>,
    /// Time until the window resets (`t`).
    pub reset: Option<Duration>,
    /// Requests allowed per window (`q`).
    pub quota: Option<u64>,
    /// The window's length (`w`).
    pub window: Option<Duration>,
}

impl RateLimitStatus {
    /// Reads the rate-limit headers of a response; `None` when it carries none.
    pub fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let mut status = Self::default();
        if let Some((remaining, reset)) = items(headers, "ratelimit")
            .filter_map(|item| Some((param(item, "r")?, param(item, "t"))))
            .min_by_key(|(remaining, _)| *remaining)
        {
            status.remaining = Some(remaining);
            status.reset = reset.map(Duration::from_secs);
        }
        if let Some((quota, window)) = items(headers, "ratelimit-policy")
            .filter_map(|item| Some((param(item, "q")?, param(item, "w"))))
            .min_by_key(|(quota, _)| *quota)
        {
            status.quota = Some(quota);
            status.window = window.map(Duration::from_secs);
        }
        let number = |name: &str| text(headers, name).and_then(|v| v.parse::<u64>().ok());
        status.remaining = status.remaining.or_else(|| number("x-ratelimit-remaining"));
        status.quota = status.quota.or_else(|| number("x-ratelimit-limit"));
        if status.reset.is_none() {
            status.reset = text(headers, "x-ratelimit-reset")
                .and_then(|v| httpdate::parse_http_date(v).ok())
                .map(|at| at.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO));
        }
        (status != Self::default()).then_some(status)
    }

    /// `true` when the server said no request is left in this window.
    pub fn is_exhausted(&self) -> bool {
        self.remaining == Some(0)
    }
}

/// What a request budget learns from one response: its status and rate-limit headers.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observation {
    /// The response's status; a 429 means the credential is blocked.
    pub status: StatusCode,
    /// The rate-limit headers, if the response had any.
    pub rate_limit: Option<RateLimitStatus>,
    /// The wait a 429 asked for (`retry-after-ms` or `Retry-After`).
    pub retry_after: Option<Duration>,
}

impl Observation {
    /// Reads an observation from a response's status and headers.
    pub fn new(status: StatusCode, headers: &HeaderMap) -> Self {
        let retry_after =
            (status == StatusCode::TOO_MANY_REQUESTS).then(|| super::retry_after(headers, SystemTime::now())).flatten();
        Self { status, rate_limit: RateLimitStatus::from_headers(headers), retry_after }
    }

    /// `true` for a 429: the server refused the request for the rate limit.
    pub fn is_refusal(&self) -> bool {
        self.status == StatusCode::TOO_MANY_REQUESTS
    }

    /// How long the server asked every request on this credential to pause, if it did: on
    /// a 429, `Retry-After`, else the window's reset; on another answer, the reset when no
    /// request is left.
    pub fn pause(&self) -> Option<Duration> {
        let reset = self.rate_limit.and_then(|r| r.reset);
        if self.is_refusal() {
            return Some(self.retry_after.or(reset).unwrap_or(Duration::from_secs(1)));
        }
        self.rate_limit.filter(RateLimitStatus::is_exhausted).and(reset)
    }
}

fn text<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim)
}

/// The items of a structured-field list header, over all its lines.
fn items<'h>(headers: &'h HeaderMap, name: &str) -> impl Iterator<Item = &'h str> {
    headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).map(str::trim)
}

/// A non-negative integer parameter `;key=value` of one list item.
fn param(item: &str, key: &str) -> Option<u64> {
    item.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim() == key).then(|| v.trim().parse::<u64>().ok()).flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::test_headers as headers;

    #[test]
    fn header_table() {
        let s = |r: Option<u64>, t: Option<u64>, q: Option<u64>, w: Option<u64>| RateLimitStatus {
            remaining: r,
            reset: t.map(Duration::from_secs),
            quota: q,
            window: w.map(Duration::from_secs),
        };
        type Case<'a> = (Vec<(&'static str, &'a str)>, Option<RateLimitStatus>);
        let cases: Vec<Case<'_>> = vec![
            (vec![], None),
            (vec![("ratelimit", r#""default";r=50;t=30"#)], Some(s(Some(50), Some(30), None, None))),
            (
                vec![("ratelimit", r#""default";r=50;t=30"#), ("ratelimit-policy", r#""default";q=1200;w=300"#)],
                Some(s(Some(50), Some(30), Some(1200), Some(300))),
            ),
            // Several items: the tightest counts.
            (vec![("ratelimit", r#""burst";r=9;t=5, "daily";r=900;t=80000"#)], Some(s(Some(9), Some(5), None, None))),
            (
                vec![("ratelimit-policy", r#""burst";q=100;w=60,"daily";q=1000;w=86400"#)],
                Some(s(None, None, Some(100), Some(60))),
            ),
            // Unknown and malformed parameters are ignored.
            (vec![("ratelimit", r#""x";pk=:abc=:;r=3;t=1;qu="requests""#)], Some(s(Some(3), Some(1), None, None))),
            (vec![("ratelimit", r#""x";r=-1;t=1"#)], None),
            (vec![("ratelimit", "garbage")], None),
            (vec![("ratelimit", r#""x";r=99999999999999999999999"#)], None),
            // The older headers, as a fallback.
            (
                vec![("x-ratelimit-remaining", "7"), ("x-ratelimit-limit", "1200")],
                Some(s(Some(7), None, Some(1200), None)),
            ),
        ];
        for (pairs, want) in cases {
            assert_eq!(RateLimitStatus::from_headers(&headers(&pairs)), want, "{pairs:?}");
        }
    }

    #[test]
    fn pause_table() {
        let obs = |status: u16, pairs: &[(&'static str, &str)]| {
            Observation::new(StatusCode::from_u16(status).unwrap(), &headers(pairs))
        };
        let secs = |n| Some(Duration::from_secs(n));
        let cases = [
            (obs(200, &[]), None),
            (obs(200, &[("ratelimit", r#""d";r=5;t=30"#)]), None),
            (obs(200, &[("ratelimit", r#""d";r=0;t=30"#)]), secs(30)),
            (obs(429, &[("retry-after", "300"), ("ratelimit", r#""d";r=0;t=30"#)]), secs(300)),
            (obs(429, &[("ratelimit", r#""d";r=0;t=30"#)]), secs(30)),
            (obs(429, &[]), secs(1)),
            (obs(503, &[("retry-after", "9")]), None),
        ];
        for (i, (o, want)) in cases.into_iter().enumerate() {
            assert_eq!(o.pause(), want, "case {i}: {o:?}");
        }
    }
}
