//! Fault injection, the journal, keep-alive and shutdown.

mod common;

use std::time::{Duration, Instant};

use cfzt_fake_server::{AuthScheme, DEMO_ACCOUNT_ID, FakeServer, Fault, FaultRule, Operation, Route, Times, codes};
use common::{Auth, Client, TOKEN, jane_path, users_path};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn setup() -> (FakeServer, Client) {
    let server = FakeServer::start().await.unwrap();
    let client = Client::new(server.base_url());
    (server, client)
}

fn user_count(server: &FakeServer) -> usize {
    server.users(&DEMO_ACCOUNT_ID.parse().unwrap()).len()
}

#[tokio::test]
async fn next_n_fails_then_succeeds_without_touching_state() {
    let (server, client) = setup().await;
    server.inject(FaultRule::new(Route::Operation(Operation::CreateUser), Fault::status(503)).times(Times::Next(2)));
    let body = json!({"email": "retry@example.com"});
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let got = client.post(&users_path(), body.clone()).await;
        if got.status == 503 {
            assert_eq!(got.code(), codes::INJECTED_FAILURE);
            assert_eq!(got.json()["result"], serde_json::Value::Null);
            assert!(got.header("cf-ray").is_some());
            assert_eq!(user_count(&server), 5, "a faulted create creates nothing");
        }
        statuses.push(got.status);
    }
    assert_eq!(statuses, [503, 503, 201]);
    assert_eq!(user_count(&server), 6);
    // Other operations were never affected.
    assert_eq!(client.get(&users_path()).await.status, 200);
    let faulted: Vec<bool> = server.journal().iter().map(|e| e.faulted).collect();
    assert_eq!(faulted, [true, true, false, false]);
}

/// The statuses of 200 `GET user` calls under a 25 % fraction rule with this seed.
async fn fraction_run(seed: u64) -> Vec<u16> {
    let (server, client) = setup().await;
    let rule = FaultRule::new(Route::Operation(Operation::GetUser), Fault::status(500))
        .times(Times::Fraction { probability: 0.25, seed });
    server.inject(rule);
    let mut statuses = Vec::with_capacity(200);
    for _ in 0..200 {
        statuses.push(client.get(&jane_path()).await.status);
    }
    statuses
}

#[tokio::test]
async fn fraction_is_roughly_right_and_deterministic() {
    let first = fraction_run(7).await;
    let hits = first.iter().filter(|s| **s == 500).count();
    assert!((30..=70).contains(&hits), "{hits} of 200 faulted for p = 0.25");
    assert!(first.iter().all(|s| *s == 500 || *s == 200));
    assert_eq!(fraction_run(7).await, first, "same seed, same faults");
    assert_ne!(fraction_run(8).await, first, "another seed, other faults");
}

#[tokio::test]
async fn status_helpers() {
    let (server, client) = setup().await;
    server.inject(FaultRule::new(Route::Path("/last_seen_identity".into()), Fault::html(502)).times(Times::Next(1)));
    server.inject(FaultRule::new(Route::Operation(Operation::ListUsers), Fault::rate_limited(3)).times(Times::Next(1)));
    server.inject(
        FaultRule::new(Route::Any, Fault::status(500).with_header("x-should-retry", "false"))
            .method("delete")
            .times(Times::Next(1)),
    );

    let html = client.get(&format!("{}/last_seen_identity", jane_path())).await;
    assert_eq!(html.status, 502);
    assert!(html.header("content-type").unwrap().starts_with("text/html"));
    assert!(html.text.contains("<html") && html.text.contains("502"));
    assert!(html.header("cf-ray").unwrap().ends_with("-FAKE"));

    let limited = client.get(&users_path()).await;
    assert_eq!((limited.status, limited.code()), (429, codes::RATE_LIMITED));
    assert_eq!(limited.header("retry-after"), Some("3"));
    assert!(limited.header("ratelimit").is_some());

    let deleted = client.delete(&jane_path()).await;
    assert_eq!(deleted.status, 500);
    assert_eq!(deleted.header("x-should-retry"), Some("false"));
    assert_eq!(user_count(&server), 5, "the faulted delete deleted nothing");

    // Each rule fired once; now everything is normal again.
    assert_eq!(client.get(&format!("{}/last_seen_identity", jane_path())).await.status, 200);
    assert_eq!(client.get(&users_path()).await.status, 200);
    // Faults come before authentication: a custom status reaches even anonymous callers.
    server.inject(FaultRule::new(Route::Any, Fault::json(418, json!({"teapot": true}))).times(Times::Next(1)));
    let teapot = client.send("GET", &users_path(), Auth::None, None).await;
    assert_eq!((teapot.status, teapot.json()), (418, json!({"teapot": true})));
}

#[tokio::test]
async fn drop_connection_gives_no_response_and_changes_nothing() {
    let (server, client) = setup().await;
    server.inject(
        FaultRule::new(Route::Operation(Operation::CreateUser), Fault::drop_connection()).times(Times::Next(1)),
    );
    let err = client.try_send("POST", &users_path(), Auth::Token(TOKEN), Some(json!({"email": "d@example.com"}))).await;
    let err = err.expect_err("no response");
    assert!(err.status().is_none(), "{err}");
    assert_eq!(user_count(&server), 5);
    let journal = server.journal();
    assert_eq!(journal.len(), 1, "the client did not resend");
    assert_eq!((journal[0].status, journal[0].faulted), (0, true));
    // The server still answers new connections.
    assert_eq!(client.post(&users_path(), json!({"email": "d@example.com"})).await.status, 201);
}

