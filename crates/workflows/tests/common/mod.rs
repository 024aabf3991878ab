//! Shared by the workflow tests: both backends, a fast client, the demo account.

#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use cfzt_access_users::{AccountId, Client, ClientBuilder, CreateUserParams, Pacing, UserId};
use cfzt_fake_server::{DEMO_ACCOUNT_ID, FakeServer};
use cfzt_transport::{HttpTransport, HyperTransport, ReqwestTransport, RetryPolicy};
use cfzt_workflows::Workflows;

/// Both backends.
pub(crate) fn backends() -> Vec<(&'static str, Arc<dyn HttpTransport>)> {
    vec![("reqwest", Arc::new(ReqwestTransport::new().unwrap())), ("hyper", Arc::new(HyperTransport::new().unwrap()))]
}

pub(crate) fn account() -> AccountId {
    DEMO_ACCOUNT_ID.parse().unwrap()
}

/// The token the test clients send.
pub(crate) const TOKEN: &str = "workflows-test-token";

/// A client builder for `server` over `transport`, with fast retries.
pub(crate) fn builder(server: &FakeServer, transport: &Arc<dyn HttpTransport>) -> ClientBuilder {
    Client::builder()
        .base_url(server.base_url())
        .api_token(TOKEN)
        .transport(transport.clone())
        .retry_policy(RetryPolicy::default().backoff(Duration::from_millis(5), Duration::from_millis(20)))
}

/// Workflows over the demo account of `server`, with fast retries and no request budget
/// (the server has no rate limit; `apply.rs` tests the workflows inside a budget).
pub(crate) fn workflows(server: &FakeServer, transport: &Arc<dyn HttpTransport>) -> Workflows {
    let client = builder(server, transport).pacing(Pacing::Off).build().unwrap();
    Workflows::new(client.users(&account()))
}

/// Adds a user to the demo account and returns their id.
pub(crate) fn add(server: &FakeServer, email: &str) -> UserId {
    let user = server.add_user(&account(), CreateUserParams::new(email).name("Test")).unwrap();
    user.user_id().unwrap()
}

/// How many requests of `method` to a path containing `part` the server has received.
pub(crate) fn requests(server: &FakeServer, method: &str, part: &str) -> usize {
    server.journal().iter().filter(|e| e.method == method && e.path.contains(part)).count()
}
