//! The layer: timeouts, retries and waits around any transport.

use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt as _;
use tokio::time::Instant;
use tracing::Instrument;

use super::classify::{Decision, decide, is_idempotent};
use super::source::{AttemptSource, Owned};
use super::{RequestTemplate, RetryBudget, RetryPolicy, RetryVerdict};
use crate::cf_ray::is_ray_id;
use crate::{HttpTransport, Observation, Request, RequestBudget, Response, SendFuture, TransportError};

/// Wraps a transport with timeouts, retries and backoff.
///
/// - Each attempt has a timeout; an optional deadline bounds the whole call.
/// - Retried: connect errors, timeouts and broken connections, and the responses
///   [`RetryVerdict::of`] finds retryable: HTTP 408, 409, 429 and 5xx (including
///   Cloudflare's 520–527), with `x-should-retry: true|false` overriding the status; a
///   success (2xx) is never retried.
/// - The wait is `retry-after-ms`, else `Retry-After` (seconds, fractions or an HTTP date),
///   up to [`RetryPolicy::max_retry_after`]; a longer demand returns the response at once.
///   Otherwise it is the jittered exponential backoff.
/// - A `POST` is retried only when the request certainly never reached the server, or the
///   server asked for it ([`RetryVerdict::Requested`]: 429, `x-should-retry: true`), unless
///   [`RetryPolicy::retry_non_idempotent`] is set.
/// - A shared [`RetryBudget`] bounds retries across clones.
/// - With a [request budget](Self::with_request_budget), every attempt first takes a place
///   in it (waiting as long as it says, but never past the deadline: a longer wait fails at
///   once with [`TransportError::RateBudget`]), and every answer is reported to it. A 429
///   is then retried as soon as the budget's pause ends, without the `max_retry_after` cap.
/// - A transport takes each request by value, so an attempt that may be followed by
///   another sends a copy of the request ([`send_counted`](Self::send_counted), and
///   [`HttpTransport::send`](crate::HttpTransport::send)), or a request built afresh from a
///   [`RequestTemplate`] that borrows its headers ([`send_template`](Self::send_template)).
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
    pacing: Option<Arc<dyn RequestBudget>>,
}

impl<T> RetryTransport<T> {
    /// Wraps `inner` with the default policy, a fresh retry budget and no request budget.
    pub fn new(inner: T) -> Self {
        Self { inner, policy: RetryPolicy::default(), budget: Arc::default(), pacing: None }
    }

    /// Paces every attempt with `budget` (`None`: no pacing), shared with everything that
    /// holds the same `Arc`.
    #[must_use]
    pub fn with_request_budget(mut self, budget: Option<Arc<dyn RequestBudget>>) -> Self {
        self.pacing = budget;
        self
    }

    /// The request budget that paces this layer's attempts, if any.
    pub fn request_budget(&self) -> Option<&Arc<dyn RequestBudget>> {
        self.pacing.as_ref()
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

    /// The policy every call starts from; a request's
    /// [`RequestOptions`](super::RequestOptions) override parts of it for that call only.
    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    /// The retry budget this layer draws on, shared with every clone and with any layer
    /// given the same budget; [`RetryBudget::available`] shows how many tokens are left.
    pub fn budget(&self) -> &Arc<RetryBudget> {
        &self.budget
    }

    /// The wrapped transport, which makes each attempt; calling it directly bypasses
    /// timeouts and retries.
    pub fn inner(&self) -> &T {
        &self.inner
    }
}

/// One attempt, under its timeout and in its own span; evaluates to its result. A macro so
/// that the attempt's future is built in place in the call's future (a helper returning a
/// future would be built, then moved there: see `docs/performance.md`).
macro_rules! attempt {
    ($layer:expr, $request:expr, $timeout:expr, $number:expr) => {{
        let span = attempt_span($number);
        let send = $layer.inner.send($request).instrument(span.clone());
        let attempt = match $timeout {
            Some(t) => match tokio::time::timeout(t, send).await {
                Ok(result) => result,
                Err(_) => Err(TransportError::Timeout { elapsed: Some(t), maybe_sent: true }),
            },
            None => send.await,
        };
        if $layer.pacing.is_some() {
            $layer.observe(&attempt).await;
        }
        record_attempt(&span, &attempt);
        attempt
    }};
}

impl<T: HttpTransport> RetryTransport<T> {
    /// Sends `request` as [`HttpTransport::send`] does, and also returns how many attempts
    /// it took: at least 1, or 0 when nothing was sent ([`TransportError::NoRuntime`]).
    /// Each attempt but the last sends a copy of `request`.
    pub fn send_counted(
        &self,
        request: Request,
    ) -> impl Future<Output = (Result<Response, TransportError>, u32)> + Send + '_ {
        // Taken apart outside the future, so that the future holds the request once.
        let (parts, body) = request.into_parts();
        self.run(Owned { parts, body })
    }

