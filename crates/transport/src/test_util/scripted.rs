//! A transport that plays a script of answers in order, and one that never answers.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use bytes::Bytes;

use crate::{HttpTransport, Request, Response, TransportError, async_trait};

/// One answer of a [`ScriptedTransport`]: a response, an error, or no answer at all.
#[derive(Clone)]
pub struct ScriptStep(Step);

#[derive(Clone)]
enum Step {
    Respond(Response),
    Fail(Arc<dyn Fn() -> TransportError + Send + Sync>),
    Hang,
}

impl fmt::Debug for ScriptStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Step::Respond(response) => f.debug_tuple("Respond").field(&response.status()).finish(),
            Step::Fail(make) => f.debug_tuple("Fail").field(&make()).finish(),
            Step::Hang => f.write_str("Hang"),
        }
    }
}

impl ScriptStep {
    /// Answers with (a clone of) `response`.
    pub fn respond(response: Response) -> Self {
        Self(Step::Respond(response))
    }

    /// Answers with `status`, no header and an empty body.
    ///
    /// # Panics
    ///
    /// When `status` is not between 100 and 999: a test that asks for one is wrong.
    pub fn status(status: u16) -> Self {
        let mut response = http::Response::new(Bytes::new());
        *response.status_mut() = http::StatusCode::from_u16(status).expect("a status between 100 and 999");
        Self::respond(response)
    }

    /// Fails with the error `make` returns (called once for each request this step
    /// answers, since an error cannot be cloned).
    pub fn fail(make: impl Fn() -> TransportError + Send + Sync + 'static) -> Self {
        Self(Step::Fail(Arc::new(make)))
    }

    /// Never answers: the attempt waits until something (a timeout, a deadline, a
    /// cancelled call) drops it.
    pub fn hang() -> Self {
        Self(Step::Hang)
    }
}

impl From<Response> for ScriptStep {
    fn from(response: Response) -> Self {
        Self::respond(response)
    }
}

/// A transport that answers the requests it gets with the steps of a script, in order,
/// and records the requests: made by [`ScriptedTransport::new`].
///
/// The last step repeats once it is reached, so `[status(503)]` fails every attempt and
/// `[status(503), status(200)]` fails the first only. An empty script fails every request
/// with [`TransportError::Other`]. Clones share the script and the record.
///
/// Use it for what a layer above the transport does with a sequence of answers (a retry
/// after a 503, a `Retry-After`, a connection reset); use [`ReplayTransport`](super::ReplayTransport)
/// when the requests themselves are to be checked against expected ones.
///
/// ```
/// use cfzt_transport::test_util::{ScriptStep, ScriptedTransport, json_response};
/// use cfzt_transport::{HttpTransport, RetryPolicy, RetryTransport, TransportError};
/// use std::time::Duration;
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)] async fn main() {
/// let script = ScriptedTransport::new([
///     ScriptStep::fail(|| TransportError::Io { source: "reset".into(), maybe_sent: true }),
///     ScriptStep::status(503),
///     ScriptStep::respond(json_response(200, "{}")),
/// ]);
/// let policy = RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(5));
/// let retrying = RetryTransport::new(script.clone()).with_policy(policy);
/// let request = http::Request::get("http://127.0.0.1/x").body(bytes::Bytes::new()).unwrap();
/// assert_eq!(retrying.send(request).await.unwrap().status(), 200);
/// assert_eq!(script.calls(), 3);
/// assert!(script.take_requests().iter().all(|r| r.uri() == "http://127.0.0.1/x"));
/// # }
/// ```
#[derive(Clone, Default)]
pub struct ScriptedTransport {
    steps: Arc<Mutex<VecDeque<ScriptStep>>>,
    record: Record,
}

impl fmt::Debug for ScriptedTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScriptedTransport")
            .field("steps_left", &lock(&self.steps).len())
            .field("calls", &self.calls())
            .finish()
    }
}

impl ScriptedTransport {
    /// A transport that plays `steps` in order, the last one repeating.
    pub fn new(steps: impl IntoIterator<Item = ScriptStep>) -> Self {
        Self { steps: Arc::new(Mutex::new(steps.into_iter().collect())), record: Record::default() }
    }

    /// How many requests it has answered (or is answering) so far.
    pub fn calls(&self) -> usize {
        self.record.calls()
    }

    /// The requests not yet taken, oldest first; a second call returns only newer ones.
    pub fn take_requests(&self) -> Vec<Request> {
        self.record.take()
    }

