//! The server: builder, accept loop, the per-request pipeline (journal, faults, auth) and
//! the handle tests hold.

use std::fmt;
use std::future::Future;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Instant;

use axum::Router;
use axum::body::{Body, Bytes, HttpBody};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Request, Response, StatusCode, header};
use axum::response::IntoResponse;
use cfzt_models::{
    AccountId, ActiveSession, ActiveSessionDetail, CreateUserParams, FailedLogin, Identity, ResponseInfo, SessionNonce,
    User, UserId,
};
use hyper::body::{Frame, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

use crate::api::{self, ApiError};
use crate::codes;
use crate::faults::{self, ActiveRule, Fault, FaultRule};
use crate::journal::{AuthScheme, Journal, JournalEntry, JournalLimits, JournalStats};
use crate::operation::{API_PREFIX, Operation};
use crate::state::{SessionRecord, Store};

/// The largest request body the fake reads; larger bodies are answered with 413.
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Everything the connections share: the state, the fault rules, the journal and the
/// configuration.
#[derive(Debug)]
pub(crate) struct Shared {
    store: Mutex<Store>,
    faults: Mutex<Vec<ActiveRule>>,
    journal: Mutex<Journal>,
    pub(crate) strict_per_page: bool,
    token: Option<String>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.store)
    }
}

/// Configures and starts a [`FakeServer`]. Made by [`FakeServer::builder`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use cfzt_fake_server::FakeServer;
/// let server = FakeServer::builder().empty().require_token("secret").strict_per_page(true).start().await?;
/// assert!(server.base_url().ends_with("/client/v4"));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `start` is awaited"]
pub struct FakeServerBuilder {
    demo_data: bool,
    token: Option<String>,
    strict_per_page: bool,
    bind: SocketAddr,
    journal: JournalLimits,
}

impl Default for FakeServerBuilder {
    fn default() -> Self {
        FakeServerBuilder {
            demo_data: true,
            token: None,
            strict_per_page: false,
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            journal: JournalLimits::default(),
        }
    }
}

impl FakeServerBuilder {
    /// Starts with no users at all instead of the demo data.
    pub fn empty(mut self) -> Self {
        self.demo_data = false;
        self
    }

    /// Accepts only `Authorization: Bearer <token>` with exactly this token. Any other
    /// credentials (another token, or the email/key pair) get **403** with code
    /// [`codes::AUTHENTICATION_ERROR`] ("Authentication error"), as Cloudflare answers a
    /// token that may not do the call. No credentials at all still get 401.
    ///
    /// Without this option any non-empty token or email/key pair is accepted.
    pub fn require_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// When `true`, *list users* refuses a `per_page` outside 1, 5, 10, 20, 25, 50, 100,
    /// 1000 with 400 and code [`codes::PER_PAGE_NOT_ALLOWED`] (12091), as the live Access
    /// API was reported to do. Off by default: any `per_page` of 1 or more is served.
    pub fn strict_per_page(mut self, strict: bool) -> Self {
        self.strict_per_page = strict;
        self
    }

