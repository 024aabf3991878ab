//! The layer: timeouts, retries and waits around any transport.

use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt as _;
use tokio::time::Instant;
use tracing::Instrument;

use super::classify::{Decision, decide, is_final_answer, is_idempotent};
use super::request_template::{AttemptSource, ToSend};
use super::{RequestTemplate, RetryPolicy, RetryTokens};
use crate::cf_ray::is_ray_id;
use crate::pacing::PacingRefusal;
use crate::{BudgetError, HttpTransport, Observation, Request, RequestBudget, Response, SendFuture, TransportError};

/// Wraps a transport with timeouts, retries and backoff.
///
/// - Each attempt has a timeout; an optional deadline bounds the whole call.
/// - Retried: connect errors, timeouts and broken connections, and the responses
///   [`RetryVerdict::of`](super::RetryVerdict::of) finds retryable: HTTP 408, 409, 429 and 5xx (including
///   Cloudflare's 520–527), with `x-should-retry: true|false` overriding the status; a
///   success (2xx) is never retried.
/// - The wait is `retry-after-ms`, else `Retry-After` (seconds, fractions or an HTTP date),
///   up to [`RetryPolicy::max_retry_after`]; a longer demand returns the response at once.
///   Otherwise it is the jittered exponential backoff.
/// - A `POST` is retried only when the request certainly never reached the server, or the
///   server asked for it ([`RetryVerdict::Requested`](super::RetryVerdict::Requested): 429, `x-should-retry: true`), unless
///   [`RetryPolicy::retry_non_idempotent`] is set.
/// - Shared [`RetryTokens`] bound retries across clones.
/// - With a [request budget](Self::with_request_budget), every attempt first takes a place
///   in it (waiting as long as it says, but never past the deadline), and every answer is
///   reported to it. A 429 is then retried as soon as the pause the budget answered ends
///   ([`RequestBudget::observe`]), without the `max_retry_after` cap. When that wait would
///   pass the deadline, the call returns the 429 itself, marked with a [`PacingRefusal`];
///   a call the budget refuses before any answer came fails with [`TransportError::Pacing`].
/// - A transport takes each request by value, so an attempt that may be followed by
///   another sends a copy of a whole request, or a request built afresh from a
///   [`RequestTemplate`] that borrows its headers: [`send_counted`](Self::send_counted)
///   takes either (see [`ToSend`]), and [`HttpTransport::send`](crate::HttpTransport::send)
///   a whole request.
/// - Dropping the returned future cancels any wait or attempt in progress.
/// - Its timers and its request budget's waits are tokio's: outside a tokio runtime, a
///   call that may need one (a policy with a timeout, a deadline or retries, or any request
///   budget) fails with [`TransportError::NoRuntime`] before anything is sent (see
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
    tokens: Arc<RetryTokens>,
    pacing: Option<Arc<dyn RequestBudget>>,
}

impl<T> RetryTransport<T> {
    /// Wraps `inner` with the default policy, fresh retry tokens and no request budget.
    pub fn new(inner: T) -> Self {
        Self { inner, policy: RetryPolicy::default(), tokens: Arc::default(), pacing: None }
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

    /// Shares `tokens` with other transports.
    #[must_use]
    pub fn with_retry_tokens(mut self, tokens: Arc<RetryTokens>) -> Self {
        self.tokens = tokens;
        self
    }

    /// Shares the retry tokens with other transports: [`with_retry_tokens`](Self::with_retry_tokens).
    #[deprecated(note = "renamed with_retry_tokens: \"budget\" now means the request budget only")]
    #[must_use]
    pub fn with_budget(self, tokens: Arc<RetryTokens>) -> Self {
        self.with_retry_tokens(tokens)
    }

    /// The policy every call starts from; a request's
    /// [`RequestOptions`](super::RequestOptions) override parts of it for that call only.
    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    /// The retry tokens this layer draws on, shared with every clone and with any layer
    /// given the same tokens; [`RetryTokens::available`] shows how many are left.
    pub fn retry_tokens(&self) -> &Arc<RetryTokens> {
        &self.tokens
    }

    /// The retry tokens: [`retry_tokens`](Self::retry_tokens).
    #[deprecated(note = "renamed retry_tokens: \"budget\" now means the request budget only")]
    pub fn budget(&self) -> &Arc<RetryTokens> {
        &self.tokens
    }

    /// The wrapped transport, which makes each attempt; calling it directly bypasses
    /// timeouts and retries.
    pub fn inner(&self) -> &T {
        &self.inner
    }
}

/// One attempt, under its timeout and in its own span; evaluates to its result and what the
/// request budget, if any, answered to it (the pause it now holds). A macro so
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
        let pause = if $layer.pacing.is_some() { $layer.observe(&attempt).await } else { None };
        record_attempt(&span, &attempt);
        (attempt, pause)
    }};
}

