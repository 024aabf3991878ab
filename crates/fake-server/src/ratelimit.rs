//! Cloudflare's API rate limit: a quota of requests per window and per credential, and a
//! block after the quota is spent.

use std::fmt;
use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue};

/// A rate limit like the API's: at most `quota` requests per credential in each window,
/// and a credential that asks for more is refused with **429** until its block ends.
///
/// [`RateLimit::cloudflare`] is the documented limit, 1,200 requests per 300 s with a
/// five-minute block. For tests, scale it down, e.g. `RateLimit::new(5, 200 ms)`: the block
/// is one window long unless set with [`RateLimit::block_for`].
///
/// ```
/// use std::time::Duration;
/// use cfzt_fake_server::RateLimit;
/// let limit = RateLimit::new(20, Duration::from_secs(1));
/// assert_eq!((limit.quota(), limit.block()), (20, Duration::from_secs(1)));
/// assert_eq!(RateLimit::cloudflare().window(), Duration::from_secs(300));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    quota: u32,
    window: Duration,
    block: Duration,
}

impl RateLimit {
    /// The shortest window and block: shorter ones are raised to 1 ms.
    const MIN: Duration = Duration::from_millis(1);
    /// The longest window and block: longer ones are cut to a year, so that no instant
    /// arithmetic can overflow.
    pub(crate) const MAX: Duration = Duration::from_secs(365 * 24 * 3600);

    /// `quota` requests per `window` and per credential, and a block of one window for a
    /// credential that asks for more. A `window` under 1 ms counts as 1 ms and one over a
    /// year as a year; a `quota` of 0 refuses every request.
    pub fn new(quota: u32, window: Duration) -> RateLimit {
        let window = window.clamp(Self::MIN, Self::MAX);
        RateLimit { quota, window, block: window }
    }

    /// Cloudflare's documented limit: 1,200 requests per 300 s, then blocked for the next
    /// five minutes.
    pub fn cloudflare() -> RateLimit {
        RateLimit::new(1200, Duration::from_secs(300))
    }

    /// The same limit with another block: how long a credential that went over the quota
    /// stays refused, counted from the refused request (1 ms to a year).
    #[must_use]
    pub fn block_for(mut self, block: Duration) -> RateLimit {
        self.block = block.clamp(Self::MIN, Self::MAX);
        self
    }

    /// The requests allowed per window and credential.
    pub fn quota(&self) -> u32 {
        self.quota
    }

    /// The length of a window.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// How long a credential over the quota stays refused.
    pub fn block(&self) -> Duration {
        self.block
    }
}

/// A credential as the rate limit tells it apart: a keyed hash of the bearer token, or of
/// the email (case-insensitive) and API key. It says which credential without saying
/// what it is, and differs from one server to the next. See
/// [`FakeServer::token_fingerprint`](crate::FakeServer::token_fingerprint).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CredentialFingerprint(pub(crate) u64);

impl fmt::Debug for CredentialFingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CredentialFingerprint({self})")
    }
}

impl fmt::Display for CredentialFingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// What the rate limit did with one credential's requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct RateLimitStats {
    /// Requests counted against the quota (and let through).
    pub counted: u64,
    /// Requests refused with 429.
    pub refused: u64,
}

/// Which credentials a request carries, borrowed from its headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Credential<'a> {
    Token(&'a str),
    Key { email: &'a str, key: &'a str },
}

/// The rate limit's answer to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Let through: `remaining` requests are left in a window that resets in `reset`.
    Allowed { remaining: u32, reset: Duration },
    /// Refused: the credential is blocked for `retry_after` more.
    Refused { retry_after: Duration },
}

/// Whole seconds, rounded up, as `Retry-After` and the `t`/`w` parameters count them.
fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

/// Adds `Ratelimit` and `Ratelimit-Policy` (and on a refusal `Retry-After`) in the syntax
/// of Cloudflare's docs: `"default";r=50;t=30` and `"default";q=1200;w=300`.
pub(crate) fn add_headers(headers: &mut HeaderMap, limit: RateLimit, verdict: Verdict) {
    let (remaining, reset) = match verdict {
        Verdict::Allowed { remaining, reset } => (remaining, reset),
        Verdict::Refused { retry_after } => {
            headers.insert("retry-after", HeaderValue::from(ceil_secs(retry_after)));
            (0, retry_after)
        }
    };
    let ratelimit = format!("\"default\";r={remaining};t={}", ceil_secs(reset));
    let policy = format!("\"default\";q={};w={}", limit.quota, ceil_secs(limit.window));
    for (name, value) in [("ratelimit", ratelimit), ("ratelimit-policy", policy)] {
        if let Ok(value) = HeaderValue::try_from(value) {
            headers.insert(name, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn headers_follow_the_documented_syntax() {
        let limit = RateLimit::new(1200, Duration::from_secs(300));
        let mut headers = HeaderMap::new();
        add_headers(&mut headers, limit, Verdict::Allowed { remaining: 50, reset: Duration::from_millis(29_001) });
        assert_eq!(headers["ratelimit"], "\"default\";r=50;t=30");
        assert_eq!(headers["ratelimit-policy"], "\"default\";q=1200;w=300");
        assert!(headers.get("retry-after").is_none());
        let mut headers = HeaderMap::new();
        add_headers(&mut headers, RateLimit::new(5, MS * 200), Verdict::Refused { retry_after: MS * 150 });
        assert_eq!(headers["ratelimit"], "\"default\";r=0;t=1");
        assert_eq!(headers["ratelimit-policy"], "\"default\";q=5;w=1");
        assert_eq!(headers["retry-after"], "1");
    }
}
