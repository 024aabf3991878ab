//! The retry and timeout layer: wraps any [`HttpTransport`].

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime};

use http::{HeaderMap, Method, StatusCode};
use tokio::time::Instant;
use tracing::Instrument;

use crate::{HttpTransport, Request, Response, TransportError, async_trait};

/// Per-call overrides of a [`RetryPolicy`], carried in a request's extensions.
///
/// A client inserts them with `request.extensions_mut().insert(options)`; the
/// [`RetryTransport`] reads them. Fields left `None` keep the policy's value.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestOptions {
    /// Retries after the first attempt.
    pub max_retries: Option<u32>,
    /// The timeout of each attempt.
    pub attempt_timeout: Option<Duration>,
    /// The time all attempts and waits together may take.
    pub deadline: Option<Duration>,
    /// Whether a non-idempotent request (`POST`) may be retried after it may have reached
    /// the server.
    pub retry_non_idempotent: Option<bool>,
}

impl RequestOptions {
    /// Options with nothing set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the retries after the first attempt.
    #[must_use]
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = Some(n);
        self
    }

    /// Sets the timeout of each attempt.
    #[must_use]
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// Sets the overall deadline.
    #[must_use]
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Allows or forbids retrying a non-idempotent request that may have been sent.
    #[must_use]
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.retry_non_idempotent = Some(yes);
        self
    }

    /// `true` when no field is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Counts the attempts a [`RetryTransport`] makes for one request.
///
/// For callers that reach the retry layer through [`HttpTransport`] (e.g. as an
/// `Arc<dyn HttpTransport>`): put a clone in the request's extensions before sending; when
/// the call has finished it holds how many attempts it took (e.g. for an error message).
/// A caller holding the [`RetryTransport`] itself gets the count from
/// [`RetryTransport::send_counted`] instead, without the allocations a counter costs.
#[derive(Debug, Clone, Default)]
pub struct AttemptCounter(Arc<AtomicU32>);

impl AttemptCounter {
    /// A counter at zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// The attempts counted so far.
    pub fn get(&self) -> u32 {
        self.0.load(Ordering::Relaxed)
    }

    fn add(&self, attempts: u32) {
        self.0.fetch_add(attempts, Ordering::Relaxed);
    }
}

/// When and how often the [`RetryTransport`] retries, and how long it waits.
///
/// The defaults follow Cloudflare's official SDKs (TypeScript and Python) where they are
/// sound: 2 retries, backoff `min(0.5 s × 2ⁿ, 8 s)` times a jitter in (0.75, 1], a 60 s
/// timeout per attempt, `Retry-After` honoured up to 60 s. They are safer where the SDKs
/// are not: a `POST` is not retried once it may have reached the server (unless
/// [`retry_non_idempotent`](RetryPolicy::retry_non_idempotent) is set), and a demand to wait
/// longer than the cap ends the call at once instead of falling back to a short backoff.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt. Default 2.
    pub max_retries: u32,
    /// The first backoff. Default 0.5 s.
    pub initial_backoff: Duration,
    /// The longest backoff. Default 8 s.
    pub max_backoff: Duration,
    /// The timeout of each attempt. Default 60 s.
    pub attempt_timeout: Option<Duration>,
    /// The time all attempts and waits together may take. Default none.
    pub deadline: Option<Duration>,
    /// The longest server-requested wait (`retry-after-ms`, `Retry-After`) that is honoured.
    /// A longer demand is not waited for: the response is returned as it is. Default 60 s.
    pub max_retry_after: Duration,
    /// Retry a `POST` even when it may have reached the server. Default `false`.
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            attempt_timeout: Some(Duration::from_secs(60)),
            deadline: None,
            max_retry_after: Duration::from_secs(60),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries (timeouts still apply).
    pub fn no_retries() -> Self {
        Self { max_retries: 0, ..Self::default() }
    }

    /// Sets the number of retries after the first attempt.
    #[must_use]
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// Sets the first and the longest backoff.
    #[must_use]
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max;
        self
    }

    /// Sets the timeout of each attempt (`None`: no timeout).
    #[must_use]
    pub fn attempt_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// Sets the overall deadline across attempts and waits (`None`: no deadline).
    #[must_use]
    pub fn deadline(mut self, deadline: Option<Duration>) -> Self {
        self.deadline = deadline;
        self
    }

    /// Sets the longest server-requested wait that is honoured.
    #[must_use]
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// Allows retrying a `POST` that may have reached the server.
    #[must_use]
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.retry_non_idempotent = yes;
        self
    }

    fn with_options(&self, options: Option<&RequestOptions>) -> Self {
        let mut policy = self.clone();
        if let Some(o) = options {
            policy.max_retries = o.max_retries.unwrap_or(policy.max_retries);
            policy.attempt_timeout = o.attempt_timeout.or(policy.attempt_timeout);
            policy.deadline = o.deadline.or(policy.deadline);
            policy.retry_non_idempotent = o.retry_non_idempotent.unwrap_or(policy.retry_non_idempotent);
        }
        policy
    }

    /// `true` when a call under this policy may arm a timer: an attempt timeout, a
    /// deadline, or a wait before a retry.
    fn needs_timer(&self) -> bool {
        self.attempt_timeout.is_some() || self.deadline.is_some() || self.max_retries > 0
    }

    /// The backoff before retry number `retries_done + 1`, before jitter.
    pub fn backoff_for(&self, retries_done: u32) -> Duration {
        let factor = 2u32.saturating_pow(retries_done.min(31));
        self.initial_backoff.saturating_mul(factor).min(self.max_backoff)
    }
}

