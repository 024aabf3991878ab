//! Fault injection: rules that make chosen requests fail in chosen ways.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::http::{HeaderName, HeaderValue, Response, StatusCode, header};
use axum::response::IntoResponse;
use cfzt_models::ResponseInfo;
use hyper::body::Frame;

use crate::codes;
use crate::failure::{RATE_LIMITED_MESSAGE, failure_body};
use crate::routes::Operation;

/// Which requests a [`FaultRule`] looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Route {
    /// Every request, including ones that reach no operation.
    Any,
    /// Requests that reach this operation (method and path; see [`Operation::classify`]).
    Operation(Operation),
    /// Requests whose path (with the `/client/v4` prefix, without the query) contains this
    /// substring.
    Path(String),
}

impl Route {
    fn matches(&self, operation: Option<Operation>, path: &str) -> bool {
        match self {
            Route::Any => true,
            Route::Operation(op) => operation == Some(*op),
            Route::Path(part) => path.contains(part.as_str()),
        }
    }
}

/// Which of the matching requests a [`FaultRule`] applies to.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Times {
    /// Every matching request, until the rule is cleared.
    Always,
    /// The next `n` matching requests; after that the rule is spent.
    Next(u32),
    /// Each matching request with this probability (0.0 to 1.0), drawn from a random
    /// generator seeded with `seed`: the same seed and the same sequence of matching
    /// requests give the same faults, run after run.
    Fraction {
        /// The chance that a matching request is faulted.
        probability: f64,
        /// The seed of the rule's own random generator.
        seed: u64,
    },
}

/// What happens to a faulted request.
///
/// Every fault but [`Fault::Delay`] and [`Fault::DropAfterHandling`] keeps the request
/// away from the fake's state: a faulted create creates nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer with this status, body and content type instead of handling the request.
    /// A `cf-ray` header is added unless `headers` has one. A status outside 100–999
    /// is answered as 500.
    Status {
        /// The HTTP status code.
        status: u16,
        /// The response body, sent as is.
        body: String,
        /// The `content-type` of the body.
        content_type: String,
        /// Extra response headers, as `(name, value)`.
        headers: Vec<(String, String)>,
    },
    /// Wait this long, then handle the request normally (state changes as usual).
    Delay(Duration),
    /// Close the connection without sending anything; the request is not handled.
    DropConnection,
    /// Handle the request normally (state changes), then close the connection without
    /// sending the response: the client cannot tell whether its call took effect.
    DropAfterHandling,
    /// Send a `200` status line and headers announcing a full JSON body, then only part of
    /// it, then close the connection. The request is not handled.
    ResetMidBody,
}

impl Fault {
    /// A Cloudflare-style JSON failure envelope with `status`, e.g. `Fault::status(503)`.
    ///
    /// The error code is [`codes::AUTHENTICATION_ERROR`] for 401 and 403,
    /// [`codes::RATE_LIMITED`] for 429 (without `Retry-After`; see
    /// [`Fault::rate_limited`]), and [`codes::INJECTED_FAILURE`] otherwise.
    pub fn status(status: u16) -> Fault {
        let (code, message) = match status {
            401 | 403 => (codes::AUTHENTICATION_ERROR, "Authentication error".to_string()),
            429 => (codes::RATE_LIMITED, RATE_LIMITED_MESSAGE.to_string()),
            _ => (codes::INJECTED_FAILURE, format!("{} (fault injected by cfzt-fake-server)", reason(status))),
        };
        let body = failure_body(&[ResponseInfo::new(code, message)]);
        Fault::Status { status, body, content_type: "application/json".into(), headers: Vec::new() }
    }

    /// A response with `status` and this JSON body, sent as `application/json`.
    pub fn json(status: u16, body: serde_json::Value) -> Fault {
        Fault::Status { status, body: body.to_string(), content_type: "application/json".into(), headers: Vec::new() }
    }

    /// A `429` like Cloudflare's rate limiter sends: the code 971 envelope, a
    /// `Retry-After: <retry_after_secs>` header, and `Ratelimit`/`Ratelimit-Policy`
    /// headers (those of the API's default limit, whatever
    /// [`rate_limit`](crate::FakeServerBuilder::rate_limit) the server enforces: the fault
    /// answers in place of the server and is not counted by its rate limit).
    pub fn rate_limited(retry_after_secs: u64) -> Fault {
        Fault::status(429)
            .with_header("retry-after", retry_after_secs.to_string())
            .with_header("ratelimit", format!("\"default\";r=0;t={retry_after_secs}"))
            .with_header("ratelimit-policy", "\"default\";q=1200;w=300")
    }