impl<T: HttpTransport> RetryTransport<T> {
    /// Sends `request`, a whole [`Request`] or a [`RequestTemplate`], as
    /// [`HttpTransport::send`] does, and also returns how many attempts it took: at least 1,
    /// or 0 when nothing was sent ([`TransportError::NoRuntime`], or a request budget that
    /// refused at once). Each attempt but the last sends a copy of a whole request; from a
    /// template, each attempt is built afresh, and no attempt copies another.
    pub fn send_counted<'a, R: ToSend<'a>>(
        &'a self,
        request: R,
    ) -> impl Future<Output = (Result<Response, TransportError>, u32)> + Send + 'a {
        // Taken apart outside the future, so that the future holds the request once.
        self.run(request.into_source())
    }

    /// Sends the request `template` describes: [`send_counted`](Self::send_counted), which
    /// takes a template too.
    #[deprecated(note = "send_counted takes a RequestTemplate as well as a whole Request")]
    pub fn send_template<'a>(
        &'a self,
        template: RequestTemplate<'a>,
    ) -> impl Future<Output = (Result<Response, TransportError>, u32)> + Send + 'a {
        self.send_counted(template)
    }

    /// The attempts, waits and retries of one call, whatever its attempts are built from.
    fn run<'a, S: AttemptSource + 'a>(
        &'a self,
        source: S,
    ) -> impl Future<Output = (Result<Response, TransportError>, u32)> + Send + 'a {
        let policy = self.policy.with_options(source.options());
        let idempotent = is_idempotent(source.method());
        async move {
            // tokio's timers panic outside its runtime, and the request budget waits on
            // them: a call that may need one is refused before anything is sent, whether or
            // not it would have come to a timer.
            if (policy.needs_timer() || self.pacing.is_some()) && tokio::runtime::Handle::try_current().is_err() {
                return (Err(TransportError::NoRuntime), 0);
            }
            // A deadline past what the clock can hold is no deadline.
            let deadline = policy.deadline.and_then(|d| Instant::now().checked_add(d));
            let mut retries_done = 0u32;
            let mut spent = 0u32;
            // Checked here, so that without a request budget no pacing future is built.
            if self.pacing.is_some()
                && let Err(refused) = self.pace(deadline).await
            {
                return (Err(refused), 0);
            }
            loop {
                let timeout = attempt_timeout(&policy, deadline);
                if retries_done >= policy.max_retries {
                    // The last attempt the policy allows needs nothing kept for another: a
                    // request handed over whole is sent itself.
                    let (attempt, _) = attempt!(self, source.into_request(), timeout, retries_done + 1);
                    self.settle(is_final_answer(&attempt), spent);
                    return (attempt, retries_done + 1);
                }
                // Another attempt may follow: the source keeps what it needs to build it.
                let (attempt, pause) = attempt!(self, source.request(), timeout, retries_done + 1);
                let (wait, cost, in_budget) = match decide(&attempt, idempotent, &policy, retries_done, pause) {
                    Decision::Stop { final_answer } => {
                        self.settle(final_answer, spent);
                        return (attempt, retries_done + 1);
                    }
                    Decision::Retry { wait, cost, in_budget } => (wait, cost, in_budget),
                };
                // A wait past what the clock can hold passes any deadline.
                if deadline.is_some_and(|d| Instant::now().checked_add(wait).is_none_or(|end| end >= d)) {
                    tracing::debug!(attempt = retries_done + 1, "no retry: the deadline would pass");
                    let attempt = if in_budget { attempt.map(|r| refused(r, wait)) } else { attempt };
                    return (attempt, retries_done + 1);
                }
                if !self.tokens.try_acquire(cost) {
                    tracing::debug!(attempt = retries_done + 1, "no retry: the retry tokens are spent");
                    return (attempt, retries_done + 1);
                }
                spent += cost;
                log_retry(&attempt, retries_done + 1, wait);
                retries_done += 1;
                // The answer being retried: what the call returns if the request budget will
                // not place the retry before the deadline. Kept only until then.
                let retried = attempt.ok();
                // A pause of the request budget is waited out when the retry takes its place
                // there; any other wait, here.
                if !in_budget {
                    tokio::time::sleep(wait).instrument(tracing::debug_span!("cfzt.backoff")).await;
                }
                if self.pacing.is_some()
                    && let Err(refused) = self.pace(deadline).await
                {
                    return (refused_retry(retried, refused), retries_done);
                }
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
            .map_err(TransportError::Pacing)?;
        if !waited.is_zero() {
            let waited_ms = u64::try_from(waited.as_millis()).unwrap_or(u64::MAX);
            tracing::debug!(waited_ms, "waited for the rate budget");
        }
        Ok(())
    }

    /// After an attempt: tells the request budget, if there is one, what the server said,
    /// and returns the pause the budget answered (see [`RequestBudget::observe`]).
    async fn observe(&self, attempt: &Result<Response, TransportError>) -> Option<Duration> {
        match (&self.pacing, attempt) {
            (Some(budget), Ok(response)) => {
                budget.observe(&Observation::new(response.status(), response.headers())).await
            }
            _ => None,
        }
    }

    /// After the call's last attempt: a final answer (classified once, by the decision)
    /// returns what its retries cost to the retry tokens (at least 1 token).
    fn settle(&self, final_answer: bool, spent: u32) {
        if final_answer {
            self.tokens.refund(spent.max(1));
        }
    }
}

/// The answer whose retry the request budget would have held `would_wait`, past the
/// deadline: returned as it is, marked with a [`PacingRefusal`].
fn refused(mut response: Response, would_wait: Duration) -> Response {
    response.extensions_mut().insert(PacingRefusal::new(would_wait));
    response
}

/// What a call returns when the request budget refused it a place: the answer being
/// retried, if there was one and the wait would have passed the deadline (the caller keeps
/// the API's error code, message and `cf-ray`); otherwise the budget's refusal.
fn refused_retry(retried: Option<Response>, refusal: TransportError) -> Result<Response, TransportError> {
    match (retried, refusal) {
        (Some(response), TransportError::Pacing(BudgetError::WouldPassDeadline { would_wait })) => {
            Ok(refused(response, would_wait))
        }
        (_, refusal) => Err(refusal),
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