/// A token bucket that bounds retries across every request sharing it, as the AWS SDKs
/// do: a retry costs 5 tokens (10 after a timeout), a success returns 1 (or the cost of the
/// retry that led to it), and when the bucket is empty requests are still sent but no
/// longer retried. During an outage this stops a thousand tasks from tripling the load.
#[derive(Debug)]
pub struct RetryBudget {
    tokens: AtomicU32,
    capacity: u32,
}

impl RetryBudget {
    /// The cost of a retry.
    pub const RETRY_COST: u32 = 5;
    /// The cost of a retry after a timeout.
    pub const TIMEOUT_RETRY_COST: u32 = 10;

    /// A full bucket of `capacity` tokens. The default is 500.
    pub fn new(capacity: u32) -> Self {
        Self { tokens: AtomicU32::new(capacity), capacity }
    }

    /// The tokens left.
    pub fn available(&self) -> u32 {
        self.tokens.load(Ordering::Relaxed)
    }

    fn try_acquire(&self, cost: u32) -> bool {
        self.tokens.fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| t.checked_sub(cost)).is_ok()
    }

    fn refund(&self, amount: u32) {
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| Some(t.saturating_add(amount).min(self.capacity)));
    }
}

impl Default for RetryBudget {
    fn default() -> Self {
        Self::new(500)
    }
}

/// Wraps a transport with timeouts, retries and backoff.
///
/// - Each attempt has a timeout; an optional deadline bounds the whole call.
/// - Retried: connect errors, timeouts and broken connections; HTTP 408, 409, 429 and 5xx
///   (including Cloudflare's 520–527). `x-should-retry: true|false` overrides the status;
///   a success (2xx) is never retried.
/// - The wait is `retry-after-ms`, else `Retry-After` (seconds, fractions or an HTTP date),
///   up to [`RetryPolicy::max_retry_after`]; a longer demand returns the response at once.
///   Otherwise it is the jittered exponential backoff.
/// - A `POST` is retried only when the request certainly never reached the server, or the
///   server refused it with 429, or said `x-should-retry: true`, unless
///   [`RetryPolicy::retry_non_idempotent`] is set.
/// - A shared [`RetryBudget`] bounds retries across clones.
/// - Dropping the returned future cancels any wait or attempt in progress.
/// - Its timers are tokio's: outside a tokio runtime, a policy that may need one fails with
///   [`TransportError::NoRuntime`] before anything is sent (see
///   [`HttpTransport`](crate::HttpTransport#runtime)).
///
/// ```
/// use std::time::Duration;
/// use cfzt_transport::{RetryPolicy, RetryTransport};
/// # #[cfg(feature = "reqwest")] {
/// let transport = RetryTransport::new(cfzt_transport::ReqwestTransport::new()?)
///     .with_policy(RetryPolicy::default().max_retries(5).deadline(Some(Duration::from_secs(30))));
/// # }
/// # Ok::<(), cfzt_transport::TransportError>(())
/// ```
#[derive(Debug, Clone)]
pub struct RetryTransport<T> {
    inner: T,
    policy: RetryPolicy,
    budget: Arc<RetryBudget>,
}

