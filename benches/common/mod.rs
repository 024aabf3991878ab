//! What the round-trip benches share: the fixed-answer server, the bare clients the SDK is
//! measured against, the SDK's call, and the 32-in-flight driver. See
//! `docs/performance.md`.
//!
//! The server is a minimal hyper http1 server on 127.0.0.1 that answers every request with
//! the same update-user envelope. It runs on its own thread and its own current-thread
//! tokio runtime, so it costs the same for every variant and never shares the client's
//! runtime. The clients run on the caller's current-thread runtime: one core for the
//! server, one for the client.

use std::convert::Infallible;
use std::future::Future;
use std::hint::black_box;
use std::net::SocketAddr;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use bytes::Bytes;
use cfzt::models::examples;
use cfzt::transport::{HttpTransport, HyperTransport, ReqwestTransport};
use cfzt::{AccountId, Client, Pacing, UpdateUserParams, UserId};
use futures_util::{StreamExt, future, stream};
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use http::{HeaderValue, Method, Request, Response};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::runtime::Runtime;

pub(crate) const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
pub(crate) const USER: &str = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415";
pub(crate) const EMAIL: &str = "jdoe@example.com";
pub(crate) const NAME: &str = "Jane Q. Doe";
const TOKEN: &str = "bench-token-0123456789abcdef0123456789abcdef";
const USER_AGENT_VALUE: &str = concat!("cfzt-access-users/", env!("CARGO_PKG_VERSION"));
/// Requests in flight in the concurrent variants.
pub(crate) const IN_FLIGHT: usize = 32;

/// A realistic answer to *update a user*: the API guide's example, from `cfzt_models::examples`.
static RESPONSE: LazyLock<Bytes> = LazyLock::new(|| Bytes::from(examples::envelope(examples::UPDATED_USER)));

/// Starts the fixed-answer server on its own thread and runtime; it lives as long as the
/// bench process.
fn start_server() -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("bench-server".into())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("server runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
                tx.send(listener.local_addr().expect("addr")).expect("send addr");
                loop {
                    let Ok((stream, _)) = listener.accept().await else { continue };
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(async move {
                        let service = hyper::service::service_fn(answer);
                        let _ = hyper::server::conn::http1::Builder::new()
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    });
                }
            });
        })
        .expect("server thread");
    rx.recv().expect("server address")
}

async fn answer(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    // Read the request body, as any server does, so that the connection stays reusable.
    let _ = request.into_body().collect().await;
    let mut response = Response::new(Full::new(RESPONSE.clone()));
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert("cf-ray", HeaderValue::from_static("8a1b2c3d4e5f6789-SJC"));
    Ok(response)
}

/// The baseline: a bare pooled hyper client sending the same bytes. Like any hand-written
/// client, it builds each request from the ids and the values (the URI, the JSON body, the
/// headers), then reads the whole body and decodes nothing.
#[derive(Clone)]
pub(crate) struct BareHyper {
    client: hyper_util::client::legacy::Client<HttpConnector, Full<Bytes>>,
    base: String,
    authorization: HeaderValue,
}

impl BareHyper {
    fn new(addr: SocketAddr) -> Self {
        let mut http = HttpConnector::new();
        http.set_nodelay(true);
        let client = hyper_util::client::legacy::Client::builder(TokioExecutor::new()).build(http);
        let authorization = HeaderValue::from_str(&format!("Bearer {TOKEN}")).expect("header");
        Self { client, base: format!("http://{addr}/client/v4"), authorization }
    }

    pub(crate) async fn update(&self, account: &str, user: &str, email: &str, name: &str) -> Bytes {
        let body = serde_json::to_vec(&UpdateUserParams::new(email, name)).expect("json");
        let request = Request::builder()
            .method(Method::PUT)
            .uri(format!("{}/accounts/{account}/access/users/{user}", self.base))
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE))
            .header(AUTHORIZATION, self.authorization.clone())
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .body(Full::new(Bytes::from(body)))
            .expect("request");
        let response = self.client.request(request).await.expect("bare request");
        assert!(response.status().is_success());
        response.into_body().collect().await.expect("body").to_bytes()
    }
}

impl BareHyper {
    /// The same, decoding the answer as the SDK does (into `Envelope<User>`): what the SDK's
    /// decoding costs on the network path.
    pub(crate) async fn update_decoded(&self, account: &str, user: &str, email: &str, name: &str) -> cfzt::User {
        let body = self.update(account, user, email, name).await;
        let envelope: cfzt::models::Envelope<cfzt::User> = serde_json::from_slice(&body).expect("decode");
        envelope.result.expect("user")
    }
}

