//! A transport that keeps every request and answers each with one fixed response.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use bytes::Bytes;

use crate::{HttpTransport, Request, Response, TransportError, async_trait};

/// The body of the default response: a JSON success envelope with no result.
const EMPTY_ENVELOPE: &str = r#"{"success":true,"errors":[],"messages":[],"result":null}"#;

type Captured = Arc<Mutex<VecDeque<Request>>>;

/// Returns a transport that records each request it gets, and the receiver to read them.
///
/// The transport answers every request with a clone of `response`, or, given `None`, with a
/// `200`, `content-type: application/json` and an empty success envelope
/// (`{"success":true,"errors":[],"messages":[],"result":null}`).
///
/// ```
/// use cfzt_transport::HttpTransport;
/// use cfzt_transport::test_util::capture_request;
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let (transport, requests) = capture_request(None);
/// let request = http::Request::delete("http://127.0.0.1/users/7")
///     .header("authorization", "Bearer t")
///     .body(bytes::Bytes::new())
///     .unwrap();
/// assert_eq!(transport.send(request).await.unwrap().status(), 200);
///
/// let sent = requests.expect_only_request();
/// assert_eq!(sent.method(), "DELETE");
/// assert_eq!(sent.headers()["authorization"], "Bearer t");
/// # }
/// ```
pub fn capture_request(response: Option<Response>) -> (CaptureTransport, CaptureReceiver) {
    let response = response.unwrap_or_else(|| super::json_response(200, Bytes::from_static(EMPTY_ENVELOPE.as_bytes())));
    let captured = Captured::default();
    (CaptureTransport { response, captured: captured.clone() }, CaptureReceiver { captured })
}

/// The transport half of [`capture_request`]: records each request and answers it with the
/// same response. Clones share the record.
#[derive(Clone)]
pub struct CaptureTransport {
    response: Response,
    captured: Captured,
}

impl fmt::Debug for CaptureTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CaptureTransport")
            .field("status", &self.response.status())
            .field("captured", &lock(&self.captured).len())
            .finish()
    }
}

#[async_trait]
impl HttpTransport for CaptureTransport {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        lock(&self.captured).push_back(request);
        Ok(self.response.clone())
    }
}

/// The receiving half of [`capture_request`]: the requests the transport got, oldest first.
///
/// Each `expect_*` method panics with a message saying what was expected, which is what a
/// failing test should do.
pub struct CaptureReceiver {
    captured: Captured,
}

impl fmt::Debug for CaptureReceiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CaptureReceiver").field("captured", &lock(&self.captured).len()).finish()
    }
}

impl CaptureReceiver {
    /// Takes the oldest request not taken yet.
    ///
    /// # Panics
    ///
    /// When no request is left.
    #[track_caller]
    pub fn expect_request(&self) -> Request {
        lock(&self.captured).pop_front().expect("the capture transport received no request (or all were taken)")
    }

    /// Takes the one request not taken yet.
    ///
    /// # Panics
    ///
    /// When there is none, or more than one.
    #[track_caller]
    pub fn expect_only_request(&self) -> Request {
        let mut captured = lock(&self.captured);
        match captured.len() {
            1 => captured.pop_front().expect("one request"),
            _ => panic!("expected exactly one request, the capture transport received {}", summary(&captured)),
        }
    }

    /// Checks that no request is left.
    ///
    /// # Panics
    ///
    /// When one is, naming it.
    #[track_caller]
    pub fn expect_no_request(&self) {
        let captured = lock(&self.captured);
        assert!(captured.is_empty(), "expected no request, the capture transport received {}", summary(&captured));
    }

    /// Takes every request not taken yet, oldest first.
    pub fn take_all(&self) -> Vec<Request> {
        lock(&self.captured).drain(..).collect()
    }

    /// How many requests are left to take.
    pub fn len(&self) -> usize {
        lock(&self.captured).len()
    }

    /// `true` when no request is left to take.
    pub fn is_empty(&self) -> bool {
        lock(&self.captured).is_empty()
    }
}

/// `[GET http://…, POST http://…]`: the method and URI of each request, no header or body.
fn summary(requests: &VecDeque<Request>) -> String {
    let each: Vec<String> = requests.iter().map(|r| format!("{} {}", r.method(), r.uri())).collect();
    format!("{} [{}]", requests.len(), each.join(", "))
}

/// A test that panicked while holding the lock leaves the record readable.
fn lock(captured: &Captured) -> MutexGuard<'_, VecDeque<Request>> {
    captured.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(uri: &str) -> Request {
        http::Request::get(uri).body(Bytes::new()).unwrap()
    }

    #[tokio::test]
    async fn records_in_order_and_answers_the_default_envelope() {
        let (transport, requests) = capture_request(None);
        let clone = transport.clone();
        let first = transport.send(get("http://a/1")).await.unwrap();
        clone.send(get("http://a/2")).await.unwrap();
        assert_eq!(first.status(), 200);
        assert_eq!(first.headers()["content-type"], "application/json");
        assert_eq!(first.body(), EMPTY_ENVELOPE);
        assert_eq!(requests.len(), 2);
        assert_eq!(requests.expect_request().uri(), "http://a/1");
        assert_eq!(requests.expect_only_request().uri(), "http://a/2");
        requests.expect_no_request();
        assert!(requests.is_empty());
    }

    #[tokio::test]
    async fn answers_the_given_response_every_time() {
        let (transport, requests) = capture_request(Some(super::super::json_response(418, "tea")));
        for _ in 0..3 {
            let res = transport.send(get("http://a/")).await.unwrap();
            assert_eq!((res.status().as_u16(), res.body().as_ref()), (418, &b"tea"[..]));
        }
        assert_eq!(requests.take_all().len(), 3);
        assert_eq!(format!("{requests:?}"), "CaptureReceiver { captured: 0 }");
    }

    #[test]
    #[should_panic(expected = "received no request")]
    fn expect_request_panics_when_empty() {
        capture_request(None).1.expect_request();
    }

    #[tokio::test]
    #[should_panic(
        expected = "expected exactly one request, the capture transport received 2 [GET http://a/1, GET http://a/2]"
    )]
    async fn expect_only_request_names_the_extra_ones() {
        let (transport, requests) = capture_request(None);
        transport.send(get("http://a/1")).await.unwrap();
        transport.send(get("http://a/2")).await.unwrap();
        requests.expect_only_request();
    }

    #[tokio::test]
    #[should_panic(expected = "expected no request, the capture transport received 1 [GET http://a/x]")]
    async fn expect_no_request_names_what_came() {
        let (transport, requests) = capture_request(None);
        transport.send(get("http://a/x")).await.unwrap();
        requests.expect_no_request();
    }
}