    fn next_step(&self) -> Option<ScriptStep> {
        let mut steps = lock(&self.steps);
        if steps.len() > 1 { steps.pop_front() } else { steps.front().cloned() }
    }
}

#[async_trait]
impl HttpTransport for ScriptedTransport {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        self.record.push(request);
        match self.next_step().map(|step| step.0) {
            Some(Step::Respond(response)) => Ok(response),
            Some(Step::Fail(make)) => Err(make()),
            Some(Step::Hang) => std::future::pending().await,
            None => Err(TransportError::Other { source: "the script has no step".into(), maybe_sent: false }),
        }
    }
}

/// A transport that never answers, and counts the requests it got: made by
/// [`never_transport`]. Clones share the count and the record.
#[derive(Debug, Clone, Default)]
pub struct NeverTransport {
    record: Record,
}

impl NeverTransport {
    /// How many requests it has been sent (none of them answered).
    pub fn calls(&self) -> usize {
        self.record.calls()
    }

    /// The requests not yet taken, oldest first.
    pub fn take_requests(&self) -> Vec<Request> {
        self.record.take()
    }
}

#[async_trait]
impl HttpTransport for NeverTransport {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        self.record.push(request);
        std::future::pending().await
    }
}

/// A transport whose every request waits forever (as smithy-rs's `never` connector):
/// for what a timeout, a deadline or a cancellation does to a call that gets no answer.
///
/// ```
/// use cfzt_transport::test_util::never_transport;
/// use cfzt_transport::{HttpTransport, RetryPolicy, RetryTransport, TransportError};
/// use std::time::Duration;
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)] async fn main() {
/// let never = never_transport();
/// let policy = RetryPolicy::no_retries().attempt_timeout(Some(Duration::from_secs(5)));
/// let timed = RetryTransport::new(never.clone()).with_policy(policy);
/// let request = http::Request::get("http://127.0.0.1/x").body(bytes::Bytes::new()).unwrap();
/// let err = timed.send(request).await.unwrap_err();
/// assert!(err.is_timeout());
/// assert_eq!(never.calls(), 1);
/// # }
/// ```
pub fn never_transport() -> NeverTransport {
    NeverTransport::default()
}

/// The requests a double got, and how many.
#[derive(Debug, Clone, Default)]
struct Record {
    inner: Arc<Mutex<(usize, Vec<Request>)>>,
}

impl Record {
    fn push(&self, request: Request) {
        let mut inner = lock(&self.inner);
        inner.0 += 1;
        inner.1.push(request);
    }

    fn calls(&self) -> usize {
        lock(&self.inner).0
    }

    fn take(&self) -> Vec<Request> {
        std::mem::take(&mut lock(&self.inner).1)
    }
}

/// The lock, also after a test thread panicked holding it.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get() -> Request {
        http::Request::get("http://127.0.0.1/x").body(Bytes::new()).unwrap()
    }

    #[tokio::test]
    async fn steps_play_in_order_the_last_repeats_and_requests_are_recorded() {
        let script = ScriptedTransport::new([ScriptStep::status(503), ScriptStep::status(200)]);
        let mut statuses = Vec::new();
        for _ in 0..3 {
            statuses.push(script.send(get()).await.unwrap().status().as_u16());
        }
        assert_eq!(statuses, [503, 200, 200]);
        assert_eq!(script.calls(), 3);
        assert_eq!(script.take_requests().len(), 3);
        assert!(script.take_requests().is_empty());
        assert_eq!(script.calls(), 3);
    }

    #[tokio::test]
    async fn an_empty_script_fails_and_a_failing_step_fails_every_time() {
        assert!(ScriptedTransport::new([]).send(get()).await.is_err());
        let reset = ScriptedTransport::new([ScriptStep::fail(|| TransportError::Io {
            source: "reset".into(),
            maybe_sent: true,
        })]);
        for _ in 0..2 {
            assert!(reset.send(get()).await.unwrap_err().may_have_reached_server());
        }
    }

    #[tokio::test(start_paused = true)]
    async fn never_and_hang_do_not_answer() {
        let never = never_transport();
        let hang = ScriptedTransport::new([ScriptStep::hang()]);
        let wait = std::time::Duration::from_secs(3600);
        assert!(tokio::time::timeout(wait, never.send(get())).await.is_err());
        assert!(tokio::time::timeout(wait, hang.send(get())).await.is_err());
        assert_eq!((never.calls(), never.take_requests().len(), hang.calls()), (1, 1, 1));
    }
}
