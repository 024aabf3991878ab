//! The hostile-server matrix: every case over both backends against a real loopback
//! server, each with its exact expected outcome. None may panic or outlive its deadline,
//! and no output (errors' `Debug`/`Display`, `tracing`) may contain a credential.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use cfzt::transport::{HttpTransport, RetryPolicy};
use cfzt::{Client, CreateUserParams, Error, Pacing, UserId};
use cfzt_fake_server::{DEMO_USER_ID, FakeServer, Fault, FaultRule, Operation, Route, Times};
use common::{KEY, RawServer, TOKEN, backends, captured, demo_account};

/// A client for the matrix: fast backoff, a short attempt timeout, and credentials that
/// must never leak. Even-numbered cases use the token, odd ones the global API key. No
/// request budget: the matrix pins the retry layer's own handling of 429s (with a budget, a
/// 429 waits for the reset instead: tests/rate_limit.rs).
fn client(base_url: &str, transport: &Arc<dyn HttpTransport>, case: usize) -> Client {
    let builder = Client::builder().base_url(base_url).transport(transport.clone()).pacing(Pacing::Off).retry_policy(
        RetryPolicy::default()
            .backoff(Duration::from_millis(5), Duration::from_millis(20))
            .attempt_timeout(Some(Duration::from_millis(400))),
    );
    let builder = if case.is_multiple_of(2) {
        builder.api_token(TOKEN)
    } else {
        builder.global_api_key("admin@example.com", KEY)
    };
    builder.build().unwrap()
}

/// The call a case makes.
#[derive(Clone, Copy, Debug)]
enum Call {
    Get,
    Create,
}

async fn run(client: &Client, call: Call) -> Result<(), Error> {
    let users = client.users(&demo_account());
    match call {
        Call::Get => users.get(&DEMO_USER_ID.parse::<UserId>().unwrap()).await.map(drop),
        Call::Create => users.create(CreateUserParams::new("hostile@example.com")).await.map(drop),
    }
}

fn assert_no_secret(text: &str, case: &str) {
    assert!(!text.contains(TOKEN) && !text.contains(KEY), "{case}: a credential leaked into {text}");
}

/// One case against the fake server: faults to inject, the call, and what must come of
/// it (the result, and the requests the server saw).
struct Case {
    name: &'static str,
    faults: Vec<FaultRule>,
    call: Call,
    check: fn(&Result<(), Error>, &FakeServer),
}

fn on_get(fault: Fault) -> FaultRule {
    FaultRule::new(Route::Operation(Operation::GetUser), fault)
}

fn envelope(status: u16, code: i64, message: &str) -> Fault {
    Fault::json(
        status,
        serde_json::json!({"success": false, "errors": [{"code": code, "message": message}], "messages": [], "result": null}),
    )
}

fn raw(status: u16, content_type: &str, body: &str) -> Fault {
    Fault::Status { status, body: body.into(), content_type: content_type.into(), headers: vec![] }
}

/// How many requests reached an operation.
fn hits(server: &FakeServer, op: Operation) -> usize {
    server.journal().iter().filter(|e| e.operation == Some(op)).count()
}

