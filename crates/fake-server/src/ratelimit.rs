//! Cloudflare's API rate limit: a quota of requests per window and per credential, and a
//! block after the quota is spent.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue};
use tokio::time::Instant;

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
    const MAX: Duration = Duration::from_secs(365 * 24 * 3600);

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
pub struct CredentialFingerprint(u64);

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

/// One credential's window.
#[derive(Debug)]
struct Bucket {
    window_start: Instant,
    used: u32,
    blocked_until: Option<Instant>,
    stats: RateLimitStats,
}

/// Beyond this many credentials, idle ones (window over, not blocked) are forgotten, so
/// that a stream of made-up tokens cannot grow the server's memory without end.
const MAX_CREDENTIALS: usize = 10_000;

/// The rate limit's state: one window per credential.
#[derive(Debug)]
pub(crate) struct Limiter {
    limit: RateLimit,
    keys: RandomState,
    buckets: HashMap<CredentialFingerprint, Bucket>,
}

impl Limiter {
    pub(crate) fn new(limit: RateLimit) -> Limiter {
        Limiter { limit, keys: RandomState::new(), buckets: HashMap::new() }
    }

    pub(crate) fn limit(&self) -> RateLimit {
        self.limit
    }

    pub(crate) fn fingerprint(&self, credential: Credential<'_>) -> CredentialFingerprint {
        CredentialFingerprint(match credential {
            Credential::Token(token) => self.keys.hash_one(("token", token)),
            Credential::Key { email, key } => self.keys.hash_one(("key", email.to_ascii_lowercase(), key)),
        })
    }

    /// Counts a request of `credential` received at `now`, or refuses it.
    pub(crate) fn check(&mut self, credential: CredentialFingerprint, now: Instant) -> Verdict {
        if self.buckets.len() >= MAX_CREDENTIALS && !self.buckets.contains_key(&credential) {
            self.forget_idle(now);
        }
        let limit = self.limit;
        let bucket = self.buckets.entry(credential).or_insert(Bucket {
            window_start: now,
            used: 0,
            blocked_until: None,
            stats: RateLimitStats::default(),
        });
        if let Some(until) = bucket.blocked_until {
            if now < until {
                bucket.stats.refused += 1;
                return Verdict::Refused { retry_after: until - now };
            }
            // The block is over: a fresh window starts now.
            bucket.blocked_until = None;
            bucket.window_start = now;
            bucket.used = 0;
        }
        if now.saturating_duration_since(bucket.window_start) >= limit.window {
            bucket.window_start = now;
            bucket.used = 0;
        }
        if bucket.used >= limit.quota {
            bucket.blocked_until = Some(now + limit.block);
            bucket.stats.refused += 1;
            return Verdict::Refused { retry_after: limit.block };
        }
        bucket.used += 1;
        bucket.stats.counted += 1;
        let reset = limit.window.saturating_sub(now.saturating_duration_since(bucket.window_start));
        Verdict::Allowed { remaining: limit.quota - bucket.used, reset }
    }

    fn forget_idle(&mut self, now: Instant) {
        let window = self.limit.window;
        self.buckets.retain(|_, b| {
            b.blocked_until.is_some_and(|until| now < until) || now.saturating_duration_since(b.window_start) < window
        });
    }

    /// Each credential's counts, for tests.
    pub(crate) fn stats(&self) -> HashMap<CredentialFingerprint, RateLimitStats> {
        self.buckets.iter().map(|(k, b)| (*k, b.stats)).collect()
    }
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

    /// Runs requests of one credential at the given offsets (in ms) and returns the
    /// verdicts, as `Ok(remaining)` or `Err(retry_after in ms)`.
    fn run(limit: RateLimit, at_ms: &[u64]) -> Vec<Result<u32, u128>> {
        let mut limiter = Limiter::new(limit);
        let cred = limiter.fingerprint(Credential::Token("t"));
        let start = Instant::now();
        at_ms
            .iter()
            .map(|ms| match limiter.check(cred, start + MS * u32::try_from(*ms).unwrap()) {
                Verdict::Allowed { remaining, .. } => Ok(remaining),
                Verdict::Refused { retry_after } => Err(retry_after.as_millis()),
            })
            .collect()
    }

    /// A case: its name, the limit, when the requests come (ms) and the verdicts wanted.
    type Case = (&'static str, RateLimit, &'static [u64], &'static [Result<u32, u128>]);

    #[test]
    fn windows_quotas_and_blocks() {
        let three = RateLimit::new(3, MS * 100);
        let cases: [Case; 6] = [
            ("within the quota", three, &[0, 1, 2], &[Ok(2), Ok(1), Ok(0)]),
            ("the fourth is refused for a window", three, &[0, 1, 2, 3], &[Ok(2), Ok(1), Ok(0), Err(100)]),
            ("a new window restores the quota", three, &[0, 1, 2, 100, 101], &[Ok(2), Ok(1), Ok(0), Ok(2), Ok(1)]),
            (
                "the block outlasts the window, and refusals do not extend it",
                three,
                &[0, 1, 2, 90, 150, 189, 190],
                &[Ok(2), Ok(1), Ok(0), Err(100), Err(40), Err(1), Ok(2)],
            ),
            (
                "a longer block",
                three.block_for(MS * 500),
                &[0, 1, 2, 3, 400, 503],
                &[Ok(2), Ok(1), Ok(0), Err(500), Err(103), Ok(2)],
            ),
            ("quota zero refuses all", RateLimit::new(0, MS * 10), &[0, 20], &[Err(10), Err(10)]),
        ];
        for (name, limit, at, want) in cases {
            assert_eq!(run(limit, at), want, "{name}");
        }
    }

    #[test]
    fn credentials_are_apart_and_stats_count() {
        let mut limiter = Limiter::new(RateLimit::new(1, Duration::from_secs(60)));
        let now = Instant::now();
        let a = limiter.fingerprint(Credential::Token("a"));
        let b = limiter.fingerprint(Credential::Token("b"));
        let key = limiter.fingerprint(Credential::Key { email: "Ops@Example.com", key: "k" });
        assert_eq!(key, limiter.fingerprint(Credential::Key { email: "ops@example.com", key: "k" }));
        assert_ne!(key, limiter.fingerprint(Credential::Key { email: "ops@example.com", key: "k2" }));
        assert_ne!(a, b);
        for cred in [a, a, a, b, key] {
            limiter.check(cred, now);
        }
        let stats = limiter.stats();
        assert_eq!(stats[&a], RateLimitStats { counted: 1, refused: 2 });
        assert_eq!(stats[&b], RateLimitStats { counted: 1, refused: 0 });
        assert_eq!(stats[&key], RateLimitStats { counted: 1, refused: 0 });
        let secret = limiter.fingerprint(Credential::Token("secret-token-value"));
        assert!(!format!("{secret:?} {secret} {stats:?}").contains("secret-token"));
    }

    #[test]
    fn extreme_durations_do_not_panic() {
        let limit = RateLimit::new(1, Duration::MAX).block_for(Duration::MAX);
        assert_eq!(run(limit, &[0, 1]), [Ok(0), Err(RateLimit::MAX.as_millis())]);
        assert_eq!(run(RateLimit::new(1, Duration::ZERO), &[0, 0]), [Ok(0), Err(1)]);
    }

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