#[tokio::test]
async fn drop_after_handling_changes_state_but_sends_nothing() {
    let (server, client) = setup().await;
    server.inject(
        FaultRule::new(Route::Operation(Operation::CreateUser), Fault::drop_after_handling()).times(Times::Next(1)),
    );
    let body = json!({"email": "twice@example.com"});
    let first = client.try_send("POST", &users_path(), Auth::Token(TOKEN), Some(body.clone())).await;
    assert!(first.is_err());
    assert_eq!(user_count(&server), 6, "the user was created");
    let retry = client.post(&users_path(), body).await;
    assert_eq!(retry.status, 409, "a blind retry conflicts");
}

#[tokio::test]
async fn reset_mid_body_cuts_the_answer() {
    let (server, client) = setup().await;
    server.inject(FaultRule::new(Route::Operation(Operation::GetUser), Fault::reset_mid_body()).times(Times::Next(1)));
    let response = client.request("GET", &jane_path(), Auth::Token(TOKEN)).send().await.expect("headers arrive");
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.headers().get("cf-ray").is_some());
    assert!(response.bytes().await.is_err(), "the body is cut short");
    assert_eq!(client.get(&jane_path()).await.status, 200);
    assert_eq!(server.journal()[0].status, 200);
}

#[tokio::test]
async fn delay_then_normal_answer() {
    let (server, client) = setup().await;
    let delay = Duration::from_millis(150);
    server.inject(FaultRule::new(Route::Operation(Operation::UpdateUser), Fault::delay(delay)).times(Times::Next(1)));
    let started = Instant::now();
    let got = client.put(&jane_path(), json!({"email": "jdoe@example.com", "name": "Slow"})).await;
    assert!(started.elapsed() >= delay, "{:?}", started.elapsed());
    assert_eq!(got.status, 200);
    assert_eq!(got.json()["result"]["name"], "Slow", "a delayed request is handled normally");
    let entry = &server.journal()[0];
    assert_eq!((entry.status, entry.faulted), (200, true));

    // A client timeout shorter than the delay gives up.
    server.inject(FaultRule::new(Route::Any, Fault::delay(Duration::from_secs(5))).times(Times::Next(1)));
    let impatient = client.request("GET", &jane_path(), Auth::Token(TOKEN)).timeout(Duration::from_millis(100));
    assert!(impatient.send().await.unwrap_err().is_timeout());
    server.clear_faults();
    assert_eq!(client.get(&jane_path()).await.status, 200);
}

#[tokio::test]
async fn journal_records_every_request_in_order() {
    let (server, client) = setup().await;
    client.send("GET", &format!("{}?page=2&per_page=2", users_path()), Auth::Token(TOKEN), None).await;
    client.send("POST", &users_path(), Auth::Key, Some(json!({"email": "j@example.com"}))).await;
    client.send("GET", "/nowhere", Auth::None, None).await;
    client.request("GET", &jane_path(), Auth::Key).bearer_auth("t").send().await.unwrap();

    let journal = server.journal();
    let summary: Vec<_> =
        journal.iter().map(|e| (e.method.as_str(), e.operation, e.status, e.auth, e.faulted)).collect();
    assert_eq!(
        summary,
        [
            ("GET", Some(Operation::ListUsers), 200, AuthScheme::Token, false),
            ("POST", Some(Operation::CreateUser), 201, AuthScheme::ApiKey, false),
            ("GET", None, 401, AuthScheme::None, false),
            ("GET", Some(Operation::GetUser), 200, AuthScheme::Both, false),
        ]
    );
    assert_eq!(journal[0].path, format!("/client/v4{}", users_path()));
    assert_eq!(journal[0].query.as_deref(), Some("page=2&per_page=2"));
    assert_eq!(journal[1].body_json(), Some(json!({"email": "j@example.com"})));
    assert_eq!(journal[1].header("X-Auth-Email"), Some("user@example.com"));
    assert_eq!(journal[0].body, "");
    assert!(journal.windows(2).all(|w| w[0].received_at <= w[1].received_at));

    server.clear_journal();
    assert!(server.journal().is_empty());
    client.get(&jane_path()).await;
    assert_eq!(server.journal().len(), 1);
}

/// Reads one HTTP/1.1 response with a `content-length` body from `stream`.
async fn read_response(stream: &mut tokio::net::TcpStream) -> String {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "connection closed early: {}", String::from_utf8_lossy(&buf));
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let length: usize = text[..end]
                .lines()
                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap()))
                .unwrap();
            if buf.len() >= end + 4 + length {
                return text;
            }
        }
    }
}

#[tokio::test]
async fn keep_alive_serves_several_requests_on_one_connection() {
    let (server, _client) = setup().await;
    let mut stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    for path in [jane_path(), users_path(), "/nowhere".to_string()] {
        let request = format!(
            "GET /client/v4{path} HTTP/1.1\r\nhost: {}\r\nauthorization: Bearer {TOKEN}\r\n\r\n",
            server.addr()
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let response = read_response(&mut stream).await;
        assert!(response.starts_with("HTTP/1.1 200") || path == "/nowhere", "{response}");
    }
    assert_eq!(server.journal().len(), 3);
}

#[tokio::test]
async fn shutdown_closes_the_listener() {
    let (server, client) = setup().await;
    let addr = server.addr();
    assert_eq!(client.get(&jane_path()).await.status, 200);
    server.shutdown().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err(), "nothing listens any more");

    // Dropping stops the server too.
    let dropped = FakeServer::start().await.unwrap();
    let addr = dropped.addr();
    drop(dropped);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn bind_to_a_chosen_address() {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = probe.local_addr().unwrap();
    drop(probe);
    let server = FakeServer::builder().bind(addr).start().await.unwrap();
    assert_eq!(server.addr(), addr);
    assert_eq!(server.base_url(), format!("http://{addr}/client/v4"));
    // The port is taken now.
    assert!(FakeServer::builder().bind(addr).start().await.is_err());
}