    /// An HTML error page like the ones Cloudflare's edge sends for 5xx errors (e.g.
    /// `Fault::html(502)` for "Bad gateway"), as `text/html; charset=UTF-8`.
    pub fn html(status: u16) -> Fault {
        let reason = reason(status);
        let body = format!(
            "<!DOCTYPE html>\n<html lang=\"en-US\">\n<head>\n<title>api.cloudflare.com | {status}: {reason}</title>\n\
             <meta charset=\"UTF-8\" />\n</head>\n<body>\n<div id=\"cf-error-details\">\n\
             <h1><span>Error</span> <span>{status}</span></h1>\n<h2>{reason}</h2>\n\
             <p>The web server reported an error (fault injected by cfzt-fake-server).</p>\n\
             </div>\n</body>\n</html>\n"
        );
        Fault::Status { status, body, content_type: "text/html; charset=UTF-8".into(), headers: Vec::new() }
    }

    /// Wait `delay`, then handle the request normally. See [`Fault::Delay`].
    pub fn delay(delay: Duration) -> Fault {
        Fault::Delay(delay)
    }

    /// Close the connection without a response. See [`Fault::DropConnection`].
    pub fn drop_connection() -> Fault {
        Fault::DropConnection
    }

    /// Handle the request, then close the connection without a response. See
    /// [`Fault::DropAfterHandling`].
    pub fn drop_after_handling() -> Fault {
        Fault::DropAfterHandling
    }

    /// Send a truncated body and close the connection. See [`Fault::ResetMidBody`].
    pub fn reset_mid_body() -> Fault {
        Fault::ResetMidBody
    }

    /// The same fault with one more response header, e.g. `x-should-retry: false`.
    /// Only [`Fault::Status`] sends headers; other faults are returned unchanged.
    #[must_use]
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Fault {
        if let Fault::Status { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }
}

/// A fault to apply to some requests: which requests ([`Route`], optionally a method),
/// how many of them ([`Times`]) and what happens ([`Fault`]).
///
/// Install it with [`FakeServer::inject`](crate::FakeServer::inject). Rules are tried in
/// the order they were injected; the first one that fires decides the request's fate.
///
/// ```
/// use cfzt_fake_server::{Fault, FaultRule, Operation, Route, Times};
/// // The next two updates fail with 503.
/// let rule = FaultRule::new(Route::Operation(Operation::UpdateUser), Fault::status(503)).times(Times::Next(2));
/// // About a tenth of all requests get a 429, deterministically for seed 7.
/// let noisy = FaultRule::new(Route::Any, Fault::rate_limited(1))
///     .times(Times::Fraction { probability: 0.1, seed: 7 });
/// // Every DELETE is dropped.
/// let drop = FaultRule::new(Route::Any, Fault::drop_connection()).method("DELETE");
/// # let _ = (rule, noisy, drop);
/// ```
#[derive(Debug, Clone)]
pub struct FaultRule {
    route: Route,
    method: Option<String>,
    times: Times,
    fault: Fault,
}

impl FaultRule {
    /// A rule that applies `fault` to every request matching `route` ([`Times::Always`]
    /// until changed with [`FaultRule::times`]).
    pub fn new(route: Route, fault: Fault) -> FaultRule {
        FaultRule { route, method: None, times: Times::Always, fault }
    }

    /// Limits the rule to requests with this HTTP method (compared case-insensitively).
    #[must_use]
    pub fn method(mut self, method: impl Into<String>) -> FaultRule {
        self.method = Some(method.into());
        self
    }

    /// Sets which of the matching requests are faulted.
    #[must_use]
    pub fn times(mut self, times: Times) -> FaultRule {
        self.times = times;
        self
    }

    /// The route the rule looks at.
    pub fn route(&self) -> &Route {
        &self.route
    }

    /// The fault the rule applies.
    pub fn fault(&self) -> &Fault {
        &self.fault
    }
}

/// A rule with its running state (remaining count or random generator).
#[derive(Debug)]
pub(crate) struct ActiveRule {
    rule: FaultRule,
    remaining: Option<u32>,
    rng: Option<fastrand::Rng>,
}

impl ActiveRule {
    pub(crate) fn new(rule: FaultRule) -> ActiveRule {
        let (remaining, rng) = match rule.times {
            Times::Always => (None, None),
            Times::Next(n) => (Some(n), None),
            Times::Fraction { seed, .. } => (None, Some(fastrand::Rng::with_seed(seed))),
        };
        ActiveRule { rule, remaining, rng }
    }

    /// Whether the rule fires for this request; advances the rule's state when the
    /// request matches.
    fn fires(&mut self, method: &str, operation: Option<Operation>, path: &str) -> bool {
        if let Some(m) = &self.rule.method
            && !m.eq_ignore_ascii_case(method)
        {
            return false;
        }
        if !self.rule.route.matches(operation, path) {
            return false;
        }
        match self.rule.times {
            Times::Always => true,
            Times::Next(_) => match &mut self.remaining {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    true
                }
                _ => false,
            },
            Times::Fraction { probability, .. } => self.rng.as_mut().is_some_and(|rng| rng.f64() < probability),
        }
    }
}

