use std::time::UNIX_EPOCH;

use super::*;
use crate::ConnectFailure;

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.append(*k, v.parse().unwrap());
    }
    h
}

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

#[test]
fn retry_after_table() {
    let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let in_30s = httpdate::fmt_http_date(now + Duration::from_secs(30));
    let ago_30s = httpdate::fmt_http_date(now - Duration::from_secs(30));
    type Headers<'a> = Vec<(&'static str, &'a str)>;
    let cases: Vec<(Headers<'_>, Option<Duration>)> = vec![
        (vec![("retry-after", "1")], Some(Duration::from_secs(1))),
        (vec![("retry-after", " 2 ")], Some(Duration::from_secs(2))),
        (vec![("retry-after", "0.5")], Some(Duration::from_millis(500))),
        (vec![("retry-after", "0")], Some(Duration::ZERO)),
        (vec![("retry-after", "3600")], Some(Duration::from_secs(3600))),
        (vec![("retry-after", &in_30s)], Some(Duration::from_secs(30))),
        (vec![("retry-after", &ago_30s)], Some(Duration::ZERO)),
        (vec![("retry-after", "-1")], None),
        (vec![("retry-after", "NaN")], None),
        (vec![("retry-after", "inf")], Some(Duration::MAX)),
        (vec![("retry-after", "1e400")], Some(Duration::MAX)),
        (vec![("retry-after", "1e30")], Some(Duration::MAX)),
        (vec![("retry-after", "10000000000000000000")], Some(Duration::from_secs(10_000_000_000_000_000_000))),
        (vec![("retry-after", "-inf")], None),
        (vec![("retry-after-ms", "1e300")], Some(Duration::MAX)),
        (vec![("retry-after", "soon")], None),
        (vec![("retry-after", "")], None),
        (vec![("retry-after-ms", "250"), ("retry-after", "9")], Some(Duration::from_millis(250))),
        (vec![("retry-after-ms", "12.5")], Some(Duration::from_micros(12_500))),
        (vec![("retry-after-ms", "x"), ("retry-after", "9")], Some(Duration::from_secs(9))),
        (vec![("retry-after-ms", "-5")], None),
        (vec![], None),
    ];
    for (pairs, want) in cases {
        assert_eq!(retry_after(&headers(&pairs), now), want, "{pairs:?}");
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
        assert_eq!(retry(decide(&outcome, idempotent, &p, done, false)), want, "{name}");
    }
    let p = RetryPolicy::default().retry_non_idempotent(true);
    assert!(retry(decide(&io(true), false, &p, 0, false)));
    let d = decide(&response(429, &[("retry-after", "1")]), true, &RetryPolicy::default(), 0, false);
    assert_eq!(d, Decision::Retry { wait: Duration::from_secs(1), cost: 5 });
}

#[test]
fn with_a_request_budget_a_429_waits_in_the_budget() {
    let p = RetryPolicy::default();
    let now = Decision::Retry { wait: Duration::ZERO, cost: 5 };
    // (name, outcome, idempotent, retries done, decision)
    let cases = [
        ("429, a block longer than the cap", response(429, &[("retry-after", "300")]), true, 0, now),
        ("POST 429", response(429, &[("retry-after", "1")]), false, 0, now),
        ("429 retries spent", response(429, &[("retry-after", "1")]), true, 2, Decision::Stop),
        ("429 x-should-retry false", response(429, &[("x-should-retry", "false")]), true, 0, Decision::Stop),
        (
            "503 keeps its own wait",
            response(503, &[("retry-after", "2")]),
            true,
            0,
            Decision::Retry { wait: Duration::from_secs(2), cost: 5 },
        ),
    ];
    for (name, outcome, idempotent, done, want) in cases {
        assert_eq!(decide(&outcome, idempotent, &p, done, true), want, "{name}");
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn retry_after_never_panics(value in ".{0,40}", ms in ".{0,20}", secs in any::<u64>()) {
            let mut h = HeaderMap::new();
            if let Ok(v) = value.parse() {
                h.insert("retry-after", v);
            }
            if let Ok(v) = ms.parse() {
                h.insert("retry-after-ms", v);
            }
            let now = UNIX_EPOCH + Duration::from_secs(secs % (1 << 40));
            let _ = retry_after(&h, now);
        }

        #[test]
        fn numeric_retry_after_round_trips(secs in 0u32..100_000) {
            let h = headers(&[("retry-after", &secs.to_string())]);
            prop_assert_eq!(retry_after(&h, SystemTime::now()), Some(Duration::from_secs(secs.into())));
        }
    }
}
