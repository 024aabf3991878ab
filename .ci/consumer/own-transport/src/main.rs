//! A transport of one's own behind the client, as a crates.io user writes it: the types
//! the trait speaks come from `cfzt_access_users::{http, bytes}`, no HTTP client or TLS
//! library is compiled in, and the client's retries still work over it.

use std::future::IntoFuture;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use cfzt_access_users::bytes::Bytes;
use cfzt_access_users::{AccountId, Client, HttpTransport, TransportError, UserId, http};
use cfzt_transport::{ConnectFailure, Request, Response, RetryPolicy, async_trait};

/// Refuses the first connection, then answers every request with Jane Doe, as a transport
/// over some other client would after mapping that client's errors.
#[derive(Default)]
struct FlakyOnce {
    calls: AtomicU32,
}

#[async_trait]
impl HttpTransport for FlakyOnce {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        if self.calls.fetch_add(1, Ordering::SeqCst) == 0 {
            // Nothing was sent, so the client may retry it whatever the method.
            let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
            return Err(TransportError::Connect { kind: ConnectFailure::Refused, source: Box::new(refused) });
        }
        assert_eq!(request.method(), http::Method::GET);
        let body = r#"{"success":true,"errors":[],"messages":[],"result":
            {"id":"f174e90a-fafe-4643-bbbc-4a0ed4fc8415","email":"jdoe@example.com","name":"Jane Doe"}}"#;
        let response = http::Response::builder()
            .status(http::StatusCode::OK)
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(Bytes::from_static(body.as_bytes()))
            .map_err(|e| TransportError::Other { source: Box::new(e), maybe_sent: true })?;
        Ok(response)
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build()?;
    let client = Client::builder()
        .api_token("token")
        .transport(FlakyOnce::default())
        .retry_policy(RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(1)))
        .build()?;
    let account: AccountId = "023e105f4ecef8ad9ca31a8372d0c353".parse()?;
    let id: UserId = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415".parse()?;
    let user = runtime.block_on(client.users(&account).get(&id).into_future())?;
    assert_eq!(user.name.as_deref(), Some("Jane Doe"));
    println!("own-transport: {:?}, after one refused connection and a retry", user.name);
    Ok(())
}