    /// Sends the request `template` describes, as [`send_counted`](Self::send_counted)
    /// does, building each attempt's request from the template: no attempt copies another
    /// (see [`RequestTemplate`]).
    pub fn send_template<'a>(
        &'a self,
        template: RequestTemplate<'a>,
    ) -> impl Future<Output = (Result<Response, TransportError>, u32)> + Send + 'a {
        self.run(template)
    }

    /// The attempts, waits and retries of one call, whatever its attempts are built from.
    fn run<'a, S: AttemptSource + 'a>(
        &'a self,
        source: S,
    ) -> impl Future<Output = (Result<Response, TransportError>, u32)> + Send + 'a {
        let policy = self.policy.with_options(source.options());
        let idempotent = is_idempotent(source.method());
        async move {
            // tokio's timers panic outside its runtime; a call that may need one is refused
            // before anything is sent, whether or not it would have come to a timer.
            if (policy.needs_timer() || self.pacing.is_some()) && tokio::runtime::Handle::try_current().is_err() {
                return (Err(TransportError::NoRuntime), 0);
            }
            // A deadline past what the clock can hold is no deadline.
            let deadline = policy.deadline.and_then(|d| Instant::now().checked_add(d));
            let mut retries_done = 0u32;
            let mut spent = 0u32;
            loop {
                // Checked here, so that without a request budget no pacing future is built.
                if self.pacing.is_some()
                    && let Err(refused) = self.pace(deadline).await
                {
                    return (Err(refused), retries_done);
                }
                let timeout = attempt_timeout(&policy, deadline);
                if retries_done >= policy.max_retries {
                    // The last attempt the policy allows needs nothing kept for another: a
                    // request handed over whole is sent itself.
                    let attempt = attempt!(self, source.into_request(), timeout, retries_done + 1);
                    self.settle(&attempt, spent);
                    return (attempt, retries_done + 1);
                }
                // Another attempt may follow: the source keeps what it needs to build it.
                let attempt = attempt!(self, source.request(), timeout, retries_done + 1);
                let paced = self.pacing.is_some();
                let (wait, cost) = match decide(&attempt, idempotent, &policy, retries_done, paced) {
                    Decision::Stop => {
                        self.settle(&attempt, spent);
                        return (attempt, retries_done + 1);
                    }
                    Decision::Retry { wait, cost } => (wait, cost),
                };
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
                log_retry(&attempt, retries_done + 1, wait);
                drop(attempt);
                tokio::time::sleep(wait).instrument(tracing::debug_span!("cfzt.backoff")).await;
                retries_done += 1;
            }
        }
    }

    /// Takes a place in the request budget, if there is one, before an attempt.
    async fn pace(&self, deadline: Option<Instant>) -> Result<(), TransportError> {
        let Some(budget) = &self.pacing else { return Ok(()) };
        let waited = budget
            .acquire(deadline)
            .instrument(tracing::debug_span!("cfzt.rate_budget"))
            .await
            .map_err(TransportError::RateBudget)?;
        if !waited.is_zero() {
            let waited_ms = u64::try_from(waited.as_millis()).unwrap_or(u64::MAX);
            tracing::debug!(waited_ms, "waited for the rate budget");
        }
        Ok(())
    }

    /// After an attempt: tells the request budget, if there is one, what the server said.
    async fn observe(&self, attempt: &Result<Response, TransportError>) {
        if let (Some(budget), Ok(response)) = (&self.pacing, attempt) {
            budget.observe(&Observation::new(response.status(), response.headers())).await;
        }
    }

    /// After the call's last attempt: a final response returns what its retries cost to the
    /// budget (at least 1 token).
    fn settle(&self, attempt: &Result<Response, TransportError>, spent: u32) {
        if attempt.as_ref().is_ok_and(|r| !RetryVerdict::of(r.status(), r.headers()).is_retryable()) {
            self.budget.refund(spent.max(1));
        }
    }
}

/// The span of attempt number `number`; its status and Ray ID are recorded when it ends.
fn attempt_span(number: u32) -> tracing::Span {
    tracing::debug_span!(
        "cfzt.attempt",
        attempt = number,
        status = tracing::field::Empty,
        cf_ray = tracing::field::Empty,
    )
}

/// Records how an attempt ended in its span.
fn record_attempt(span: &tracing::Span, attempt: &Result<Response, TransportError>) {
    match attempt {
        Ok(response) => {
            span.record("status", response.status().as_u16());
            if !span.is_disabled()
                && let Some(ray) = response.headers().get("cf-ray").and_then(|v| v.to_str().ok())
                && is_ray_id(ray)
            {
                span.record("cf_ray", ray);
            }
        }
        Err(error) => span.in_scope(|| tracing::debug!(error = %error, "attempt failed")),
    }
}

/// The attempt's timeout: the policy's, shortened to what is left before the deadline.
fn attempt_timeout(policy: &RetryPolicy, deadline: Option<Instant>) -> Option<Duration> {
    match deadline {
        Some(deadline) => {
            let left = deadline.saturating_duration_since(Instant::now());
            Some(policy.attempt_timeout.map_or(left, |t| t.min(left)))
        }
        None => policy.attempt_timeout,
    }
}

fn log_retry(attempt: &Result<Response, TransportError>, number: u32, wait: Duration) {
    let wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
    match attempt {
        Ok(r) => tracing::debug!(attempt = number, status = r.status().as_u16(), wait_ms, "retrying"),
        Err(e) => tracing::debug!(attempt = number, error = %e, wait_ms, "retrying"),
    }
}

impl<T: HttpTransport> HttpTransport for RetryTransport<T> {
    fn send<'life0, 'async_trait>(&'life0 self, request: Request) -> SendFuture<'async_trait>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        // `map`, not `async move { f.await.0 }`, which would hold the call's future twice.
        Box::pin(self.send_counted(request).map(|(result, _)| result))
    }
}