/// The fault for this request, if any rule fires. Rules are tried in order and stop at
/// the first that fires, so later rules' state does not advance for that request.
pub(crate) fn pick(rules: &mut [ActiveRule], method: &str, operation: Option<Operation>, path: &str) -> Option<Fault> {
    rules.iter_mut().find_map(|r| r.fires(method, operation, path).then(|| r.rule.fault.clone()))
}

// ---------------------------------------------------------------------------------------
// Answering a fault
// ---------------------------------------------------------------------------------------

/// The response of a [`Fault::Status`]: its status (500 if out of range), body,
/// content type and extra headers.
pub(crate) fn status_response(
    status: u16,
    body: String,
    content_type: &str,
    headers: &[(String, String)],
) -> Response<Body> {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, body).into_response();
    let map = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        map.insert(header::CONTENT_TYPE, v);
    }
    for (name, value) in headers {
        if let (Ok(n), Ok(v)) = (HeaderName::try_from(name.as_str()), HeaderValue::from_str(value)) {
            map.append(n, v);
        }
    }
    response
}

/// A 200 that announces a whole JSON body but sends half of it, then fails the stream so
/// hyper closes the connection.
pub(crate) fn truncated_response() -> Response<Body> {
    let full = Bytes::from_static(
        br#"{"success":true,"errors":[],"messages":[],"result":{"note":"this body was cut short by a reset_mid_body fault"}}"#,
    );
    let half = full.slice(..full.len() / 2);
    let body =
        TruncatedBody { first: Some(half), pause: Box::pin(tokio::time::sleep(std::time::Duration::from_millis(50))) };
    let mut response = Response::new(Body::new(body));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(full.len()));
    response
}

/// Yields one chunk, waits a moment (so the chunk reaches the client), then fails.
struct TruncatedBody {
    first: Option<Bytes>,
    pause: Pin<Box<tokio::time::Sleep>>,
}

impl HttpBody for TruncatedBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        let this = self.get_mut();
        if let Some(chunk) = this.first.take() {
            return Poll::Ready(Some(Ok(Frame::data(chunk))));
        }
        match this.pause.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => Poll::Ready(Some(Err(io::Error::new(
                io::ErrorKind::ConnectionReset,
                "response cut short by a reset_mid_body fault",
            )))),
        }
    }
}

fn reason(status: u16) -> &'static str {
    StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("Error")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_n_is_spent() {
        let mut rules = vec![ActiveRule::new(FaultRule::new(Route::Any, Fault::status(503)).times(Times::Next(2)))];
        let hits: Vec<bool> = (0..4).map(|_| pick(&mut rules, "GET", None, "/x").is_some()).collect();
        assert_eq!(hits, [true, true, false, false]);
    }

    #[test]
    fn method_and_route_filter() {
        let rule = FaultRule::new(Route::Path("/users/".into()), Fault::drop_connection()).method("delete");
        let mut rules = vec![ActiveRule::new(rule)];
        assert!(pick(&mut rules, "GET", None, "/a/users/b").is_none());
        assert!(pick(&mut rules, "DELETE", None, "/a/users").is_none());
        assert_eq!(pick(&mut rules, "DELETE", None, "/a/users/b"), Some(Fault::DropConnection));
    }

    #[test]
    fn fraction_is_deterministic() {
        let run = || {
            let rule = FaultRule::new(Route::Operation(Operation::GetUser), Fault::status(500))
                .times(Times::Fraction { probability: 0.3, seed: 42 });
            let mut rules = vec![ActiveRule::new(rule)];
            (0..200).map(|_| pick(&mut rules, "GET", Some(Operation::GetUser), "/").is_some()).collect::<Vec<_>>()
        };
        let a = run();
        assert_eq!(a, run());
        let hits = a.iter().filter(|h| **h).count();
        assert!((40..=80).contains(&hits), "{hits}");
    }

    #[test]
    fn helpers_build_cloudflare_like_answers() {
        let Fault::Status { status, body, headers, content_type } = Fault::rate_limited(30) else { panic!() };
        assert_eq!(status, 429);
        assert_eq!(content_type, "application/json");
        assert!(headers.contains(&("retry-after".to_string(), "30".to_string())));
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["errors"][0]["code"], 971);
        assert_eq!(v["result"], serde_json::Value::Null);
        let Fault::Status { content_type, body, .. } = Fault::html(502) else { panic!() };
        assert!(content_type.starts_with("text/html"));
        assert!(body.contains("502") && body.contains("Bad Gateway"));
        assert_eq!(
            Fault::delay(Duration::from_millis(5)).with_header("a", "b"),
            Fault::Delay(Duration::from_millis(5))
        );
    }
}
