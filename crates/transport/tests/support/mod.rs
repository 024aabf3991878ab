//! A scripted transport for the retry layer's tests: one step per attempt.
// Each test file uses part of it.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use cfzt_transport::{ConnectFailure, HttpTransport, Request, Response, TransportError, async_trait};

/// What one attempt does.
#[derive(Clone, Debug)]
pub(crate) enum Step {
    /// Answers with this status and these headers.
    Status(u16, Vec<(&'static str, String)>),
    /// Fails to connect (the request never left).
    Connect,
    /// The connection resets after the request may have been sent.
    Reset,
    /// Never answers (until a timeout drops the attempt).
    Hang,
}

/// A bare status.
pub(crate) fn status(code: u16) -> Step {
    Step::Status(code, Vec::new())
}

/// A status with a `Retry-After` header.
pub(crate) fn retry_after(code: u16, value: &str) -> Step {
    Step::Status(code, vec![("retry-after", value.to_string())])
}

/// A transport that plays a script, one step per attempt (the last step repeats).
#[derive(Clone, Default)]
pub(crate) struct Scripted {
    steps: Arc<Mutex<VecDeque<Step>>>,
    calls: Arc<AtomicUsize>,
    sent: Arc<Mutex<Vec<Request>>>,
}

impl Scripted {
    pub(crate) fn new(steps: &[Step]) -> Self {
        Self {
            steps: Arc::new(Mutex::new(steps.iter().cloned().collect())),
            calls: Arc::default(),
            sent: Arc::default(),
        }
    }

    /// The requests the attempts sent, oldest first; taken, so a second call returns none.
    #[allow(dead_code)] // Not every test file looks at them.
    pub(crate) fn take_sent(&self) -> Vec<Request> {
        std::mem::take(&mut *self.sent.lock().unwrap())
    }

    /// The attempts made so far.
    pub(crate) fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl HttpTransport for Scripted {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.sent.lock().unwrap().push(request);
        let step = {
            let mut steps = self.steps.lock().unwrap();
            if steps.len() > 1 { steps.pop_front().unwrap() } else { steps.front().unwrap().clone() }
        };
        match step {
            Step::Status(status, headers) => {
                let mut r = http::Response::new(Bytes::new());
                *r.status_mut() = http::StatusCode::from_u16(status).unwrap();
                for (name, value) in headers {
                    // A value that is no header value is left out, as a server could not send it.
                    if let Ok(value) = http::HeaderValue::from_str(&value) {
                        r.headers_mut().append(name, value);
                    }
                }
                Ok(r)
            }
            Step::Connect => Err(TransportError::Connect { kind: ConnectFailure::Refused, source: "refused".into() }),
            Step::Reset => Err(TransportError::Io { source: "reset".into(), maybe_sent: true }),
            Step::Hang => std::future::pending().await,
        }
    }
}

/// A request to a loopback URL with an empty body.
pub(crate) fn req(method: &str) -> Request {
    http::Request::builder().method(method).uri("http://127.0.0.1/x").body(Bytes::new()).unwrap()
}

/// Seconds as a `Duration`.
pub(crate) fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}
