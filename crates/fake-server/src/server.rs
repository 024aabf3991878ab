//! The server: the builder, the handle tests hold, and the accept loop.

use std::collections::HashMap;
use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use cfzt_models::{
    AccountId, ActiveSession, ActiveSessionDetail, CreateUserParams, FailedLogin, Identity, SessionNonce, User, UserId,
};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

use crate::faults::{ActiveRule, FaultRule};
use crate::journal::{Journal, JournalEntry, JournalLimits, JournalStats};
use crate::pipeline;
use crate::ratelimit::{Credential, CredentialFingerprint, RateLimit, RateLimitStats};
use crate::routes::API_PREFIX;
use crate::state::Shared;
use crate::store::{SessionRecord, Store};
use crate::{request, router};

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
    strict_body_keys: bool,
    bind: SocketAddr,
    journal: JournalLimits,
    rate_limit: Option<RateLimit>,
}

impl Default for FakeServerBuilder {
    fn default() -> Self {
        FakeServerBuilder {
            demo_data: true,
            token: None,
            strict_per_page: false,
            strict_body_keys: false,
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            journal: JournalLimits::default(),
            rate_limit: None,
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
    /// [`codes::AUTHENTICATION_ERROR`](crate::codes::AUTHENTICATION_ERROR) ("Authentication
    /// error"), as Cloudflare answers a token that may not do the call. No credentials at
    /// all still get 401.
    ///
    /// Without this option any non-empty token or email/key pair is accepted.
    pub fn require_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// When `true`, *list users* refuses a `per_page` outside 1, 5, 10, 20, 25, 50, 100,
    /// 1000 with 400 and code
    /// [`codes::PER_PAGE_NOT_ALLOWED`](crate::codes::PER_PAGE_NOT_ALLOWED) (12091), as the
    /// live Access API was reported to do. Off by default: any `per_page` of 1 or more is served.
    pub fn strict_per_page(mut self, strict: bool) -> Self {
        self.strict_per_page = strict;
        self
    }

    /// When `true`, a request body with a key the operation does not define is refused
    /// with **400**, code [`codes::INVALID_REQUEST`](crate::codes::INVALID_REQUEST) and
    /// the key as `source.pointer` (e.g. `/body_devices`), so that a test can prove a
    /// client sends only the API's own keys. Off by default: unknown keys are ignored, as
    /// Cloudflare ignores them, so that a client which sends extras (the TypeScript SDK's
    /// `revokeUsers` sends `body_devices`) works against the fake as it does against the
    /// API.
    pub fn strict_body_keys(mut self, strict: bool) -> Self {
        self.strict_body_keys = strict;
        self
    }

    /// The address to listen on. Defaults to `127.0.0.1:0` (a free port on loopback).
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.bind = addr;
        self
    }

    /// Enforces `limit` per credential, as the API does: every answer to a request with
    /// credentials carries `Ratelimit` and `Ratelimit-Policy`, and a credential over the
    /// quota gets **429** (code [`RATE_LIMITED`](crate::codes::RATE_LIMITED), `Retry-After`) until its block
    /// ends. See [`RateLimit`] and the crate docs' *Rate limit* section.
    ///
    /// Off by default in the library: a server started in a test serves any number of
    /// requests, as the tests and benchmarks that make thousands of calls expect. Turn it
    /// on with [`RateLimit::cloudflare`] for the API's limit, or a scaled-down one such as
    /// `RateLimit::new(5, Duration::from_millis(200))`. (The binary enforces the API's
    /// limit unless started with `--rate-limit off`.)
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// Enforces no rate limit (the default): no request is refused for its rate and no
    /// rate-limit headers are sent.
    pub fn no_rate_limit(mut self) -> Self {
        self.rate_limit = None;
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
        let store = if self.demo_data { Store::demo() } else { Store::default() };
        let journal = Journal::new(self.journal);
        let (per_page, body_keys) = (self.strict_per_page, self.strict_body_keys);
        let shared = Arc::new(Shared::new(store, journal, self.rate_limit, per_page, body_keys, self.token));
        let router = router::router(Arc::clone(&shared));
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
    pub(crate) shared: Arc<Shared>,
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
        self.shared.faults().push(ActiveRule::new(rule));
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        self.shared.faults().clear();
    }

    // ----- journal --------------------------------------------------------------------

    /// The requests received since the start or the last [`FakeServer::clear_journal`],
    /// in the order received: all of them, or the newest ones when more arrived than the
    /// journal's bounds hold (see [`FakeServerBuilder::journal_max_entries`] and
    /// [`FakeServer::journal_stats`]).
    pub fn journal(&self) -> Vec<JournalEntry> {
        self.shared.journal().snapshot()
    }

    /// How many entries and bytes the journal holds, and how many entries it forgot to
    /// stay within its bounds.
    pub fn journal_stats(&self) -> JournalStats {
        self.shared.journal().stats()
    }

    /// Forgets the requests received so far (and resets the eviction count).
    pub fn clear_journal(&self) {
        self.shared.journal().clear();
    }

    // ----- rate limit -----------------------------------------------------------------

    /// What the rate limit did, per credential: requests counted and refused, since the
    /// start, for each credential the rate limit holds (at most 10,000; see the crate
    /// docs' *Rate limit*). Empty without a [rate limit](FakeServerBuilder::rate_limit).
    /// Requests the server did not accept are in no credential's counts. Look up a
    /// credential with [`FakeServer::token_fingerprint`] or
    /// [`FakeServer::key_fingerprint`], or use [`FakeServer::rate_limit_stats_of_token`].
    pub fn rate_limit_stats(&self) -> HashMap<CredentialFingerprint, RateLimitStats> {
        self.shared.rate_limit_stats()
    }

    /// The fingerprint under which the rate limit counts requests with
    /// `Authorization: Bearer <token>`; `None` without a rate limit.
    pub fn token_fingerprint(&self, token: &str) -> Option<CredentialFingerprint> {
        self.shared.fingerprint(Credential::Token(token))
    }

    /// The fingerprint under which the rate limit counts requests with this
    /// `X-Auth-Email` (compared case-insensitively) and `X-Auth-Key`; `None` without a
    /// rate limit.
    pub fn key_fingerprint(&self, email: &str, key: &str) -> Option<CredentialFingerprint> {
        self.shared.fingerprint(Credential::Key { email, key })
    }

    /// The rate limit's counts for requests with `Authorization: Bearer <token>` (zero
    /// for a token never seen, or without a rate limit).
    pub fn rate_limit_stats_of_token(&self, token: &str) -> RateLimitStats {
        self.token_fingerprint(token).and_then(|f| self.rate_limit_stats().get(&f).copied()).unwrap_or_default()
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
        if !request::is_valid_email(&params.email) {
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
                        let handler = service_fn(move |req| pipeline::handle(Arc::clone(&shared), service.clone(), req));
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
