//! A transport that answers a prepared list of responses in order and checks the requests
//! afterwards.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use http::HeaderValue;

use crate::{HttpTransport, Request, Response, TransportError, async_trait};

/// One exchange a [`ReplayTransport`] plays: the request it expects, and what it answers.
pub struct ReplayEvent {
    request: Request,
    response: Result<Response, TransportError>,
}

impl ReplayEvent {
    /// An exchange answered with `response`.
    ///
    /// Only the parts of `request` that
    /// [`assert_requests_match`](ReplayTransport::assert_requests_match) compares matter: its
    /// method, URI and body, and the headers it has (headers it does not name are not
    /// checked).
    pub fn new(request: Request, response: Response) -> Self {
        Self { request, response: Ok(response) }
    }

    /// An exchange that fails with `error`, as a backend would (a refused connection, a
    /// reset).
    pub fn failure(request: Request, error: TransportError) -> Self {
        Self { request, response: Err(error) }
    }

    /// The request this exchange expects.
    pub fn request(&self) -> &Request {
        &self.request
    }
}

impl fmt::Debug for ReplayEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplayEvent")
            .field("method", self.request.method())
            .field("uri", self.request.uri())
            .field("response", &self.response.as_ref().map(Response::status))
            .finish()
    }
}

/// A transport that answers with prepared responses, in order, and records the requests.
///
/// The `n`th request gets the `n`th [`ReplayEvent`]'s response whatever it is; once the
/// conversation is over, [`assert_requests_match`](Self::assert_requests_match) compares
/// each request with the one its event expected. A request beyond the list fails with
/// [`TransportError::InvalidRequest`] (and is counted by the assertion). Clones share the
/// conversation.
///
/// ```
/// use cfzt_transport::HttpTransport;
/// use cfzt_transport::test_util::{ReplayEvent, ReplayTransport, json_response};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let get = |uri: &str| http::Request::get(uri).body(bytes::Bytes::new()).unwrap();
/// let transport = ReplayTransport::new([
///     ReplayEvent::new(get("http://127.0.0.1/items?page=1"), json_response(200, "[1,2]")),
///     ReplayEvent::new(get("http://127.0.0.1/items?page=2"), json_response(200, "[]")),
/// ]);
///
/// // The code under test:
/// for page in 1.. {
///     let res = transport.send(get(&format!("http://127.0.0.1/items?page={page}"))).await.unwrap();
///     if res.body() == "[]" {
///         break;
///     }
/// }
///
/// transport.assert_requests_match();
/// # }
/// ```
#[derive(Clone)]
pub struct ReplayTransport {
    state: Arc<Mutex<State>>,
}

struct State {
    expected: Vec<Request>,
    responses: VecDeque<Result<Response, TransportError>>,
    actual: Vec<Request>,
}

impl ReplayTransport {
    /// A transport that plays `events` in order.
    pub fn new(events: impl IntoIterator<Item = ReplayEvent>) -> Self {
        let (expected, responses) = events.into_iter().map(|e| (e.request, e.response)).unzip();
        Self { state: Arc::new(Mutex::new(State { expected, responses, actual: Vec::new() })) }
    }

    /// The requests received so far, in order.
    pub fn actual_requests(&self) -> Vec<Request> {
        self.lock().actual.clone()
    }

