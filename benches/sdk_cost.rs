//! The SDK's own cost per call, without a network: decoding a 1,000-user list page through
//! the SDK against plain `serde_json`, and building a call against building the same
//! `http::Request` by hand. See `docs/performance.md`.
//!
//! The SDK is measured through its public API only: a `Client` whose transport answers
//! every request with a clone of a prepared response (a `Bytes` clone is a reference count),
//! with no retries and no attempt timeout, so that no timer runs.

use std::future::IntoFuture;
use std::hint::black_box;
use std::time::Duration;

use bytes::Bytes;
use cfzt::models::{Envelope, examples};
use cfzt::transport::{HttpTransport, Request, Response, RetryPolicy, TransportError, async_trait};
use cfzt::{AccountId, Client, Pacing, UpdateUserParams, User, UserId};
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main, measurement::WallTime};
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use http::{HeaderValue, Method, StatusCode};

const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const USER: &str = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415";
const EMAIL: &str = "jdoe@example.com";
const NAME: &str = "Jane Q. Doe";
const TOKEN: &str = "bench-token-0123456789abcdef0123456789abcdef";
const BASE_URL: &str = "http://127.0.0.1:8787/client/v4";
const USER_AGENT_VALUE: &str = concat!("cfzt-access-users/", env!("CARGO_PKG_VERSION"));
const USERS_PER_PAGE: usize = 1_000;

/// A transport that answers every request with a clone of one prepared response.
struct Canned(Response);

impl Canned {
    fn new(body: impl Into<Bytes>) -> Self {
        let mut response = http::Response::new(body.into());
        *response.status_mut() = StatusCode::OK;
        response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        response.headers_mut().insert("cf-ray", HeaderValue::from_static("8a1b2c3d4e5f6789-SJC"));
        Self(response)
    }
}

#[async_trait]
impl HttpTransport for Canned {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        black_box(request);
        Ok(self.0.clone())
    }
}

fn client(transport: Canned) -> Client {
    Client::builder()
        .base_url(BASE_URL)
        .api_token(TOKEN)
        .transport(transport)
        .retry_policy(RetryPolicy::no_retries().attempt_timeout(None))
        .pacing(Pacing::Off)
        .build()
        .expect("client")
}

/// One page of `n` users as the API sends it, every field set.
fn list_page(n: usize) -> Vec<u8> {
    let users: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"id":"{i:08x}-fafe-4643-bbbc-4a0ed4fc8415","access_seat":{seat},"active_device_count":{devices},"created_at":"2024-05-01T12:00:00.123456Z","email":"user{i:05}@example.com","gateway_seat":false,"last_successful_login":"2024-05-02T08:15:00Z","name":"User Number {i}","seat_uid":"{i:032x}","uid":"{i:08x}-0000-4000-8000-000000000000","updated_at":"2024-05-03T09:30:00Z"}}"#,
                seat = i % 2 == 0,
                devices = i % 4,
            )
        })
        .collect();
    let users: Vec<&str> = users.iter().map(String::as_str).collect();
    examples::list_envelope(&users, n as u64).into_bytes()
}

fn configure(group: &mut BenchmarkGroup<'_, WallTime>) {
    group.sample_size(50).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
}

fn decode(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let account: AccountId = ACCOUNT.parse().expect("account");
    let page = Bytes::from(list_page(USERS_PER_PAGE));
    let sdk = client(Canned::new(page.clone()));

    // Sanity: both paths decode the same users.
    let plain: Envelope<Vec<User>> = serde_json::from_slice(&page).expect("plain decode");
    let through_sdk = rt.block_on(sdk.users(&account).list().per_page(1000).send()).expect("sdk decode");
    assert_eq!(plain.result.as_ref(), Some(&through_sdk));
    assert_eq!(through_sdk.len(), USERS_PER_PAGE);

    let mut group = c.benchmark_group("decode/list_1000");
    configure(&mut group);
    group.throughput(Throughput::Bytes(page.len() as u64));
    group.bench_function("serde_json", |b| {
        b.iter(|| serde_json::from_slice::<Envelope<Vec<User>>>(black_box(&page)).expect("decode"));
    });
    group.bench_function("sdk", |b| {
        b.to_async(&rt).iter(|| sdk.users(&account).list().per_page(1000).send_with_response());
    });
    group.finish();
}

/// A list answer with no users: what is left of a list call is building and sending.
fn empty_page() -> String {
    examples::list_envelope(&[], 1000)
}

