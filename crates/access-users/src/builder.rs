//! Configuring a client: `ClientBuilder`, the environment, the default transport.

use std::fmt;
use std::sync::Arc;

use cfzt_transport::{
    BudgetQuota, HttpTransport, LocalBudget, RequestBudget, RetryBudget, RetryPolicy, RetryTransport,
};
use http::header::{ACCEPT, CONTENT_TYPE, HeaderName, USER_AGENT};
use http::{HeaderMap, HeaderValue};

use crate::Credentials;
use crate::base_url::{DEFAULT_BASE_URL, base_url_error, check_base_url, redacted_url};
use crate::client::{Client, Inner};
use crate::error::{ConfigError, ConfigSetting, Error};
use crate::redact::Redactor;
use crate::shared_budget::{BUDGET_URL_ENV, StoreSetting};

const USER_AGENT_VALUE: &str = concat!("cfzt-access-users/", env!("CARGO_PKG_VERSION"));

impl Client {
    /// A builder with nothing set.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment, as the official SDKs read it:
    /// `CLOUDFLARE_API_TOKEN`, or `CLOUDFLARE_EMAIL` and `CLOUDFLARE_API_KEY`, and
    /// optionally `CLOUDFLARE_BASE_URL`. The default transport is used.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when no credentials are set, or a value is invalid.
    pub fn from_env() -> Result<Self, Error> {
        Self::builder().load_env().build()
    }
}

/// Builds a [`Client`]. Values set explicitly win over the environment.
#[derive(Default)]
#[must_use]
pub struct ClientBuilder {
    base_url: Option<String>,
    /// Whether `base_url` came from `CLOUDFLARE_BASE_URL`, for the error message.
    base_url_from_env: bool,
    credentials: Option<Credentials>,
    transport: Option<Arc<dyn HttpTransport>>,
    api_version: Option<chrono::NaiveDate>,
    retry_policy: Option<RetryPolicy>,
    retry_budget: Option<Arc<RetryBudget>>,
    /// `None`: the default budget; `Some(None)`: switched off.
    request_budget: Option<Option<Arc<dyn RequestBudget>>>,
    /// The quota of `rate_limit`, which a shared budget paces to as well.
    budget_quota: Option<BudgetQuota>,
    /// Whether `request_budget` or `no_request_budget` was called: they win over
    /// `CFZT_BUDGET_URL` from the environment.
    custom_budget: bool,
    /// A store shared by several processes: `redis_budget` or `CFZT_BUDGET_URL`.
    budget_store: Option<StoreSetting>,
    env_error: Option<ConfigError>,
}

impl ClientBuilder {
    /// The API base URL (default [`DEFAULT_BASE_URL`]), **with its path**: Cloudflare serves
    /// the API under `/client/v4`, so `https://api.cloudflare.com` alone would make every
    /// call 404.
    ///
    /// It must be `https`, or plain `http` to a loopback host (`127.0.0.1`, `[::1]`,
    /// `localhost`) for local test servers, and hold no userinfo, query or fragment. For
    /// `api.cloudflare.com` the path must be `/client/v4`; for any other host (a proxy, a
    /// test server) a path that does not end with `/client/v4` is accepted with a `warn`
    /// trace. A URL without a scheme is refused with a hint to add `https://`. Checked by
    /// [`build`](Self::build); errors quote the URL without userinfo or query.
    ///
    /// ```
    /// use cfzt_access_users::Client;
    /// let err = Client::builder().api_token("tok").base_url("api.cloudflare.com/client/v4").build().unwrap_err();
    /// assert!(err.to_string().contains("add https://"));
    /// let err = Client::builder().api_token("tok").base_url("https://api.cloudflare.com").build().unwrap_err();
    /// assert!(err.to_string().contains("/client/v4"));
    /// ```
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The credentials to send.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Authenticate with an API token (`Authorization: Bearer`).
    pub fn api_token(self, token: impl Into<String>) -> Self {
        self.credentials(Credentials::api_token(token))
    }

    /// Authenticate with an email and global API key (`X-Auth-Email`, `X-Auth-Key`).
    pub fn global_api_key(self, email: impl Into<String>, key: impl Into<String>) -> Self {
        self.credentials(Credentials::global_api_key(email, key))
    }