impl<T> RetryTransport<T> {
    /// Wraps `inner` with the default policy and a fresh budget.
    pub fn new(inner: T) -> Self {
        Self { inner, policy: RetryPolicy::default(), budget: Arc::default() }
    }

    /// Replaces the policy.
    #[must_use]
    pub fn with_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Shares `budget` with other transports.
    #[must_use]
    pub fn with_budget(mut self, budget: Arc<RetryBudget>) -> Self {
        self.budget = budget;
        self
    }

    /// The policy.
    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    /// The retry budget.
    pub fn budget(&self) -> &Arc<RetryBudget> {
        &self.budget
    }

    /// The wrapped transport.
    pub fn inner(&self) -> &T {
        &self.inner
    }
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Decision {
    Stop,
    Retry { wait: Duration, cost: u32 },
}

fn is_idempotent(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE)
}

/// `true` for the statuses the official SDKs retry: 408, 409, 429 and 5xx.
pub fn is_retryable_status(status: StatusCode) -> bool {
    status.is_server_error() || matches!(status.as_u16(), 408 | 409 | 429)
}

fn should_retry_header(headers: &HeaderMap) -> Option<bool> {
    match headers.get("x-should-retry")?.to_str().ok()?.trim() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

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

/// `d` times a factor in (0.75, 1]; a product past `Duration::MAX` stays `d`.
fn jitter(d: Duration) -> Duration {
    Duration::try_from_secs_f64(d.as_secs_f64() * (1.0 - fastrand::f64() * 0.25)).unwrap_or(d)
}

fn decide(
    outcome: &Result<Response, TransportError>,
    idempotent: bool,
    policy: &RetryPolicy,
    retries_done: u32,
) -> Decision {
    if retries_done >= policy.max_retries {
        return Decision::Stop;
    }
    let backoff = || jitter(policy.backoff_for(retries_done));
    match outcome {
        Ok(response) => {
            let status = response.status();
            // A success is final, whatever its headers say, as in the official SDKs (and
            // the common case costs no header look-up).
            if status.is_success() {
                return Decision::Stop;
            }
            let forced = should_retry_header(response.headers());
            if !forced.unwrap_or_else(|| is_retryable_status(status)) {
                return Decision::Stop;
            }
            let refused = status == StatusCode::TOO_MANY_REQUESTS || forced == Some(true);
            if !idempotent && !policy.retry_non_idempotent && !refused {
                return Decision::Stop;
            }
            match retry_after(response.headers(), SystemTime::now()) {
                Some(wait) if wait <= policy.max_retry_after => Decision::Retry { wait, cost: RetryBudget::RETRY_COST },
                Some(_) => Decision::Stop,
                None => Decision::Retry { wait: backoff(), cost: RetryBudget::RETRY_COST },
            }
        }
        Err(error) => {
            if !error.is_transient() {
                return Decision::Stop;
            }
            if !idempotent && !policy.retry_non_idempotent && error.may_have_reached_server() {
                return Decision::Stop;
            }
            let cost = if error.is_timeout() { RetryBudget::TIMEOUT_RETRY_COST } else { RetryBudget::RETRY_COST };
            Decision::Retry { wait: backoff(), cost }
        }
    }
}

fn copy_request(parts: &http::request::Parts, body: &bytes::Bytes) -> Request {
    let mut request = http::Request::new(body.clone());
    *request.method_mut() = parts.method.clone();
    *request.uri_mut() = parts.uri.clone();
    *request.version_mut() = parts.version;
    *request.headers_mut() = parts.headers.clone();
    *request.extensions_mut() = parts.extensions.clone();
    request
}

impl<T: HttpTransport> RetryTransport<T> {
    /// Sends `request` as [`HttpTransport::send`] does, and also returns how many attempts
    /// it took: at least 1, or 0 when nothing was sent ([`TransportError::NoRuntime`]).
    ///
    /// A client that holds the `RetryTransport` itself gets the count this way, without an
    /// [`AttemptCounter`] in the request (which costs allocations on every call).
    pub fn send_counted(
        &self,
        request: Request,
    ) -> impl Future<Output = (Result<Response, TransportError>, u32)> + Send + '_ {
        let policy = self.policy.with_options(request.extensions().get::<RequestOptions>());
        let idempotent = is_idempotent(request.method());
        // The request is copied for an attempt only while another may follow; the last
        // attempt the policy allows (the only one, without retries) sends it as it is.
        // Taken apart here, outside the future, which so holds it once.
        let mut original = Some(request.into_parts());
        async move {
            // tokio's timers panic outside its runtime; a call that may need one is refused
            // before anything is sent, whether or not it would have come to a timer.
            if policy.needs_timer() && tokio::runtime::Handle::try_current().is_err() {
                return (Err(TransportError::NoRuntime), 0);
            }
            // A deadline past what the clock can hold is no deadline.
            let deadline = policy.deadline.and_then(|d| Instant::now().checked_add(d));
            let mut retries_done = 0u32;
            let mut spent = 0u32;
            loop {
                let mut timeout = policy.attempt_timeout;
                if let Some(deadline) = deadline {
                    let left = deadline.saturating_duration_since(Instant::now());
                    timeout = Some(timeout.map_or(left, |t| t.min(left)));
                }
                let request = match &original {
                    Some((parts, body)) if retries_done < policy.max_retries => copy_request(parts, body),
                    _ => {
                        // `decide` stops after the last attempt, so the loop never comes back here.
                        let Some((parts, body)) = original.take() else { unreachable!("an attempt after the last") };
                        http::Request::from_parts(parts, body)
                    }
                };
                let span = tracing::debug_span!(
                    "cfzt.attempt",
                    attempt = retries_done + 1,
                    status = tracing::field::Empty,
                    cf_ray = tracing::field::Empty,
                );
                let send = self.inner.send(request).instrument(span.clone());
                let attempt = match timeout {
                    Some(t) => match tokio::time::timeout(t, send).await {
                        Ok(result) => result,
                        Err(_) => Err(TransportError::Timeout { elapsed: Some(t), maybe_sent: true }),
                    },
                    None => send.await,
                };
                match &attempt {
                    Ok(response) => {
                        span.record("status", response.status().as_u16());
                        if !span.is_disabled()
                            && let Some(ray) = response.headers().get("cf-ray").and_then(|v| v.to_str().ok())
                        {
                            span.record("cf_ray", ray);
                        }
                    }
                    Err(error) => span.in_scope(|| tracing::debug!(error = %error, "attempt failed")),
                }
                match decide(&attempt, idempotent, &policy, retries_done) {
                    Decision::Stop => {
                        if attempt.as_ref().is_ok_and(|r| !is_retryable_status(r.status())) {
                            self.budget.refund(if spent == 0 { 1 } else { spent });
                        }
                        return (attempt, retries_done + 1);
                    }
                    Decision::Retry { wait, cost } => {
                        // A wait past what the clock can hold passes any deadline.
                        if deadline.is_some_and(|d| Instant::now().checked_add(wait).is_none_or(|end| end >= d)) {
                            tracing::debug!(attempt = retries_done + 1, "no retry: the deadline would pass");
                            return (attempt, retries_done + 1);
                        }
                        if !self.budget.try_acquire(cost) {
                            tracing::debug!(attempt = retries_done + 1, "no retry: the retry budget is spent");
                            return (attempt, retries_done + 1);
                        }
                        spent += cost;
                        match &attempt {
                            Ok(r) => tracing::debug!(
                                attempt = retries_done + 1,
                                status = r.status().as_u16(),
                                wait_ms = wait.as_millis() as u64,
                                "retrying"
                            ),
                            Err(e) => {
                                tracing::debug!(attempt = retries_done + 1, error = %e, wait_ms = wait.as_millis() as u64, "retrying")
                            }
                        }
                        drop(attempt);
                        tokio::time::sleep(wait).instrument(tracing::debug_span!("cfzt.backoff")).await;
                        retries_done += 1;
                    }
                }
            }
        }
    }
}

