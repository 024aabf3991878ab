//! Shared by the end-to-end tests: the backends under test and a client for a server.

#![allow(dead_code)]

use std::sync::Arc;

use cfzt::transport::{HttpTransport, HyperTransport, ReqwestTransport, RetryPolicy};
use cfzt::{AccountId, Client, ClientBuilder, Pacing};
use cfzt_fake_server::DEMO_ACCOUNT_ID;

/// Both backends, each with a small body cap so the cap can be tested.
pub(crate) fn backends() -> Vec<(&'static str, Arc<dyn HttpTransport>)> {
    vec![
        ("reqwest", Arc::new(ReqwestTransport::new().unwrap().max_response_body(256 * 1024))),
        ("hyper", Arc::new(HyperTransport::new().unwrap().max_response_body(256 * 1024))),
    ]
}

/// A builder aimed at `base_url` over `transport`, with a token and no request budget: these
/// tests are about other things, and make more calls than Cloudflare's quota paces at once
/// (`tests/rate_limit.rs` tests the budget).
pub(crate) fn builder(base_url: &str, transport: &Arc<dyn HttpTransport>) -> ClientBuilder {
    Client::builder().base_url(base_url).api_token(TOKEN).transport(transport.clone()).pacing(Pacing::Off)
}

/// A client with fast retries, so that fault tests take milliseconds.
pub(crate) fn fast_client(base_url: &str, transport: &Arc<dyn HttpTransport>) -> Client {
    builder(base_url, transport)
        .retry_policy(
            RetryPolicy::default().backoff(std::time::Duration::from_millis(5), std::time::Duration::from_millis(20)),
        )
        .build()
        .unwrap()
}

pub(crate) fn demo_account() -> AccountId {
    DEMO_ACCOUNT_ID.parse().unwrap()
}

/// A token that must never show up in any output.
pub(crate) const TOKEN: &str = "SENTINEL-token-7c1d0e";
/// A global API key that must never show up in any output.
pub(crate) const KEY: &str = "SENTINEL-key-4b2f9a";

/// A raw TCP server for what a well-behaved HTTP server cannot do: it answers every
/// connection with `head` (status line, headers and part of a body), then stalls.
pub(crate) struct RawServer {
    pub(crate) base_url: String,
    pub(crate) accepted: Arc<std::sync::atomic::AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl RawServer {
    pub(crate) async fn start(head: &'static str) -> RawServer {
        use std::sync::atomic::Ordering;
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}/client/v4", listener.local_addr().unwrap());
        let accepted = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let count = accepted.clone();
        let task = tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(async move {
                    let mut buf = [0u8; 4096];
                    let _ = stream.read(&mut buf).await;
                    let _ = stream.write_all(head.as_bytes()).await;
                    tokio::time::sleep(std::time::Duration::from_secs(60)).await;
                });
            }
        });
        RawServer { base_url, accepted, task }
    }

    pub(crate) fn accepted(&self) -> usize {
        self.accepted.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Everything `tracing` printed in this test binary, at TRACE with span events, so that a
/// test can check that no secret ever reaches a log.
pub(crate) fn captured() -> &'static Arc<std::sync::Mutex<Vec<u8>>> {
    static LOGS: std::sync::OnceLock<Arc<std::sync::Mutex<Vec<u8>>>> = std::sync::OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
            .with_ansi(false)
            .with_writer(move || LogWriter(sink.clone()))
            .finish();
        tracing::subscriber::set_global_default(subscriber).unwrap();
        logs
    })
}

struct LogWriter(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