fn api(result: &Result<(), Error>) -> &cfzt::ApiError {
    result.as_ref().unwrap_err().as_api().unwrap_or_else(|| panic!("expected an API error, got {result:?}"))
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "reset before the response",
            faults: vec![on_get(Fault::drop_connection())],
            call: Call::Get,
            check: |r, s| {
                let e = r.as_ref().unwrap_err();
                assert!(e.is_transport() && e.is_retryable(), "{e:?}");
                assert_eq!(e.attempts(), Some(3));
                assert_eq!(hits(s, Operation::GetUser), 3);
            },
        },
        Case {
            name: "reset in the middle of the body",
            faults: vec![on_get(Fault::reset_mid_body())],
            call: Call::Get,
            check: |r, s| {
                assert!(r.as_ref().unwrap_err().is_transport(), "{r:?}");
                assert_eq!(hits(s, Operation::GetUser), 3);
            },
        },
        Case {
            name: "no headers before the attempt timeout, then an answer",
            faults: vec![on_get(Fault::delay(Duration::from_secs(2))).times(Times::Next(1))],
            call: Call::Get,
            check: |r, s| {
                assert!(r.is_ok(), "{r:?}");
                assert_eq!(hits(s, Operation::GetUser), 2);
            },
        },
        Case {
            name: "429 with Retry-After: 1, then success",
            faults: vec![on_get(Fault::rate_limited(1)).times(Times::Next(1))],
            call: Call::Get,
            check: |r, s| {
                assert!(r.is_ok(), "{r:?}");
                assert_eq!(hits(s, Operation::GetUser), 2);
            },
        },
        Case {
            name: "429 with Retry-After: 3600 fails at once",
            faults: vec![on_get(Fault::rate_limited(3600))],
            call: Call::Get,
            check: |r, s| {
                let e = r.as_ref().unwrap_err();
                assert!(e.is_rate_limited(), "{e:?}");
                assert_eq!(e.retry_after(), Some(Duration::from_secs(3600)));
                assert_eq!(e.api_errors()[0].code, 971);
                assert_eq!(hits(s, Operation::GetUser), 1);
            },
        },
        Case {
            name: "503 three times: retries exhausted",
            faults: vec![on_get(Fault::status(503))],
            call: Call::Get,
            check: |r, s| {
                let e = r.as_ref().unwrap_err();
                assert_eq!(e.status().unwrap(), 503);
                assert_eq!(e.attempts(), Some(3));
                assert!(e.to_string().contains("after 3 attempts"), "{e}");
                assert_eq!(hits(s, Operation::GetUser), 3);
            },
        },
        Case {
            name: "HTML 502 page",
            faults: vec![on_get(Fault::html(502))],
            call: Call::Get,
            check: |r, s| {
                let a = api(r);
                assert_eq!(a.status, 502);
                assert!(a.errors.is_empty());
                assert!(a.body_excerpt.as_deref().unwrap().contains("502"), "{a:?}");
                assert!(a.body_excerpt.as_deref().unwrap().chars().count() <= 201);
                assert!(a.cf_ray.is_some());
                // A 502 is the edge's, not the API's: a GET is retried until the attempts run out.
                assert_eq!(hits(s, Operation::GetUser), 3);
                assert_eq!(r.as_ref().unwrap_err().attempts(), Some(3));
            },
        },
        Case {
            name: "HTML 520 page",
            faults: vec![on_get(Fault::html(520))],
            call: Call::Get,
            check: |r, s| {
                let a = api(r);
                assert_eq!(a.status.as_u16(), 520);
                assert!(a.cf_ray.is_some() && a.body_excerpt.is_some());
                assert_eq!(hits(s, Operation::GetUser), 3);
            },
        },
        Case {
            name: "200 with success: false",
            faults: vec![on_get(envelope(200, 1001, "not really"))],
            call: Call::Get,
            check: |r, s| {
                let a = api(r);
                assert_eq!((a.status.as_u16(), a.code()), (200, Some(1001)));
                assert_eq!(hits(s, Operation::GetUser), 1);
            },
        },
        Case {
            name: "200 with invalid JSON",
            faults: vec![on_get(raw(200, "application/json", "{not json"))],
            call: Call::Get,
            check: |r, _| assert!(r.as_ref().unwrap_err().is_decode(), "{r:?}"),
        },
        Case {
            name: "200 with truncated JSON",
            faults: vec![on_get(raw(200, "application/json", r#"{"success":true,"errors":[],"result":{"id":"f174"#))],
            call: Call::Get,
            check: |r, _| assert!(r.as_ref().unwrap_err().is_decode(), "{r:?}"),
        },
        Case {
            name: "200 with a non-JSON content type",
            faults: vec![on_get(raw(200, "text/plain", "OK"))],
            call: Call::Get,
            check: |r, _| {
                let e = r.as_ref().unwrap_err();
                assert!(e.is_decode() && e.to_string().contains("text/plain"), "{e}");
            },
        },
        Case {
            name: "a body over the cap",
            faults: vec![on_get(raw(200, "application/json", &"x".repeat(300 * 1024)))],
            call: Call::Get,
            check: |r, s| {
                let Err(Error::Transport(t)) = r else { panic!("{r:?}") };
                assert!(t.source.is_body_too_large(), "{t:?}");
                assert_eq!(hits(s, Operation::GetUser), 1, "not retried");
            },
        },
        Case {
            name: "a flat {code, error} body",
            faults: vec![on_get(raw(400, "application/json", r#"{"code":7003,"error":"Could not route"}"#))],
            call: Call::Get,
            check: |r, _| {
                let a = api(r);
                assert_eq!((a.status.as_u16(), a.code()), (400, Some(7003)));
                assert!(r.as_ref().unwrap_err().to_string().starts_with("Could not route (code 7003)"));
            },
        },
        Case {
            name: "400 envelope",
            faults: vec![on_get(envelope(400, 6003, "Invalid request headers"))],
            call: Call::Get,
            check: |r, s| {
                let e = r.as_ref().unwrap_err();
                assert_eq!(e.status().unwrap(), 400);
                assert!(!e.is_retryable() && !e.is_auth());
                assert_eq!(hits(s, Operation::GetUser), 1);
            },
        },
        Case {
            name: "401 envelope",
            faults: vec![on_get(Fault::status(401))],
            call: Call::Get,
            check: |r, _| assert!(r.as_ref().unwrap_err().is_auth() && api(r).status == 401),
        },
        Case {
            name: "403 envelope",
            faults: vec![on_get(Fault::status(403))],
            call: Call::Get,
            check: |r, _| assert!(r.as_ref().unwrap_err().is_auth() && api(r).code() == Some(10000)),
        },
        Case {
            name: "404 envelope",
            faults: vec![on_get(envelope(404, 12128, "user not found"))],
            call: Call::Get,
            check: |r, s| {
                assert!(r.as_ref().unwrap_err().is_not_found());
                assert_eq!(hits(s, Operation::GetUser), 1);
            },
        },
        Case {
            name: "409 envelope (retried, as the SDKs do)",
            faults: vec![on_get(envelope(409, 12127, "conflict"))],
            call: Call::Get,
            check: |r, s| {
                assert!(r.as_ref().unwrap_err().is_conflict());
                assert_eq!(hits(s, Operation::GetUser), 3);
            },
        },
        Case {
            name: "422 envelope",
            faults: vec![on_get(envelope(422, 1001, "unprocessable"))],
            call: Call::Get,
            check: |r, _| assert_eq!(api(r).status, 422),
        },
        Case {
            name: "a POST create whose connection drops after the request was handled",
            faults: vec![
                FaultRule::new(Route::Operation(Operation::CreateUser), Fault::drop_after_handling())
                    .times(Times::Next(1)),
            ],
            call: Call::Create,
            check: |r, s| {
                let e = r.as_ref().unwrap_err();
                let Error::Transport(t) = e else { panic!("{e:?}") };
                assert!(t.source.may_have_reached_server());
                assert_eq!(hits(s, Operation::CreateUser), 1, "not retried");
                let created =
                    s.users(&demo_account()).into_iter().filter(|u| u.email.as_deref() == Some("hostile@example.com"));
                assert_eq!(created.count(), 1, "created exactly once");
            },
        },
        Case {
            name: "a POST create refused with 503 is not retried",
            faults: vec![FaultRule::new(Route::Operation(Operation::CreateUser), Fault::status(503))],
            call: Call::Create,
            check: |r, s| {
                assert_eq!(r.as_ref().unwrap_err().status().unwrap(), 503);
                assert_eq!(hits(s, Operation::CreateUser), 1);
            },
        },
    ]
}

/// Runs a future under a hard deadline: the matrix may fail, but never hang.
async fn bounded<T>(name: &str, f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), f).await.unwrap_or_else(|_| panic!("{name}: outlived its deadline"))
}

#[tokio::test]
async fn the_fake_server_matrix() {
    let logs = captured();
    for (backend, transport) in backends() {
        for (i, case) in cases().into_iter().enumerate() {
            let name = format!("{backend}: {}", case.name);
            let server = FakeServer::start().await.unwrap();
            for rule in case.faults {
                server.inject(rule);
            }
            let client = client(server.base_url(), &transport, i);
            let result = bounded(&name, run(&client, case.call)).await;
            (case.check)(&result, &server);
            if let Err(e) = &result {
                assert_no_secret(&format!("{e:?} {e} {:?}", std::error::Error::source(e)), &name);
            }
        }
    }
    let logs = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    assert_no_secret(&logs, "tracing output");
    assert!(logs.contains("cfzt.call") && logs.contains("cfzt.attempt"), "spans are traced");
    assert!(logs.contains("attempt=3"), "attempt numbers are traced");
    assert!(logs.contains(r#"path="/accounts/{account_id}/access/users/{user_id}""#), "path templates are traced");
    assert!(!logs.contains(DEMO_USER_ID), "ids are not traced, templates are");
}

#[tokio::test]
async fn connection_refused() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    for (backend, transport) in backends() {
        let client = client(&format!("http://127.0.0.1:{port}/client/v4"), &transport, 0);
        let started = Instant::now();
        let err = bounded(backend, run(&client, Call::Create)).await.unwrap_err();
        let Error::Transport(t) = &err else { panic!("{backend}: {err:?}") };
        assert!(t.source.is_connect() && !t.source.may_have_reached_server(), "{backend}: {t:?}");
        assert_eq!(t.attempts, 3, "{backend}: a create that never left is retried");
        assert!(started.elapsed() < Duration::from_secs(5), "{backend}");
        assert_no_secret(&format!("{err:?} {err}"), backend);
    }
}

#[tokio::test]
async fn a_body_that_stalls() {
    let server = RawServer::start(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{\"success\":tr",
    )
    .await;
    for (i, (backend, transport)) in backends().into_iter().enumerate() {
        let client = client(&server.base_url, &transport, i);
        let err = bounded(backend, run(&client, Call::Get)).await.unwrap_err();
        let Error::Transport(t) = &err else { panic!("{backend}: {err:?}") };
        assert!(t.source.is_timeout(), "{backend}: {t:?}");
        assert_eq!(t.attempts, 3, "{backend}");
    }
}

#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed() {
    let elsewhere = RawServer::start("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").await;
    let location = format!("{}/accounts/stolen", elsewhere.base_url.replace("127.0.0.1", "localhost"));
    for (i, (backend, transport)) in backends().into_iter().enumerate() {
        let server = FakeServer::start().await.unwrap();
        server.inject(on_get(raw(302, "text/html", "moved").with_header("location", location.clone())));
        let client = client(server.base_url(), &transport, i);
        let err = bounded(backend, run(&client, Call::Get)).await.unwrap_err();
        assert_eq!(err.status().unwrap(), 302, "{backend}: {err:?}");
        assert_eq!(elsewhere.accepted(), 0, "{backend}: the redirect was followed");
    }
}