/// The same hand-written client over a bare reqwest client: what reqwest itself costs.
#[derive(Clone)]
pub(crate) struct BareReqwest {
    client: reqwest::Client,
    base: String,
    authorization: HeaderValue,
}

impl BareReqwest {
    fn new(addr: SocketAddr) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .tcp_nodelay(true)
            .build()
            .expect("reqwest client");
        let authorization = HeaderValue::from_str(&format!("Bearer {TOKEN}")).expect("header");
        Self { client, base: format!("http://{addr}/client/v4"), authorization }
    }

    pub(crate) async fn update(&self, account: &str, user: &str, email: &str, name: &str) -> Bytes {
        let body = serde_json::to_vec(&UpdateUserParams::new(email, name)).expect("json");
        let response = self
            .client
            .put(format!("{}/accounts/{account}/access/users/{user}", self.base))
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE))
            .header(AUTHORIZATION, self.authorization.clone())
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .body(body)
            .send()
            .await
            .expect("bare reqwest request");
        assert!(response.status().is_success());
        response.bytes().await.expect("body")
    }
}

/// The SDK's path: `client.users(&account).update(&user, params).await`.
#[derive(Clone)]
pub(crate) struct Sdk {
    client: Client,
    account: AccountId,
    user: UserId,
}

impl Sdk {
    fn new(addr: SocketAddr, transport: impl HttpTransport + 'static) -> Self {
        let client = Client::builder()
            .base_url(format!("http://{addr}/client/v4"))
            .api_token(TOKEN)
            .transport(transport)
            .pacing(Pacing::Off)
            .build()
            .expect("client");
        Self { client, account: ACCOUNT.parse().expect("account"), user: USER.parse().expect("user") }
    }

    pub(crate) async fn update(&self) -> cfzt::User {
        self.client.users(&self.account).update(&self.user, UpdateUserParams::new(EMAIL, NAME)).await.expect("update")
    }
}

/// Runs `iters` × 32 calls with 32 in flight at all times and returns the time taken.
pub(crate) async fn in_flight<F, Fut>(iters: u64, call: F) -> Duration
where
    F: Fn() -> Fut,
    Fut: Future,
{
    let started = Instant::now();
    stream::iter(0..iters * IN_FLIGHT as u64)
        .map(|_| call())
        .buffer_unordered(IN_FLIGHT)
        .for_each(|output| {
            black_box(output);
            future::ready(())
        })
        .await;
    started.elapsed()
}

/// The current-thread runtime the clients run on.
pub(crate) fn client_runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("client runtime")
}

/// The clients of the comparison, each with its pool, all against one fixed-answer server.
pub(crate) struct Clients {
    pub(crate) bare_hyper: BareHyper,
    pub(crate) bare_reqwest: BareReqwest,
    pub(crate) sdk_hyper: Sdk,
    pub(crate) sdk_reqwest: Sdk,
}

impl Clients {
    /// Starts the server and builds the clients; checks on `rt` that every variant gets the
    /// same answer (which also opens each one's first connection).
    pub(crate) fn start(rt: &Runtime) -> Self {
        let addr = start_server();
        let clients = Self {
            bare_hyper: BareHyper::new(addr),
            bare_reqwest: BareReqwest::new(addr),
            sdk_hyper: Sdk::new(addr, HyperTransport::new().expect("hyper transport")),
            sdk_reqwest: Sdk::new(addr, ReqwestTransport::new().expect("reqwest transport")),
        };
        rt.block_on(async {
            assert_eq!(clients.bare_hyper.update(ACCOUNT, USER, EMAIL, NAME).await, &RESPONSE[..]);
            let decoded = clients.bare_hyper.update_decoded(ACCOUNT, USER, EMAIL, NAME).await;
            assert_eq!(decoded.name.as_deref(), Some(NAME));
            assert_eq!(clients.bare_reqwest.update(ACCOUNT, USER, EMAIL, NAME).await, &RESPONSE[..]);
            assert_eq!(clients.sdk_hyper.update().await.name.as_deref(), Some(NAME));
            assert_eq!(clients.sdk_reqwest.update().await.name.as_deref(), Some(NAME));
        });
        clients
    }
}
