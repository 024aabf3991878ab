//! Test doubles for [`HttpTransport`](crate::HttpTransport): hand one to a client in place of
//! a real backend and check what the client sent.
//!
//! Each double suits a different kind of test:
//!
//! - [`capture_request`]: you care about the request a call builds (method, URL, headers,
//!   body), not about the response. It answers every request with one fixed response (by
//!   default a `200` with an empty JSON success envelope) and hands you a
//!   [`CaptureReceiver`] to take the requests from, in the order they were sent. Also
//!   useful the other way round: when the request does not matter and every call should
//!   get the same answer.
//! - [`ReplayTransport`]: a conversation of several calls. It takes a list of
//!   [`ReplayEvent`]s, each an expected request and the response to give, answers the
//!   requests in that order whatever they are, and afterwards
//!   [`assert_requests_match`](ReplayTransport::assert_requests_match) checks that the
//!   requests were the expected ones, with a diff naming the request and the part that
//!   differed.
//! - [`ScriptedTransport`]: what a layer above the transport does with a sequence of
//!   answers (a 503 then a 200, a reset, a `Retry-After`, an attempt that hangs). It plays
//!   a list of [`ScriptStep`]s in order, the last one repeating, and records the requests.
//! - [`never_transport`]: a transport that never answers, for timeouts, deadlines and
//!   cancellation.
//! - [`infallible_transport`] and [`transport_fn`]: the response depends on the request
//!   (answer by the `page` query parameter, count calls, fail the third one). You write the
//!   transport as a closure.
//! - The fake server ([`cfzt-fake-server`](https://docs.rs/cfzt-fake-server)): you test a
//!   *flow* (create, then list, then delete; retries against real sockets; faults such as a
//!   reset connection). It keeps state like the real API and runs over a real backend, so
//!   the test does not script each response.
//!
//! None of these doubles needs a runtime of its own or opens a socket; each is cheap to
//! clone, and the clones share their state.
//!
//! ```
//! use cfzt_transport::HttpTransport;
//! use cfzt_transport::test_util::{capture_request, json_response};
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let (transport, requests) = capture_request(Some(json_response(201, r#"{"id":1}"#)));
//! let request = http::Request::post("http://127.0.0.1/things").body(bytes::Bytes::from("{}")).unwrap();
//! let response = transport.send(request).await.unwrap();
//! assert_eq!(response.status(), 201);
//! assert_eq!(requests.expect_only_request().uri(), "http://127.0.0.1/things");
//! # }
//! ```

mod capture;
mod func;
mod replay;
mod scripted;

pub use capture::{CaptureReceiver, CaptureTransport, capture_request};
pub use func::{FnTransport, infallible_transport, transport_fn};
pub use replay::{ReplayEvent, ReplayTransport};
pub use scripted::{NeverTransport, ScriptStep, ScriptedTransport, never_transport};

/// A throwaway `redis-server` for tests of [`RedisBudget`](crate::RedisBudget) (with the
/// `redis` feature).
#[cfg(feature = "redis")]
pub use crate::pacing::RedisServer;

use bytes::Bytes;

use crate::Response;

/// A response with `status`, `content-type: application/json` and `body`.
///
/// ```
/// let response = cfzt_transport::test_util::json_response(404, r#"{"success":false}"#);
/// assert_eq!(response.status(), 404);
/// assert_eq!(response.headers()["content-type"], "application/json");
/// ```
///
/// # Panics
///
/// When `status` is not between 100 and 999: a test that asks for one is wrong.
pub fn json_response(status: u16, body: impl Into<Bytes>) -> Response {
    let mut response = http::Response::new(body.into());
    *response.status_mut() = http::StatusCode::from_u16(status).expect("a status between 100 and 999");
    response.headers_mut().insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
    response
}
