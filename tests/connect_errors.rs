//! A call that gets no response says why in its `Display`: connection refused, DNS lookup
//! failed, TLS handshake failed, timed out after N. Over both backends, on loopback; a
//! failure retrying cannot heal is tried once.

mod common;

use std::time::Duration;

use cfzt::Error;
use cfzt::transport::{ConnectFailure, RetryPolicy};
use common::{RawServer, backends, builder, demo_account};

/// Fast retries and a short attempt timeout.
fn policy() -> RetryPolicy {
    RetryPolicy::default()
        .backoff(Duration::from_millis(1), Duration::from_millis(1))
        .attempt_timeout(Some(Duration::from_millis(300)))
}

/// Lists users at `base_url` over each backend: (backend, error).
async fn list_at(base_url: &str) -> Vec<(&'static str, Error)> {
    let mut errors = Vec::new();
    for (backend, transport) in backends() {
        let client = builder(base_url, &transport).retry_policy(policy()).build().unwrap();
        errors.push((backend, client.users(&demo_account()).list().await.unwrap_err()));
    }
    errors
}

fn failure(err: &Error) -> &cfzt::NoResponseError {
    match err {
        Error::Transport(t) => t,
        other => panic!("not a transport failure: {other:?}"),
    }
}

#[tokio::test]
async fn a_refused_connection_is_named() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    for (backend, err) in list_at(&format!("http://127.0.0.1:{port}/client/v4")).await {
        assert_eq!(err.to_string(), "list_users got no complete response after 3 attempts: connection refused");
        assert_eq!(failure(&err).source.connect_failure(), Some(ConnectFailure::Refused), "{backend}");
        assert!(err.is_retryable(), "{backend}");
    }
}

#[tokio::test]
async fn a_failed_dns_lookup_is_named() {
    for (backend, err) in list_at("https://cfzt-test.invalid/client/v4").await {
        assert!(err.to_string().ends_with(": DNS lookup failed"), "{backend}: {err}");
        assert_eq!(failure(&err).source.connect_failure(), Some(ConnectFailure::Dns), "{backend}");
    }
}

#[tokio::test]
async fn tls_against_a_plain_http_port_is_named_and_tried_once() {
    let server = RawServer::start("HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n").await;
    let https = server.base_url.replacen("http://", "https://", 1);
    for (backend, err) in list_at(&https).await {
        assert_eq!(err.to_string(), "list_users got no complete response: TLS handshake failed", "{backend}");
        assert_eq!(err.attempts(), Some(1), "{backend}");
        assert!(!err.is_retryable(), "{backend}");
    }
}

#[tokio::test]
async fn a_server_that_never_answers_is_named_with_the_timeout() {
    let server = RawServer::start("").await;
    for (backend, err) in list_at(&server.base_url).await {
        assert_eq!(
            err.to_string(),
            "list_users got no complete response after 3 attempts: timed out after 300 ms",
            "{backend}"
        );
        assert!(err.is_retryable(), "{backend}");
    }
}

/// The whole chain, as the examples print it: each link adds something, and the first
/// line already names the failure.
#[tokio::test]
async fn the_chain_starts_with_the_kind_and_ends_with_the_os_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    for (backend, err) in list_at(&format!("http://127.0.0.1:{port}/client/v4")).await {
        let mut chain = vec![err.to_string()];
        let mut source = std::error::Error::source(&err);
        while let Some(e) = source {
            chain.push(e.to_string());
            source = e.source();
        }
        assert_eq!(chain[1], "could not connect to the server: connection refused", "{backend}: {chain:?}");
        assert!(chain.last().unwrap().contains("refused"), "{backend}: {chain:?}");
    }
}
