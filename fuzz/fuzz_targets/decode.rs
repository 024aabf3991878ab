//! Feeds arbitrary responses (status, content type, Retry-After, body) through the client's
//! whole decode path, for three result types. It must never panic.
//!
//! ```sh
//! RUSTC_BOOTSTRAP=1 cargo fuzz run decode -- -runs=1000000
//! ```
#![no_main]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use cfzt_transport::{RetryPolicy, async_trait};
use cfzt_access_users::{AccountId, Client, HttpTransport, TransportError, UserId};
use libfuzzer_sys::fuzz_target;

/// A transport that answers every request with the fuzzer's response.
struct Canned(http::Response<Bytes>);

#[async_trait]
impl HttpTransport for Canned {
    async fn send(&self, _: http::Request<Bytes>) -> Result<http::Response<Bytes>, TransportError> {
        let mut r = http::Response::new(self.0.body().clone());
        *r.status_mut() = self.0.status();
        *r.headers_mut() = self.0.headers().clone();
        Ok(r)
    }
}

/// Polls a future that never waits (no timer, no I/O) to completion.
fn ready<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(out) => out,
        Poll::Pending => unreachable!("nothing here waits"),
    }
}

const CONTENT_TYPES: [&str; 4] = ["application/json", "text/html", "application/json; charset=utf-8", ""];

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let status = 100 + u16::from_le_bytes([data[0], data[1]]) % 900;
    let content_type = CONTENT_TYPES[usize::from(data[2]) % CONTENT_TYPES.len()];
    let retry_after_len = usize::from(data[3] % 8).min(data.len() - 4);
    let retry_after = &data[4..4 + retry_after_len];
    let body = Bytes::copy_from_slice(&data[4 + retry_after_len..]);

    let mut response = http::Response::new(body);
    *response.status_mut() = http::StatusCode::from_u16(status).unwrap();
    if !content_type.is_empty() {
        response.headers_mut().insert("content-type", http::HeaderValue::from_static(content_type));
    }
    if let Ok(v) = http::HeaderValue::from_bytes(retry_after) {
        response.headers_mut().insert("retry-after", v);
    }
    let client = Client::builder()
        .api_token("fuzz")
        .transport(Canned(response))
        .retry_policy(RetryPolicy::no_retries().attempt_timeout(None))
        .build()
        .unwrap();
    let account: AccountId = "023e105f4ecef8ad9ca31a8372d0c353".parse().unwrap();
    let user: UserId = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415".parse().unwrap();
    let users = client.users(&account);
    if let Err(e) = ready(users.get(&user).send()) {
        let _ = (e.to_string(), format!("{e:?}"), e.is_retryable(), e.retry_after());
    }
    let _ = ready(users.list().send());
    let _ = ready(users.delete(&user).send());
    let _ = ready(users.active_sessions(&user).get(&"X1aXj1lFVcqqyoXF".parse().unwrap()).send());
});