    /// The address to listen on. Defaults to `127.0.0.1:0` (a free port on loopback).
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.bind = addr;
        self
    }

    /// The most requests the journal keeps (default
    /// [`JournalLimits::DEFAULT_MAX_ENTRIES`], 50,000); older ones are forgotten first.
    /// `0` turns the journal off.
    pub fn journal_max_entries(mut self, entries: usize) -> Self {
        self.journal.max_entries = entries;
        self
    }

    /// The most bytes the journal keeps (default [`JournalLimits::DEFAULT_MAX_BYTES`],
    /// 32 MiB), counted over each entry's method, path, query, headers and stored body;
    /// older entries are forgotten first.
    pub fn journal_max_bytes(mut self, bytes: usize) -> Self {
        self.journal.max_bytes = bytes;
        self
    }

    /// The most bytes of one request body the journal stores (default
    /// [`JournalLimits::DEFAULT_MAX_BODY_BYTES`], 64 KiB); a longer body is cut and its
    /// entry marked [`truncated`](JournalEntry::truncated).
    pub fn journal_max_body_bytes(mut self, bytes: usize) -> Self {
        self.journal.max_body_bytes = bytes;
        self
    }

    /// Binds the listener and starts serving on the current tokio runtime.
    ///
    /// # Errors
    ///
    /// The I/O error of binding the address, e.g. when the port is taken.
    pub async fn start(self) -> io::Result<FakeServer> {
        let listener = TcpListener::bind(self.bind).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            store: Mutex::new(if self.demo_data { Store::demo() } else { Store::default() }),
            faults: Mutex::new(Vec::new()),
            journal: Mutex::new(Journal::new(self.journal)),
            strict_per_page: self.strict_per_page,
            token: self.token,
        });
        let router = api::router(Arc::clone(&shared));
        let task = tokio::spawn(accept_loop(listener, Arc::clone(&shared), router));
        Ok(FakeServer { addr, base_url: format!("http://{addr}{API_PREFIX}"), shared, task: Some(task) })
    }
}

/// A running fake of the Access Users API. See the [crate docs](crate) for what it serves.
///
/// The server runs on the tokio runtime that started it, until [`FakeServer::shutdown`]
/// or until the value is dropped (which stops it too, without waiting).
pub struct FakeServer {
    addr: SocketAddr,
    base_url: String,
    shared: Arc<Shared>,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for FakeServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeServer").field("base_url", &self.base_url).finish_non_exhaustive()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

impl FakeServer {
    /// Starts a server with the demo data on `127.0.0.1` and a free port.
    ///
    /// # Errors
    ///
    /// The I/O error of binding the listener.
    pub async fn start() -> io::Result<FakeServer> {
        FakeServer::builder().start().await
    }

    /// A builder for a server with other options.
    pub fn builder() -> FakeServerBuilder {
        FakeServerBuilder::default()
    }

    /// The base URL to give a client, e.g. `http://127.0.0.1:40123/client/v4`, the
    /// counterpart of `https://api.cloudflare.com/client/v4`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting connections, closes the open ones and waits until the listener is
    /// closed.
    pub async fn shutdown(mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }

    // ----- faults ---------------------------------------------------------------------