    /// Checks that the transport received exactly the expected requests, in order.
    ///
    /// For each request it compares the method, the URI, every header the expected request
    /// names (same values, in order; headers it does not name are ignored) and the body (as
    /// JSON values when both parse as JSON, so key order and spacing do not matter; byte for
    /// byte otherwise). Extensions are not compared.
    ///
    /// # Panics
    ///
    /// When anything differs, with one line per difference naming the request (`request 2
    /// of 3`) and the part, and the expected and actual values. Values of headers marked
    /// sensitive are not printed.
    #[track_caller]
    pub fn assert_requests_match(&self) {
        let state = self.lock();
        let mut problems = Vec::new();
        let (expected, actual) = (&state.expected, &state.actual);
        for (i, (want, got)) in expected.iter().zip(actual).enumerate() {
            let name = format!("request {} of {} ({} {})", i + 1, expected.len(), want.method(), want.uri());
            problems.extend(differences(want, got).into_iter().map(|d| format!("{name}: {d}")));
        }
        if expected.len() != actual.len() {
            let (more, verb) =
                if actual.len() > expected.len() { (actual, "unexpected") } else { (expected, "never sent") };
            let list: Vec<String> = more[expected.len().min(actual.len())..]
                .iter()
                .map(|r| format!("\n    {verb}: {} {}", r.method(), r.uri()))
                .collect();
            problems.push(format!("expected {} requests, got {}{}", expected.len(), actual.len(), list.concat()));
        }
        assert!(problems.is_empty(), "the replayed requests did not match:\n- {}", problems.join("\n- "));
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for ReplayTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("ReplayTransport")
            .field("expected", &state.expected.len())
            .field("received", &state.actual.len())
            .finish()
    }
}

#[async_trait]
impl HttpTransport for ReplayTransport {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        let mut state = self.lock();
        state.actual.push(request);
        let n = state.actual.len();
        state.responses.pop_front().unwrap_or_else(|| {
            let events = state.expected.len();
            let message = format!("the replay transport has no response for request {n}: it was given {events}");
            Err(TransportError::InvalidRequest { source: message.into() })
        })
    }
}

/// What differs between an expected and an actual request, one line each.
fn differences(want: &Request, got: &Request) -> Vec<String> {
    let mut out = Vec::new();
    let mut differ = |part: String, want: String, got: String| {
        out.push(format!("{part} differs\n    expected: {want}\n    actual:   {got}"));
    };
    if want.method() != got.method() {
        differ("method".into(), want.method().to_string(), got.method().to_string());
    }
    if want.uri() != got.uri() {
        differ("URI".into(), want.uri().to_string(), got.uri().to_string());
    }
    for name in want.headers().keys() {
        let wanted: Vec<&HeaderValue> = want.headers().get_all(name).iter().collect();
        let sent: Vec<&HeaderValue> = got.headers().get_all(name).iter().collect();
        if wanted != sent {
            differ(format!("header `{name}`"), show_values(&wanted), show_values(&sent));
        }
    }
    if !same_body(want.body(), got.body()) {
        differ("body".into(), show_body(want.body()), show_body(got.body()));
    }
    out
}

fn same_body(want: &[u8], got: &[u8]) -> bool {
    if want == got {
        return true;
    }
    match (serde_json::from_slice::<serde_json::Value>(want), serde_json::from_slice::<serde_json::Value>(got)) {
        (Ok(want), Ok(got)) => want == got,
        _ => false,
    }
}

fn show_values(values: &[&HeaderValue]) -> String {
    if values.is_empty() {
        return "(absent)".into();
    }
    if values.iter().any(|v| v.is_sensitive()) {
        return format!("({} value(s) marked sensitive, not shown)", values.len());
    }
    let each: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
    each.join(", ")
}

