//! The retry layer's schedule, pinned with tokio's paused clock.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use cfzt_transport::{
    AttemptCounter, HttpTransport, Request, RequestOptions, Response, RetryBudget, RetryPolicy, RetryTransport,
    TransportError, async_trait,
};
use tokio::time::Instant;

#[derive(Clone, Copy)]
enum Step {
    Status(u16, Option<&'static str>),
    Connect,
    Reset,
    Hang,
}

/// A transport that plays a script, one step per attempt (the last step repeats).
#[derive(Clone, Default)]
struct Scripted {
    steps: Arc<Mutex<VecDeque<Step>>>,
    calls: Arc<AtomicUsize>,
}

impl Scripted {
    fn new(steps: &[Step]) -> Self {
        Self { steps: Arc::new(Mutex::new(steps.iter().copied().collect())), calls: Arc::default() }
    }
    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl HttpTransport for Scripted {
    async fn send(&self, _request: Request) -> Result<Response, TransportError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let step = {
            let mut steps = self.steps.lock().unwrap();
            if steps.len() > 1 { steps.pop_front().unwrap() } else { *steps.front().unwrap() }
        };
        match step {
            Step::Status(status, retry_after) => {
                let mut r = http::Response::builder().status(status);
                if let Some(v) = retry_after {
                    r = r.header("retry-after", v);
                }
                Ok(r.body(Bytes::new()).unwrap())
            }
            Step::Connect => Err(TransportError::Connect { source: "refused".into() }),
            Step::Reset => Err(TransportError::Io { source: "reset".into(), maybe_sent: true }),
            Step::Hang => {
                tokio::time::sleep(Duration::from_secs(10_000)).await;
                unreachable!("the attempt timeout fires first")
            }
        }
    }
}

fn req(method: &str) -> Request {
    http::Request::builder().method(method).uri("http://127.0.0.1/x").body(Bytes::new()).unwrap()
}

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

#[tokio::test(start_paused = true)]
async fn two_503s_then_success_waits_the_jittered_backoff() {
    let inner = Scripted::new(&[Step::Status(503, None), Step::Status(503, None), Step::Status(200, None)]);
    let t = RetryTransport::new(inner.clone());
    let start = Instant::now();
    let res = t.send(req("GET")).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(inner.calls(), 3);
    // 0.5 s and 1 s, each times a jitter in (0.75, 1].
    let waited = start.elapsed();
    assert!(waited > secs(1.125) && waited <= secs(1.5), "{waited:?}");
}

#[tokio::test(start_paused = true)]
async fn retries_exhausted_return_the_last_response_and_count_the_attempts() {
    let inner = Scripted::new(&[Step::Status(503, None)]);
    let counter = AttemptCounter::new();
    let mut request = req("GET");
    request.extensions_mut().insert(counter.clone());
    let res = RetryTransport::new(inner.clone()).send(request).await.unwrap();
    assert_eq!(res.status(), 503);
    assert_eq!(inner.calls(), 3);
    assert_eq!(counter.get(), 3);

    // Holding the retry layer itself, the count comes back with the result, for errors too.
    let cases: [(&[Step], u32); 3] = [
        (&[Step::Status(200, None)], 1),
        (&[Step::Status(503, None), Step::Status(200, None)], 2),
        (&[Step::Reset], 3),
    ];
    for (script, attempts) in cases {
        let (result, counted) = RetryTransport::new(Scripted::new(script)).send_counted(req("GET")).await;
        assert_eq!(counted, attempts);
        assert_eq!(result.is_ok(), !matches!(script, [Step::Reset]));
    }
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_honoured_and_a_long_one_returns_at_once() {
    let inner = Scripted::new(&[Step::Status(429, Some("1")), Step::Status(200, None)]);
    let start = Instant::now();
    assert_eq!(RetryTransport::new(inner.clone()).send(req("GET")).await.unwrap().status(), 200);
    assert_eq!(start.elapsed(), secs(1.0));

    let inner = Scripted::new(&[Step::Status(429, Some("3600")), Step::Status(200, None)]);
    let start = Instant::now();
    let res = RetryTransport::new(inner.clone()).send(req("GET")).await.unwrap();
    assert_eq!(res.status(), 429);
    assert_eq!(res.headers()["retry-after"], "3600");
    assert_eq!(inner.calls(), 1);
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn each_attempt_times_out() {
    let inner = Scripted::new(&[Step::Hang]);
    let policy = RetryPolicy::default().attempt_timeout(Some(secs(1.0)));
    let start = Instant::now();
    let err = RetryTransport::new(inner.clone()).with_policy(policy).send(req("GET")).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(inner.calls(), 3);
    let took = start.elapsed();
    assert!(took > secs(3.0 + 1.125) && took <= secs(4.5), "{took:?}");
}

#[tokio::test(start_paused = true)]
async fn the_deadline_bounds_the_whole_call() {
    let inner = Scripted::new(&[Step::Hang]);
    let policy = RetryPolicy::default().max_retries(10).deadline(Some(secs(2.5)));
    let start = Instant::now();
    let err = RetryTransport::new(inner).with_policy(policy).send(req("GET")).await.unwrap_err();
    assert!(err.is_timeout());
    assert!(start.elapsed() <= secs(2.5), "{:?}", start.elapsed());
}

#[tokio::test(start_paused = true)]
async fn dropping_the_future_cancels_the_wait() {
    let inner = Scripted::new(&[Step::Status(503, None)]);
    let t = RetryTransport::new(inner.clone());
    assert!(tokio::time::timeout(secs(0.1), t.send(req("GET"))).await.is_err());
    tokio::time::sleep(secs(60.0)).await;
    assert_eq!(inner.calls(), 1);
}

#[tokio::test(start_paused = true)]
async fn post_is_retried_only_when_it_never_reached_the_server() {
    let inner = Scripted::new(&[Step::Reset, Step::Status(201, None)]);
    let err = RetryTransport::new(inner.clone()).send(req("POST")).await.unwrap_err();
    assert!(err.may_have_reached_server());
    assert_eq!(inner.calls(), 1);

    let inner = Scripted::new(&[Step::Connect, Step::Status(201, None)]);
    assert_eq!(RetryTransport::new(inner.clone()).send(req("POST")).await.unwrap().status(), 201);
    assert_eq!(inner.calls(), 2);

    // A 503 answers a request the server received: a POST is not sent twice. (Every
    // attempt would get a 503, so only the count of calls shows a retry.)
    let inner = Scripted::new(&[Step::Status(503, None)]);
    assert_eq!(RetryTransport::new(inner.clone()).send(req("POST")).await.unwrap().status(), 503);
    assert_eq!(inner.calls(), 1);

    let inner = Scripted::new(&[Step::Reset, Step::Status(201, None)]);
    let t = RetryTransport::new(inner.clone()).with_policy(RetryPolicy::default().retry_non_idempotent(true));
    assert_eq!(t.send(req("POST")).await.unwrap().status(), 201);
    assert_eq!(inner.calls(), 2);
}

#[tokio::test(start_paused = true)]
async fn per_request_options_override_the_policy() {
    let inner = Scripted::new(&[Step::Status(503, None)]);
    let mut r = req("GET");
    r.extensions_mut().insert(RequestOptions::new().max_retries(5));
    RetryTransport::new(inner.clone()).send(r).await.unwrap();
    assert_eq!(inner.calls(), 6);
}

#[tokio::test(start_paused = true)]
async fn a_shared_budget_stops_a_retry_storm() {
    let budget = Arc::new(RetryBudget::new(10));
    let inner = Scripted::new(&[Step::Status(503, None)]);
    let a = RetryTransport::new(inner.clone()).with_budget(budget.clone());
    let b = a.clone();
    a.send(req("GET")).await.unwrap();
    assert_eq!(inner.calls(), 3, "two retries, 10 tokens");
    b.send(req("GET")).await.unwrap();
    assert_eq!(inner.calls(), 4, "no tokens left: sent once, not retried");
    assert_eq!(budget.available(), 0);
}