    /// Adds a fault rule after the ones already injected. See [`FaultRule`].
    pub fn inject(&self, rule: FaultRule) {
        lock(&self.shared.faults).push(ActiveRule::new(rule));
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    // ----- journal --------------------------------------------------------------------

    /// The requests received since the start or the last [`FakeServer::clear_journal`],
    /// in the order received: all of them, or the newest ones when more arrived than the
    /// journal's bounds hold (see [`FakeServerBuilder::journal_max_entries`] and
    /// [`FakeServer::journal_stats`]).
    pub fn journal(&self) -> Vec<JournalEntry> {
        lock(&self.shared.journal).snapshot()
    }

    /// How many entries and bytes the journal holds, and how many entries it forgot to
    /// stay within its bounds.
    pub fn journal_stats(&self) -> JournalStats {
        lock(&self.shared.journal).stats()
    }

    /// Forgets the requests received so far (and resets the eviction count).
    pub fn clear_journal(&self) {
        lock(&self.shared.journal).clear();
    }

    // ----- state ----------------------------------------------------------------------

    /// The users of `account`, in creation order (empty for an account never written to).
    pub fn users(&self, account: &AccountId) -> Vec<User> {
        self.shared.store().users(account.as_str()).iter().map(|r| r.user.clone()).collect()
    }

    /// One user of `account`, if it exists.
    pub fn user(&self, account: &AccountId, user: &UserId) -> Option<User> {
        self.shared.store().find(account.as_str(), user.as_str()).map(|r| r.user.clone())
    }

    /// Creates a user as *create a user* would, without a request (and without a journal
    /// entry). Returns `None` when the email is invalid or already taken in the account.
    pub fn add_user(&self, account: &AccountId, params: CreateUserParams) -> Option<User> {
        if !api::is_valid_email(&params.email) {
            return None;
        }
        self.shared.store().create(account.as_str(), &params.email, params.name).ok()
    }

    /// Gives a user an active session: `session` is what *list active sessions* shows and
    /// `detail` what *get an active session* shows. The session is addressed by
    /// `session.metadata.nonce`; when that is missing or not a valid nonce, a random
    /// 16-character nonce replaces it. A session with the same nonce is replaced.
    ///
    /// Returns the nonce, or `None` if the user does not exist.
    pub fn add_active_session(
        &self,
        account: &AccountId,
        user: &UserId,
        session: ActiveSession,
        detail: ActiveSessionDetail,
    ) -> Option<SessionNonce> {
        let mut store = self.shared.store();
        let record = store.find_mut(account.as_str(), user.as_str())?;
        let mut session = session;
        let mut metadata = session.metadata.take().unwrap_or_default();
        let nonce = metadata.nonce.as_deref().and_then(|n| SessionNonce::new(n).ok()).unwrap_or_else(random_nonce);
        metadata.nonce = Some(nonce.as_str().to_string());
        session.metadata = Some(metadata);
        record.sessions.retain(|s| s.nonce != nonce.as_str());
        record.sessions.push(SessionRecord { nonce: nonce.as_str().to_string(), summary: session, detail });
        Some(nonce)
    }

    /// A user's active sessions (the list items), or `None` if the user does not exist.
    pub fn active_sessions(&self, account: &AccountId, user: &UserId) -> Option<Vec<ActiveSession>> {
        let store = self.shared.store();
        let record = store.find(account.as_str(), user.as_str())?;
        Some(record.sessions.iter().map(|s| s.summary.clone()).collect())
    }

    /// Sets (or, with `None`, removes) a user's last seen identity. Returns `false` if the
    /// user does not exist.
    pub fn set_last_seen_identity(&self, account: &AccountId, user: &UserId, identity: Option<Identity>) -> bool {
        match self.shared.store().find_mut(account.as_str(), user.as_str()) {
            Some(record) => {
                record.identity = identity;
                true
            }
            None => false,
        }
    }

    /// Appends a failed login to a user's list. Returns `false` if the user does not exist.
    pub fn add_failed_login(&self, account: &AccountId, user: &UserId, failed: FailedLogin) -> bool {
        match self.shared.store().find_mut(account.as_str(), user.as_str()) {
            Some(record) => {
                record.failed_logins.push(failed);
                true
            }
            None => false,
        }
    }

    /// A user's failed logins, or `None` if the user does not exist.
    pub fn failed_logins(&self, account: &AccountId, user: &UserId) -> Option<Vec<FailedLogin>> {
        self.shared.store().find(account.as_str(), user.as_str()).map(|r| r.failed_logins.clone())
    }
}

fn random_nonce() -> SessionNonce {
    let nonce: String = (0..16).map(|_| fastrand::alphanumeric()).collect();
    SessionNonce::new(nonce).expect("alphanumeric nonces are valid")
}

// ---------------------------------------------------------------------------------------
// Connections
// ---------------------------------------------------------------------------------------

/// The error a request handler returns to make hyper close the connection unanswered.
#[derive(Debug)]
struct ConnectionDropped;

impl fmt::Display for ConnectionDropped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for ConnectionDropped {}

type RouterService = TowerToHyperService<axum::routing::RouterIntoService<Body>>;

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, router: Router) {
    // Dropping the set (when this task is aborted) aborts every connection task.
    let mut connections = JoinSet::new();
    let service = TowerToHyperService::new(router.into_service::<Body>());
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    let shared = Arc::clone(&shared);
                    let service = service.clone();
                    connections.spawn(async move {
                        let handler = service_fn(move |req| handle(Arc::clone(&shared), service.clone(), req));
                        // A dropped connection ends with an error here; nothing to do about it.
                        let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), handler).await;
                    });
                }
                // E.g. too many open files: back off instead of spinning.
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// What to do with a request once its fault (if any) is known.
enum Outcome {
    Respond(Response<Body>),
    Drop,
}