/// An update answer with an empty user: what is left of an update is building and sending.
fn empty_user() -> String {
    examples::envelope("{}")
}

/// A realistic answer to *update a user* (the one the round-trip bench's server sends).
fn updated_user() -> String {
    examples::envelope(examples::UPDATED_USER)
}

fn build(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let account: AccountId = ACCOUNT.parse().expect("account");
    let user: UserId = USER.parse().expect("user");
    let list = client(Canned::new(empty_page()));
    let update_tiny = client(Canned::new(empty_user()));
    let update_full = client(Canned::new(updated_user()));
    let answer = Canned::new(updated_user()).0;
    let authorization = HeaderValue::from_str(&format!("Bearer {TOKEN}")).expect("header");

    // The least a hand-written client does per call: the URI from the ids, the headers, the
    // body serialized.
    let hand_update = |account: &str, user: &str, email: &str, name: &str| {
        let uri = format!("{BASE_URL}/accounts/{account}/access/users/{user}");
        let body = serde_json::to_vec(&UpdateUserParams::new(email, name)).expect("json");
        http::Request::builder()
            .method(Method::PUT)
            .uri(uri)
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE))
            .header(AUTHORIZATION, authorization.clone())
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .body(Bytes::from(body))
            .expect("request")
    };
    let hand_list = |account: &str, per_page: u64| {
        let uri = format!("{BASE_URL}/accounts/{account}/access/users?per_page={per_page}");
        http::Request::builder()
            .method(Method::GET)
            .uri(uri)
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE))
            .header(AUTHORIZATION, authorization.clone())
            .body(Bytes::new())
            .expect("request")
    };

    // Sanity: the SDK sends what the hand-written client builds.
    let sent = rt.block_on(async {
        let (tx, rx) = std::sync::mpsc::channel();
        let spy = Client::builder()
            .base_url(BASE_URL)
            .api_token(TOKEN)
            .transport(Spy(tx, answer.clone()))
            .retry_policy(RetryPolicy::no_retries().attempt_timeout(None))
            .pacing(Pacing::Off)
            .build()
            .expect("client");
        spy.users(&account).update(&user, UpdateUserParams::new(EMAIL, NAME)).await.expect("update");
        rx.recv().expect("request")
    });
    let by_hand = hand_update(ACCOUNT, USER, EMAIL, NAME);
    assert_eq!((sent.method(), sent.uri(), sent.body()), (by_hand.method(), by_hand.uri(), by_hand.body()));
    for (name, value) in by_hand.headers() {
        assert_eq!(sent.headers().get(name), Some(value), "{name}");
    }

    let mut group = c.benchmark_group("sdk_path/update");
    configure(&mut group);
    group.throughput(Throughput::Elements(1));
    group.bench_function("by_hand", |b| {
        b.iter(|| hand_update(black_box(ACCOUNT), black_box(USER), black_box(EMAIL), black_box(NAME)));
    });
    group.bench_function("sdk_tiny_answer", |b| {
        b.to_async(&rt)
            .iter(|| update_tiny.users(&account).update(&user, UpdateUserParams::new(EMAIL, NAME)).into_future());
    });
    group.bench_function("by_hand_then_decode", |b| {
        b.iter(|| {
            let request = hand_update(black_box(ACCOUNT), black_box(USER), black_box(EMAIL), black_box(NAME));
            black_box(request);
            let response = black_box(&answer).clone();
            let envelope: Envelope<User> = serde_json::from_slice(response.body()).expect("decode");
            envelope.result.expect("user")
        });
    });
    group.bench_function("sdk_full_answer", |b| {
        b.to_async(&rt)
            .iter(|| update_full.users(&account).update(&user, UpdateUserParams::new(EMAIL, NAME)).into_future());
    });
    group.finish();

    let mut group = c.benchmark_group("sdk_path/list");
    configure(&mut group);
    group.throughput(Throughput::Elements(1));
    group.bench_function("by_hand", |b| b.iter(|| hand_list(black_box(ACCOUNT), black_box(1000))));
    group.bench_function("sdk_empty_page", |b| {
        b.to_async(&rt).iter(|| list.users(&account).list().per_page(1000).send_with_response());
    });
    group.finish();
}

/// A transport that hands each request it is given to the bench, and answers with a clone
/// of its response.
struct Spy(std::sync::mpsc::Sender<Request>, Response);

#[async_trait]
impl HttpTransport for Spy {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        let _ = self.0.send(request);
        Ok(self.1.clone())
    }
}

criterion_group!(benches, decode, build);
criterion_main!(benches);