    /// The transport to send requests with. Without one, the default backend is used
    /// (reqwest with the `reqwest` feature, else hyper with the `hyper` feature). Either way
    /// the client wraps it in a [`RetryTransport`] with the [retry policy](Self::retry_policy).
    ///
    /// # Runtime
    ///
    /// The built-in backends need a tokio runtime with IO and timers (what `#[tokio::main]`
    /// starts). So do the retry layer's timers: the attempt timeout, the deadline and the
    /// wait before a retry. A transport of your own may run on any executor, but a call
    /// polled outside a tokio runtime then fails at once, nothing sent, with
    /// [`Error::Transport`](crate::Error::Transport) whose source is
    /// [`TransportError::NoRuntime`](crate::TransportError::NoRuntime) (not retryable),
    /// unless nothing needs a timer: a policy of `RetryPolicy::no_retries().attempt_timeout(None)`,
    /// which leaves timeouts to your transport, and no request budget (whose waits are
    /// tokio's too: [`no_request_budget`](Self::no_request_budget)).
    ///
    /// ```
    /// use std::future::IntoFuture;
    /// use cfzt_transport::{Request, Response, RetryPolicy, async_trait};
    /// use cfzt_access_users::{AccountId, Client, HttpTransport, TransportError, UserId};
    ///
    /// /// A transport that needs no tokio (here, a canned answer).
    /// struct Canned;
    ///
    /// #[async_trait]
    /// impl HttpTransport for Canned {
    ///     async fn send(&self, _request: Request) -> Result<Response, TransportError> {
    ///         Ok(http::Response::builder().status(404).body(bytes::Bytes::new()).unwrap())
    ///     }
    /// }
    ///
    /// let account: AccountId = "023e105f4ecef8ad9ca31a8372d0c353".parse()?;
    /// let user: UserId = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415".parse()?;
    /// let client = Client::builder()
    ///     .api_token("token")
    ///     .transport(Canned)
    ///     .retry_policy(RetryPolicy::no_retries().attempt_timeout(None))
    ///     .no_request_budget()
    ///     .build()?;
    /// let call = client.users(&account).get(&user).into_future();
    /// assert!(futures_executor::block_on(call).unwrap_err().is_not_found());
    ///
    /// // With the default policy and budget, the same call needs tokio's timers and says so.
    /// let client = Client::builder().api_token("token").transport(Canned).build()?;
    /// let err = futures_executor::block_on(client.users(&account).get(&user).into_future()).unwrap_err();
    /// assert!(err.is_transport() && !err.is_retryable() && err.attempts() == Some(0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn transport(mut self, transport: impl HttpTransport + 'static) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// The retry and timeout policy of every call (default [`RetryPolicy::default`]: 2
    /// retries, 60 s per attempt, as the official SDKs, and no deadline). Single calls can
    /// override it with [`ApiRequest::max_retries`](crate::ApiRequest::max_retries) and
    /// friends.
    ///
    /// With the default request budget, a 429 pauses the budget until the server's
    /// `Retry-After`, up to [`MAX_PAUSE`](cfzt_transport::MAX_PAUSE) (15 minutes), and the
    /// retry waits for it: without a deadline a call can wait that long. Set
    /// [`RetryPolicy::deadline`] (or `.deadline(d)` on a call) to end it sooner; the
    /// policy's 60 s `max_retry_after` cap applies only without a request budget.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = Some(policy);
        self
    }

    /// The retry budget, shared by every clone of the client (default: a fresh
    /// [`RetryBudget`] of 500 tokens). Pass the same budget to several clients to share it.
    pub fn retry_budget(mut self, budget: Arc<RetryBudget>) -> Self {
        self.retry_budget = Some(budget);
        self
    }

    /// Paces every request of the client, and of its clones, to `quota`, with a
    /// [`LocalBudget`] of its own. The quota is a **ceiling**: the budget follows a slower
    /// `Ratelimit-Policy` the server announces, and a faster one back up to `quota`, never
    /// past it.
    ///
    /// Without this (or [`request_budget`](Self::request_budget)) a client starts at
    /// Cloudflare's documented quota, [`BudgetQuota::cloudflare`] (1,200 requests per
    /// 5 minutes), and follows the quota the server announces, faster or slower
    /// ([`LocalBudget::following`]): an account whose limit was raised is paced to the raise.
    /// Either way the budget learns from the server's `Ratelimit` headers and, on a 429,
    /// pauses every call until the server's reset, at most
    /// [`MAX_PAUSE`](cfzt_transport::MAX_PAUSE) (see [`LocalBudget`]).
    ///
    /// ```
    /// use std::time::Duration;
    /// use cfzt_access_users::{BudgetQuota, Client};
    /// // An Enterprise account with a raised limit of 4,000 per 5 minutes.
    /// let quota = BudgetQuota::new(4000, Duration::from_secs(300))?;
    /// let client = Client::builder().api_token("...").rate_limit(quota).build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn rate_limit(self, quota: BudgetQuota) -> Self {
        let mut builder = self.request_budget(Arc::new(LocalBudget::new(quota)));
        builder.budget_quota = Some(quota);
        builder.custom_budget = false;
        builder
    }

    /// Keeps the request budget in Redis at `url` (`redis://[:password@]host:port[/db]`),
    /// shared by every process, on any machine, that uses the same credentials and store:
    /// a [`RedisBudget`](cfzt_transport::RedisBudget) pacing to the quota of
    /// [`rate_limit`](Self::rate_limit) (default: Cloudflare's), keyed by a fingerprint of
    /// the credentials (never the credentials themselves). It wins over the other budget
    /// settings. `CFZT_BUDGET_URL` sets the same from the environment
    /// ([`load_env`](Self::load_env)).
    ///
    /// While Redis cannot be reached the client paces in-process with a warning, and goes
    /// back to Redis when it answers (see `RedisBudget`, and `docs/reliability.md`).
    ///
    /// ```no_run
    /// use cfzt_access_users::Client;
    /// let client = Client::builder().api_token("...").redis_budget("redis://127.0.0.1:6379").build()?;
    /// # Ok::<(), cfzt_access_users::Error>(())
    /// ```
    #[cfg(feature = "redis")]
    pub fn redis_budget(mut self, url: impl Into<String>) -> Self {
        self.budget_store = Some(StoreSetting { url: url.into(), from_env: false });
        self
    }

    /// Paces every request with `budget`. Give the same `Arc` to several clients that use
    /// one token, so that together they stay inside its quota, or a budget kept in a store
    /// that several processes share.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use cfzt_access_users::{BudgetQuota, Client, LocalBudget, RequestBudget};
    /// let budget: Arc<dyn RequestBudget> = Arc::new(LocalBudget::new(BudgetQuota::cloudflare()));
    /// let audit = Client::builder().api_token("...").request_budget(budget.clone()).build()?;
    /// let offboarding = Client::builder().api_token("...").request_budget(budget).build()?;
    /// # Ok::<(), cfzt_access_users::Error>(())
    /// ```
    pub fn request_budget(mut self, budget: Arc<dyn RequestBudget>) -> Self {
        self.request_budget = Some(Some(budget));
        self.custom_budget = true;
        self
    }

    /// Switches the request budget off: requests are sent as fast as they come, and a 429
    /// is retried by each call on its own, as the official SDKs do. For tests against a
    /// server with no limit, or when something else paces the calls.
    pub fn no_request_budget(mut self) -> Self {
        self.request_budget = Some(None);
        self.custom_budget = true;
        self
    }

    /// Pins Cloudflare's API behaviour to a date, sent as `api-version: YYYY-MM-DD` on every
    /// request. Without it no header is sent and the server uses today's behaviour.
    pub fn api_version(mut self, date: chrono::NaiveDate) -> Self {
        self.api_version = Some(date);
        self
    }

    /// Fills what is not set yet from the environment: `CLOUDFLARE_API_TOKEN`, else
    /// `CLOUDFLARE_EMAIL` with `CLOUDFLARE_API_KEY`; and `CLOUDFLARE_BASE_URL`. Values are
    /// trimmed and empty ones count as unset. When both schemes are set, the token wins and
    /// only the token is sent. `CFZT_BUDGET_URL` keeps the request budget in a store shared
    /// by several processes, as [`redis_budget`](Self::redis_budget) does (it needs the
    /// `redis` feature; without it, [`build`](Self::build) says so).
    pub fn load_env(self) -> Self {
        self.load_env_with(|name| std::env::var(name).ok())
    }

    pub(crate) fn load_env_with(mut self, get: impl Fn(&str) -> Option<String>) -> Self {
        let var = |name: &str| get(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        if self.base_url.is_none() {
            self.base_url = var("CLOUDFLARE_BASE_URL");
            self.base_url_from_env = self.base_url.is_some();
        }
        if self.budget_store.is_none() {
            self.budget_store = var(BUDGET_URL_ENV).map(|url| StoreSetting { url, from_env: true });
        }
        if self.credentials.is_none() {
            match (var("CLOUDFLARE_API_TOKEN"), var("CLOUDFLARE_EMAIL"), var("CLOUDFLARE_API_KEY")) {
                (Some(token), _, _) => self.credentials = Some(Credentials::api_token(token)),
                (None, Some(email), Some(key)) => self.credentials = Some(Credentials::global_api_key(email, key)),
                (None, Some(_), None) => {
                    self.env_error =
                        Some(ConfigError::credentials("CLOUDFLARE_EMAIL is set but CLOUDFLARE_API_KEY is not"));
                }
                (None, None, Some(_)) => {
                    self.env_error =
                        Some(ConfigError::credentials("CLOUDFLARE_API_KEY is set but CLOUDFLARE_EMAIL is not"));
                }
                (None, None, None) => {}
            }
        }
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when no credentials are set, the base URL is not acceptable, no
    /// transport is given and no backend feature is enabled, or the shared budget's store
    /// (`CFZT_BUDGET_URL`, `redis_budget`) is not a usable URL or needs the `redis` feature.
    pub fn build(self) -> Result<Client, Error> {
        let credentials = match (self.credentials, self.env_error) {
            (Some(c), _) => c,
            (None, Some(e)) => return Err(e.into()),
            (None, None) => {
                return Err(ConfigError::credentials(
                    "no credentials: set CLOUDFLARE_API_TOKEN (or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY), \
                     or call ClientBuilder::api_token",
                )
                .into());
            }
        };
        let base_url = check_base_url(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL)).map_err(|why| {
            base_url_error(self.base_url.as_deref().unwrap_or_default(), self.base_url_from_env, &why)
        })?;
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
        headers.extend(credentials.headers()?);
        if let Some(date) = self.api_version {
            let value = HeaderValue::from_str(&date.format("%Y-%m-%d").to_string())
                .map_err(|_| ConfigError::new(ConfigSetting::ApiVersion, "api_version is not a valid header value"))?;
            headers.insert(HeaderName::from_static("api-version"), value);
        }
        let transport = match self.transport {
            Some(t) => t,
            None => default_transport()?,
        };
        let request_budget = match &self.budget_store {
            // The environment's store gives way to a budget the code chose.
            Some(store) if !(store.from_env && self.custom_budget) => {
                Some(store.budget(&credentials, self.budget_quota)?)
            }
            _ => self.request_budget.unwrap_or_else(|| Some(Arc::new(LocalBudget::default()))),
        };
        let transport = RetryTransport::new(transport)
            .with_policy(self.retry_policy.unwrap_or_default())
            .with_budget(self.retry_budget.unwrap_or_default())
            .with_request_budget(request_budget);
        let scheme = match credentials {
            Credentials::ApiToken(_) => "api token",
            Credentials::GlobalApiKey { .. } => "global api key",
        };
        let redactor = Redactor::new(credentials.secrets());
        let mut json_headers = headers.clone();
        json_headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        Ok(Client { inner: Arc::new(Inner { base_url, headers, json_headers, transport, redactor, scheme }) })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url.as_deref().map(redacted_url))
            .field("credentials", &self.credentials)
            .field("transport", &self.transport.as_ref().map(|_| "custom"))
            .field("api_version", &self.api_version)
            .field("retry_policy", &self.retry_policy)
            .field("request_budget", &self.request_budget)
            // The store's URL may hold its password: only whether there is one.
            .field("budget_store", &self.budget_store.as_ref().map(|_| "set"))
            .finish_non_exhaustive()
    }
}

fn default_transport() -> Result<Arc<dyn HttpTransport>, Error> {
    let build_error = |e: cfzt_transport::TransportError| {
        ConfigError::new(ConfigSetting::Transport, format!("the default HTTP transport could not be built: {e}"))
    };
    #[cfg(feature = "reqwest")]
    {
        Ok(Arc::new(cfzt_transport::ReqwestTransport::new().map_err(build_error)?))
    }
    #[cfg(all(not(feature = "reqwest"), feature = "hyper"))]
    {
        Ok(Arc::new(cfzt_transport::HyperTransport::new().map_err(build_error)?))
    }
    #[cfg(not(any(feature = "reqwest", feature = "hyper")))]
    {
        let _ = build_error;
        Err(ConfigError::new(
            ConfigSetting::Transport,
            "no transport: enable the `reqwest` or `hyper` feature, or pass one with ClientBuilder::transport",
        )
        .into())
    }
}

#[cfg(test)]
mod tests;