/// One request: journal it, apply a fault or handle it, and add `cf-ray`.
async fn handle(
    shared: Arc<Shared>,
    router: RouterService,
    req: Request<Incoming>,
) -> Result<Response<Body>, ConnectionDropped> {
    let received_at = Instant::now();
    let (parts, body) = req.into_parts();
    let too_large = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok())
        .is_some_and(|n| n > MAX_BODY_BYTES);
    let body = if too_large { None } else { axum::body::to_bytes(Body::new(body), MAX_BODY_BYTES).await.ok() };

    let method = parts.method.as_str().to_string();
    let path = parts.uri.path().to_string();
    let operation = Operation::classify(&method, &path);
    let fault = faults::pick(&mut lock(&shared.faults), &method, operation, &path);
    let (body_text, body_len) = lock(&shared.journal).body_text(body.as_deref().unwrap_or_default());
    let entry = JournalEntry {
        method,
        path,
        query: parts.uri.query().map(str::to_string),
        operation,
        status: 0,
        faulted: fault.is_some(),
        body: body_text,
        body_len,
        truncated: false,
        auth: auth_scheme(&parts.headers),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                // Credentials are recorded as present, never by value: the journal is
                // printed in test failures and must not leak a real token.
                let value = if matches!(n.as_str(), "authorization" | "x-auth-key") {
                    REDACTED.to_string()
                } else {
                    String::from_utf8_lossy(v.as_bytes()).into_owned()
                };
                (n.as_str().to_string(), value)
            })
            .collect(),
        received_at,
    };
    let seq = lock(&shared.journal).push(entry);

    let outcome = match fault {
        None => Outcome::Respond(handle_normally(&shared, router, parts, body).await),
        Some(Fault::Delay(delay)) => {
            tokio::time::sleep(delay).await;
            Outcome::Respond(handle_normally(&shared, router, parts, body).await)
        }
        Some(Fault::DropAfterHandling) => {
            let _ = handle_normally(&shared, router, parts, body).await;
            Outcome::Drop
        }
        Some(Fault::DropConnection) => Outcome::Drop,
        Some(Fault::ResetMidBody) => Outcome::Respond(truncated_response()),
        Some(Fault::Status { status, body, content_type, headers }) => {
            Outcome::Respond(fault_response(status, body, &content_type, &headers))
        }
    };
    match outcome {
        Outcome::Respond(mut response) => {
            response.headers_mut().entry("cf-ray").or_insert_with(new_ray);
            lock(&shared.journal).answer(seq, response.status().as_u16());
            Ok(response)
        }
        Outcome::Drop => Err(ConnectionDropped),
    }
}