fn show_body(body: &[u8]) -> String {
    if body.is_empty() { "(empty)".into() } else { format!("{:?}", String::from_utf8_lossy(body)) }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::ConnectFailure;
    use crate::test_util::json_response;

    fn req(method: &str, uri: &str, body: &str) -> Request {
        http::Request::builder().method(method).uri(uri).body(Bytes::copy_from_slice(body.as_bytes())).unwrap()
    }

    /// The panic message of `assert_requests_match`, or `None` when it passed.
    fn mismatch(t: &ReplayTransport) -> Option<String> {
        let t = t.clone();
        let caught = std::panic::catch_unwind(move || t.assert_requests_match()).err()?;
        Some(caught.downcast_ref::<String>().cloned().unwrap_or_default())
    }

    #[tokio::test]
    async fn answers_in_order_and_matches() {
        let t = ReplayTransport::new([
            ReplayEvent::new(req("POST", "http://a/u", r#"{"a":1,"b":2}"#), json_response(201, "x")),
            ReplayEvent::failure(
                req("GET", "http://a/u/1", ""),
                TransportError::Connect { kind: ConnectFailure::Refused, source: "no".into() },
            ),
        ]);
        // Answers go by position, whatever the request.
        assert_eq!(t.send(req("GET", "http://elsewhere/", "")).await.unwrap().status(), 201);
        assert!(t.send(req("GET", "http://a/u/1", "")).await.unwrap_err().is_connect());
        let third = t.send(req("GET", "http://a/u/2", "")).await.unwrap_err();
        assert!(third.to_string().contains("not valid"), "{third}");
        assert_eq!(t.actual_requests().len(), 3);
        assert_eq!(format!("{t:?}"), "ReplayTransport { expected: 2, received: 3 }");
    }

    #[tokio::test]
    async fn json_bodies_match_whatever_their_key_order() {
        let t = ReplayTransport::new([ReplayEvent::new(
            req("PUT", "http://a/", r#"{"a":1,"b":2}"#),
            json_response(200, ""),
        )]);
        t.send(req("PUT", "http://a/", r#"{ "b": 2, "a": 1 }"#)).await.unwrap();
        assert_eq!(mismatch(&t), None);
    }

    #[tokio::test]
    async fn each_difference_names_the_request_and_the_part() {
        let mut want = req("POST", "http://a/u?x=1", r#"{"email":"a@example.com"}"#);
        want.headers_mut().insert("accept", HeaderValue::from_static("application/json"));
        want.headers_mut().insert("authorization", HeaderValue::from_static("Bearer right"));
        let t = ReplayTransport::new([
            ReplayEvent::new(req("GET", "http://a/ok", ""), json_response(200, "")),
            ReplayEvent::new(want, json_response(200, "")),
        ]);
        t.send(req("GET", "http://a/ok", "")).await.unwrap();
        let mut got = req("PUT", "http://a/u?x=2", r#"{"email":"b@example.com"}"#);
        let mut secret = HeaderValue::from_static("Bearer wrong-secret");
        secret.set_sensitive(true);
        got.headers_mut().insert("authorization", secret);
        got.headers_mut().insert("x-not-checked", HeaderValue::from_static("1"));
        t.send(got).await.unwrap();

        let message = mismatch(&t).expect("a mismatch");
        let name = "request 2 of 2 (POST http://a/u?x=1)";
        for part in [
            format!("{name}: method differs\n    expected: POST\n    actual:   PUT"),
            format!("{name}: URI differs\n    expected: http://a/u?x=1\n    actual:   http://a/u?x=2"),
            format!("{name}: header `accept` differs\n    expected: \"application/json\"\n    actual:   (absent)"),
            format!(
                "{name}: header `authorization` differs\n    expected: \"Bearer right\"\n    actual:   (1 value(s) marked sensitive, not shown)"
            ),
            format!(
                "{name}: body differs\n    expected: \"{{\\\"email\\\":\\\"a@example.com\\\"}}\"\n    actual:   \"{{\\\"email\\\":\\\"b@example.com\\\"}}\""
            ),
        ] {
            assert!(message.contains(&part), "missing {part:?} in\n{message}");
        }
        assert!(!message.contains("request 1 of 2"), "{message}");
        assert!(!message.contains("wrong-secret") && !message.contains("x-not-checked"), "{message}");
    }

    #[tokio::test]
    async fn too_few_and_too_many_requests_are_named() {
        let events = || {
            [
                ReplayEvent::new(req("GET", "http://a/1", ""), json_response(200, "")),
                ReplayEvent::new(req("DELETE", "http://a/2", ""), json_response(200, "")),
            ]
        };
        let t = ReplayTransport::new(events());
        t.send(req("GET", "http://a/1", "")).await.unwrap();
        let message = mismatch(&t).unwrap();
        assert!(message.contains("expected 2 requests, got 1\n    never sent: DELETE http://a/2"), "{message}");

        let t = ReplayTransport::new(events());
        for uri in ["http://a/1", "http://a/2", "http://a/3"] {
            let _ = t.send(req("GET", uri, "")).await;
        }
        let message = mismatch(&t).unwrap();
        assert!(message.contains("request 2 of 2 (DELETE http://a/2): method differs"), "{message}");
        assert!(message.contains("expected 2 requests, got 3\n    unexpected: GET http://a/3"), "{message}");
    }
}
