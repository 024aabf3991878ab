//! The retry layer's schedule, pinned with tokio's paused clock.

mod support;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use cfzt_transport::http::{HeaderMap, HeaderValue, Method, header};
use cfzt_transport::test_util::never_transport;
use cfzt_transport::{HttpTransport, RequestOptions, RequestTemplate, RetryPolicy, RetryTokens, RetryTransport};
use support::{Step, req, retry_after, scripted, secs, status};
use tokio::time::Instant;

#[tokio::test(start_paused = true)]
async fn two_503s_then_success_waits_the_jittered_backoff() {
    let inner = scripted(&[status(503), status(503), status(200)]);
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
    let inner = scripted(&[status(503)]);
    let res = RetryTransport::new(inner.clone()).send(req("GET")).await.unwrap();
    assert_eq!(res.status(), 503);
    assert_eq!(inner.calls(), 3);

    // Holding the retry layer itself, the count comes back with the result, for errors too.
    let cases: [(&[Step], u32); 3] = [(&[status(200)], 1), (&[status(503), status(200)], 2), (&[Step::Reset], 3)];
    for (script, attempts) in cases {
        let (result, counted) = RetryTransport::new(scripted(script)).send_counted(req("GET")).await;
        assert_eq!(counted, attempts);
        assert_eq!(result.is_ok(), !matches!(script, [Step::Reset]));
    }
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_honoured_and_a_long_one_returns_at_once() {
    let inner = scripted(&[retry_after(429, "1"), status(200)]);
    let start = Instant::now();
    assert_eq!(RetryTransport::new(inner.clone()).send(req("GET")).await.unwrap().status(), 200);
    assert_eq!(start.elapsed(), secs(1.0));

    let inner = scripted(&[retry_after(429, "3600"), status(200)]);
    let start = Instant::now();
    let res = RetryTransport::new(inner.clone()).send(req("GET")).await.unwrap();
    assert_eq!(res.status(), 429);
    assert_eq!(res.headers()["retry-after"], "3600");
    assert_eq!(inner.calls(), 1);
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn each_attempt_times_out() {
    let inner = never_transport();
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
    let inner = never_transport();
    let policy = RetryPolicy::default().max_retries(10).deadline(Some(secs(2.5)));
    let start = Instant::now();
    let err = RetryTransport::new(inner).with_policy(policy).send(req("GET")).await.unwrap_err();
    assert!(err.is_timeout());
    assert!(start.elapsed() <= secs(2.5), "{:?}", start.elapsed());
}

#[tokio::test(start_paused = true)]
async fn dropping_the_future_cancels_the_wait() {
    let inner = scripted(&[status(503)]);
    let t = RetryTransport::new(inner.clone());
    assert!(tokio::time::timeout(secs(0.1), t.send(req("GET"))).await.is_err());
    tokio::time::sleep(secs(60.0)).await;
    assert_eq!(inner.calls(), 1);
}

#[tokio::test(start_paused = true)]
async fn post_is_retried_only_when_it_never_reached_the_server() {
    let inner = scripted(&[Step::Reset, status(201)]);
    let err = RetryTransport::new(inner.clone()).send(req("POST")).await.unwrap_err();
    assert!(err.may_have_reached_server());
    assert_eq!(inner.calls(), 1);

    let inner = scripted(&[Step::Connect, status(201)]);
    assert_eq!(RetryTransport::new(inner.clone()).send(req("POST")).await.unwrap().status(), 201);
    assert_eq!(inner.calls(), 2);

    // A 503 answers a request the server received: a POST is not sent twice. (Every
    // attempt would get a 503, so only the count of calls shows a retry.)
    let inner = scripted(&[status(503)]);
    assert_eq!(RetryTransport::new(inner.clone()).send(req("POST")).await.unwrap().status(), 503);
    assert_eq!(inner.calls(), 1);

    let inner = scripted(&[Step::Reset, status(201)]);
    let t = RetryTransport::new(inner.clone()).with_policy(RetryPolicy::default().retry_non_idempotent(true));
    assert_eq!(t.send(req("POST")).await.unwrap().status(), 201);
    assert_eq!(inner.calls(), 2);
}

#[tokio::test(start_paused = true)]
async fn per_request_options_override_the_policy() {
    let inner = scripted(&[status(503)]);
    let mut r = req("GET");
    r.extensions_mut().insert(RequestOptions::new().max_retries(5));
    RetryTransport::new(inner.clone()).send(r).await.unwrap();
    assert_eq!(inner.calls(), 6);
}

#[tokio::test(start_paused = true)]
async fn a_shared_budget_stops_a_retry_storm() {
    let budget = Arc::new(RetryTokens::new(10));
    let inner = scripted(&[status(503)]);
    let a = RetryTransport::new(inner.clone()).with_retry_tokens(budget.clone());
    let b = a.clone();
    a.send(req("GET")).await.unwrap();
    assert_eq!(inner.calls(), 3, "two retries, 10 tokens");
    b.send(req("GET")).await.unwrap();
    assert_eq!(inner.calls(), 4, "no tokens left: sent once, not retried");
    assert_eq!(budget.available(), 0);
}

#[tokio::test(start_paused = true)]
async fn x_should_retry_overrides_the_status_for_any_method() {
    let header = |code, value: &str| Step::Status(code, vec![("x-should-retry", value.to_string())]);
    // (script, method, calls, final status)
    let cases = [
        (vec![header(400, "true"), status(200)], "GET", 2, 200),
        (vec![header(503, "true"), status(201)], "POST", 2, 201),
        (vec![header(503, "false"), status(200)], "GET", 1, 503),
        (vec![header(429, "false"), status(200)], "GET", 1, 429),
        (vec![header(200, "true"), status(204)], "GET", 1, 200),
    ];
    for (script, method, calls, want) in cases {
        let inner = scripted(&script);
        let res = RetryTransport::new(inner.clone()).send(req(method)).await.unwrap();
        assert_eq!((inner.calls(), res.status().as_u16()), (calls, want), "{script:?} {method}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_template_builds_every_attempt_afresh_and_carries_its_options() {
    let mut headers = HeaderMap::new();
    headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
    headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer t"));
    let template = |options: Option<RequestOptions>| {
        let uri = "http://127.0.0.1/x".parse().unwrap();
        let mut template = RequestTemplate::new(Method::PUT, uri, &headers, Bytes::from_static(b"{}"));
        if let Some(options) = options {
            template.extensions_mut().insert(options);
        }
        template
    };

    // Two 503s and a success: three attempts, each the whole request.
    let inner = scripted(&[status(503), status(503), status(200)]);
    let (result, attempts) = RetryTransport::new(inner.clone()).send_counted(template(None)).await;
    assert_eq!((result.unwrap().status().as_u16(), attempts), (200, 3));
    let sent = inner.take_requests();
    assert_eq!(sent.len(), 3);
    for request in &sent {
        assert_eq!(request.method(), Method::PUT);
        assert_eq!(request.uri(), "http://127.0.0.1/x");
        assert_eq!(request.headers(), &headers);
        assert_eq!(request.body(), "{}");
        assert!(request.extensions().get::<RequestOptions>().is_none());
    }

    // The template's options are the call's: no retry, and the request carries them.
    let options = RequestOptions::new().max_retries(0);
    let inner = scripted(&[status(503), status(200)]);
    let (result, attempts) = RetryTransport::new(inner.clone()).send_counted(template(Some(options))).await;
    assert_eq!((result.unwrap().status().as_u16(), attempts), (503, 1));
    assert_eq!(inner.take_requests()[0].extensions().get::<RequestOptions>(), Some(&options));
}