/// Authentication, then the router.
async fn handle_normally(
    shared: &Shared,
    router: RouterService,
    parts: axum::http::request::Parts,
    body: Option<Bytes>,
) -> Response<Body> {
    let Some(body) = body else {
        let message = format!("request body is larger than {MAX_BODY_BYTES} bytes");
        return ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, codes::BODY_TOO_LARGE, message).into_response();
    };
    if let Err(e) = check_auth(shared, &parts.headers) {
        return e.into_response();
    }
    let request = Request::from_parts(parts, Body::from(body));
    match hyper::service::Service::call(&router, request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

fn new_ray() -> HeaderValue {
    HeaderValue::from_str(&format!("{:016x}-FAKE", fastrand::u64(..))).expect("hex is a valid header value")
}

// ---------------------------------------------------------------------------------------
// Authentication
// ---------------------------------------------------------------------------------------

/// The token of an `Authorization: Bearer <token>` header: `Ok(None)` without the header,
/// `Err(())` when the header is there but malformed.
/// What the journal records instead of a credential's value.
const REDACTED: &str = "[REDACTED]";

fn bearer_token(headers: &HeaderMap) -> Result<Option<&str>, ()> {
    let Some(value) = headers.get(header::AUTHORIZATION) else { return Ok(None) };
    let value = value.to_str().map_err(|_| ())?;
    let (scheme, token) = value.split_once(' ').ok_or(())?;
    let token = token.trim();
    if scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && !token.contains(char::is_whitespace) {
        Ok(Some(token))
    } else {
        Err(())
    }
}

fn has_key_pair(headers: &HeaderMap) -> bool {
    let present = |name: &str| headers.get(name).is_some_and(|v| !v.as_bytes().trim_ascii().is_empty());
    present("x-auth-email") && present("x-auth-key")
}

fn auth_scheme(headers: &HeaderMap) -> AuthScheme {
    match (bearer_token(headers), has_key_pair(headers)) {
        (Err(()), _) => AuthScheme::Malformed,
        (Ok(Some(_)), true) => AuthScheme::Both,
        (Ok(Some(_)), false) => AuthScheme::Token,
        (Ok(None), true) => AuthScheme::ApiKey,
        (Ok(None), false) => AuthScheme::None,
    }
}

fn check_auth(shared: &Shared, headers: &HeaderMap) -> Result<(), ApiError> {
    let auth_error = |status| ApiError::new(status, codes::AUTHENTICATION_ERROR, "Authentication error");
    match auth_scheme(headers) {
        AuthScheme::Malformed => {
            let mut info = ResponseInfo::new(codes::INVALID_REQUEST_HEADERS, "Invalid request headers");
            info.extra.insert(
                "error_chain".into(),
                serde_json::json!([{"code": codes::INVALID_AUTHORIZATION_FORMAT,
                                    "message": "Invalid format for Authorization header"}]),
            );
            Err(ApiError::with_info(StatusCode::BAD_REQUEST, info))
        }
        AuthScheme::None => Err(auth_error(StatusCode::UNAUTHORIZED)),
        _ => match &shared.token {
            Some(required) if bearer_token(headers) != Ok(Some(required.as_str())) => {
                Err(auth_error(StatusCode::FORBIDDEN))
            }
            _ => Ok(()),
        },
    }
}

// ---------------------------------------------------------------------------------------
// Fault responses
// ---------------------------------------------------------------------------------------

fn fault_response(status: u16, body: String, content_type: &str, headers: &[(String, String)]) -> Response<Body> {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, body).into_response();
    let map = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        map.insert(header::CONTENT_TYPE, v);
    }
    for (name, value) in headers {
        if let (Ok(n), Ok(v)) = (HeaderName::try_from(name.as_str()), HeaderValue::from_str(value)) {
            map.append(n, v);
        }
    }
    response
}

/// A 200 that announces a whole JSON body but sends half of it, then fails the stream so
/// hyper closes the connection.
fn truncated_response() -> Response<Body> {
    let full = Bytes::from_static(
        br#"{"success":true,"errors":[],"messages":[],"result":{"note":"this body was cut short by a reset_mid_body fault"}}"#,
    );
    let half = full.slice(..full.len() / 2);
    let body =
        TruncatedBody { first: Some(half), pause: Box::pin(tokio::time::sleep(std::time::Duration::from_millis(50))) };
    let mut response = Response::new(Body::new(body));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(full.len()));
    response
}

/// Yields one chunk, waits a moment (so the chunk reaches the client), then fails.
struct TruncatedBody {
    first: Option<Bytes>,
    pause: Pin<Box<tokio::time::Sleep>>,
}

impl HttpBody for TruncatedBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        let this = self.get_mut();
        if let Some(chunk) = this.first.take() {
            return Poll::Ready(Some(Ok(Frame::data(chunk))));
        }
        match this.pause.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => Poll::Ready(Some(Err(io::Error::new(
                io::ErrorKind::ConnectionReset,
                "response cut short by a reset_mid_body fault",
            )))),
        }
    }
}
