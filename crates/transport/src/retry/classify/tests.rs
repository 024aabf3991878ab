use super::*;
use crate::ConnectFailure;

use crate::test_headers as headers;

#[test]
fn verdict_table() {
    use RetryVerdict::{Final, Requested, Retryable};
    type Headers = &'static [(&'static str, &'static str)];
    let cases: [(u16, Headers, RetryVerdict); 16] = [
        (200, &[], Final),
        (204, &[("x-should-retry", "true")], Final),
        (302, &[], Final),
        (400, &[], Final),
        (404, &[], Final),
        (400, &[("x-should-retry", "true")], Requested),
        (408, &[], Retryable),
        (409, &[], Retryable),
        (429, &[], Requested),
        (429, &[("x-should-retry", "false")], Final),
        (500, &[], Retryable),
        (503, &[("x-should-retry", " false ")], Final),
        (503, &[("x-should-retry", "true")], Requested),
        (503, &[("x-should-retry", "maybe")], Retryable),
        (520, &[], Retryable),
        (527, &[], Retryable),
    ];
    for (status, pairs, want) in cases {
        let got = RetryVerdict::of(StatusCode::from_u16(status).unwrap(), &headers(pairs));
        assert_eq!(got, want, "{status} {pairs:?}");
        assert_eq!(got.is_retryable(), want != Final);
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
    let connect_with =
        |kind| -> Result<Response, TransportError> { Err(TransportError::Connect { kind, source: "refused".into() }) };
    let connect = || connect_with(ConnectFailure::Refused);
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
        ("GET connect timeout", connect_with(ConnectFailure::TimedOut), true, 0, true),
        ("GET TLS handshake", connect_with(ConnectFailure::TlsHandshake), true, 0, false),
        ("GET invalid certificate", connect_with(ConnectFailure::InvalidCertificate), true, 0, false),
        ("POST reset", io(true), false, 0, false),
        ("PUT reset", io(true), true, 0, true),
        ("body too large", Err(TransportError::BodyTooLarge { limit: 1 }), true, 0, false),
        ("no runtime", Err(TransportError::NoRuntime), true, 0, false),
    ];
    for (name, outcome, idempotent, done, want) in cases {
        assert_eq!(retry(decide(&outcome, idempotent, &p, done, None)), want, "{name}");
    }
    let p = RetryPolicy::default().retry_non_idempotent(true);
    assert!(retry(decide(&io(true), false, &p, 0, None)));
    let d = decide(&response(429, &[("retry-after", "1")]), true, &RetryPolicy::default(), 0, None);
    assert_eq!(d, Decision::Retry { wait: Duration::from_secs(1), cost: 5, in_budget: false });
}

#[test]
fn with_a_request_budget_a_429_waits_in_the_budget() {
    let p = RetryPolicy::default();
    let secs = Duration::from_secs;
    // What the budget answered to the 429 is the wait, in the budget, uncapped.
    let in_budget = |s| Decision::Retry { wait: secs(s), cost: 5, in_budget: true };
    // (name, outcome, idempotent, retries done, the budget's pause, decision)
    let cases = [
        (
            "429, a block longer than the cap",
            response(429, &[("retry-after", "300")]),
            true,
            0,
            Some(300),
            in_budget(300),
        ),
        ("POST 429", response(429, &[("retry-after", "1")]), false, 0, Some(1), in_budget(1)),
        (
            "429 retries spent",
            response(429, &[("retry-after", "1")]),
            true,
            2,
            Some(1),
            Decision::Stop { final_answer: false },
        ),
        (
            "429 x-should-retry false",
            response(429, &[("x-should-retry", "false")]),
            true,
            0,
            Some(1),
            Decision::Stop { final_answer: true },
        ),
        (
            "503 keeps its own wait",
            response(503, &[("retry-after", "2")]),
            true,
            0,
            None,
            Decision::Retry { wait: secs(2), cost: 5, in_budget: false },
        ),
    ];
    for (name, outcome, idempotent, done, pause, want) in cases {
        assert_eq!(decide(&outcome, idempotent, &p, done, pause.map(secs)), want, "{name}");
    }
}