#[async_trait]
impl<T: HttpTransport> HttpTransport for RetryTransport<T> {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        let counter = request.extensions().get::<AttemptCounter>().cloned();
        let (result, attempts) = self.send_counted(request).await;
        if let Some(counter) = counter {
            counter.add(attempts);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

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

    #[test]
    fn backoff_schedule() {
        let p = RetryPolicy::default();
        let got: Vec<_> = (0..7).map(|n| p.backoff_for(n)).collect();
        let ms = |n| Duration::from_millis(n);
        assert_eq!(got, [ms(500), ms(1000), ms(2000), ms(4000), ms(8000), ms(8000), ms(8000)]);
        assert_eq!(p.backoff_for(u32::MAX), ms(8000));
        for _ in 0..1000 {
            let j = jitter(ms(1000));
            assert!(j > ms(750) && j <= ms(1000), "{j:?}");
        }
    }

    fn response(status: u16, pairs: &[(&'static str, &str)]) -> Result<Response, TransportError> {
        let mut r = http::Response::new(bytes::Bytes::new());
        *r.status_mut() = StatusCode::from_u16(status).unwrap();
        *r.headers_mut() = headers(pairs);
        Ok(r)
    }

    fn io(maybe_sent: bool) -> Result<Response, TransportError> {
        Err(TransportError::Io { source: "reset".into(), maybe_sent })
    }

    #[test]
    fn decision_table() {
        let p = RetryPolicy::default();
        let retry = |d: Decision| matches!(d, Decision::Retry { .. });
        let connect =
            || -> Result<Response, TransportError> { Err(TransportError::Connect { source: "refused".into() }) };
        // (outcome, idempotent, retries done, retried?)
        type Outcome = Result<Response, TransportError>;
        let cases: Vec<(&str, Outcome, bool, u32, bool)> = vec![
            ("200", response(200, &[]), true, 0, false),
            ("400", response(400, &[]), true, 0, false),
            ("404", response(404, &[]), true, 0, false),
            ("408", response(408, &[]), true, 0, true),
            ("409", response(409, &[]), true, 0, true),
            ("429", response(429, &[]), true, 0, true),
            ("500", response(500, &[]), true, 0, true),
            ("503", response(503, &[]), true, 0, true),
            ("520", response(520, &[]), true, 0, true),
            ("527", response(527, &[]), true, 0, true),
            ("503 retries spent", response(503, &[]), true, 2, false),
            ("x-should-retry false", response(503, &[("x-should-retry", "false")]), true, 0, false),
            ("x-should-retry true", response(400, &[("x-should-retry", "true")]), true, 0, true),
            ("200 with x-should-retry true", response(200, &[("x-should-retry", "true")]), true, 0, false),
            ("retry-after too long", response(429, &[("retry-after", "3600")]), true, 0, false),
            ("POST 503", response(503, &[]), false, 0, false),
            ("POST 429", response(429, &[]), false, 0, true),
            ("POST forced", response(503, &[("x-should-retry", "true")]), false, 0, true),
            ("POST connect", connect(), false, 0, true),
            ("POST reset", io(true), false, 0, false),
            ("PUT reset", io(true), true, 0, true),
            ("body too large", Err(TransportError::BodyTooLarge { limit: 1 }), true, 0, false),
        ];
        for (name, outcome, idempotent, done, want) in cases {
            assert_eq!(retry(decide(&outcome, idempotent, &p, done)), want, "{name}");
        }
        let p = RetryPolicy::default().retry_non_idempotent(true);
        assert!(retry(decide(&io(true), false, &p, 0)));
        let d = decide(&response(429, &[("retry-after", "1")]), true, &RetryPolicy::default(), 0);
        assert_eq!(d, Decision::Retry { wait: Duration::from_secs(1), cost: 5 });
    }

    #[test]
    fn budget_empties_and_refills() {
        let b = RetryBudget::new(12);
        assert!(b.try_acquire(5) && b.try_acquire(5));
        assert!(!b.try_acquire(5));
        b.refund(100);
        assert_eq!(b.available(), 12);
    }

    #[test]
    fn options_override_the_policy() {
        let o = RequestOptions {
            max_retries: Some(7),
            attempt_timeout: Some(Duration::from_secs(1)),
            ..Default::default()
        };
        let p = RetryPolicy::default().with_options(Some(&o));
        assert_eq!(p.max_retries, 7);
        assert_eq!(p.attempt_timeout, Some(Duration::from_secs(1)));
        assert_eq!(p.max_retry_after, Duration::from_secs(60));
        assert!(RequestOptions::default().is_empty());
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
