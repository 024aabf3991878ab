//! Configuring a client: `ClientBuilder`, the environment, the default transport.

use std::fmt;
use std::sync::Arc;

use cfzt_transport::{HttpTransport, RetryPolicy, RetryTokens, RetryTransport};
use http::header::{ACCEPT, CONTENT_TYPE, HeaderName, USER_AGENT};
use http::{HeaderMap, HeaderValue};

use crate::Credentials;
use crate::base_url::{DEFAULT_BASE_URL, base_url_error, check_base_url, redacted_url};
use crate::client::{Client, Inner};
use crate::error::{ConfigError, ConfigSetting, Error};
use crate::pacing::{BUDGET_URL_ENV, Pacing};
use crate::redact::Redactor;

mod deprecated;

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
    retry_tokens: Option<Arc<RetryTokens>>,
    /// `None`: the default, [`Pacing::default`].
    pacing: Option<Pacing>,
    /// `CFZT_BUDGET_URL`, as `load_env` read it: where a quota is kept (see [`Pacing`]).
    budget_url_env: Option<String>,
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
    /// starts). So does the request budget a client has by default (its waits for a place
    /// are tokio's sleeps), and the retry layer's timers: the attempt timeout, the deadline
    /// and the wait before a retry. A transport of your own may run on any executor, but a call
    /// polled outside a tokio runtime then fails at once, nothing sent, with
    /// [`Error::Transport`](crate::Error::Transport) whose source is
    /// [`TransportError::NoRuntime`](crate::TransportError::NoRuntime) (not retryable),
    /// unless nothing needs a timer: a policy of `RetryPolicy::no_retries().attempt_timeout(None)`,
    /// which leaves timeouts to your transport, and no request budget (whose waits are
    /// tokio's too: [`Pacing::Off`]).
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
    ///     .pacing(cfzt_access_users::Pacing::Off)
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
    /// [`RetryPolicy::deadline`] (or `.deadline(d)` on a call) to end it sooner: a retry
    /// that would wait past it returns the 429 at once, as an [`Error::Api`] whose
    /// `retry_after()` is the wait. The policy's 60 s `max_retry_after` cap applies only
    /// without a request budget ([`Pacing::Off`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = Some(policy);
        self
    }

    /// The retry tokens, shared by every clone of the client (default: fresh
    /// [`RetryTokens`], 500 of them). Pass the same tokens to several clients to share them.
    pub fn retry_tokens(mut self, tokens: Arc<RetryTokens>) -> Self {
        self.retry_tokens = Some(tokens);
        self
    }

    /// How the client paces its requests to the API's rate limit, for it and its clones:
    /// off, a quota, a budget you share, or a budget kept in Redis (see [`Pacing`], which
    /// also says how `CFZT_BUDGET_URL` from the environment applies). The default is
    /// Cloudflare's documented quota, 1,200 requests per 5 minutes, in this process.
    ///
    /// ```
    /// use std::time::Duration;
    /// use cfzt_access_users::{BudgetQuota, Client, Pacing};
    /// let quota = BudgetQuota::new(4000, Duration::from_secs(300))?;
    /// let client = Client::builder().api_token("...").pacing(Pacing::Quota(quota)).build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn pacing(mut self, pacing: Pacing) -> Self {
        self.pacing = Some(pacing);
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
    /// only the token is sent. `CFZT_BUDGET_URL` keeps the client's quota in Redis, shared
    /// by several processes, as [`Pacing`] says (it needs the `redis` feature; without it,
    /// [`build`](Self::build) says so).
    pub fn load_env(self) -> Self {
        self.load_env_with(|name| std::env::var(name).ok())
    }

    pub(crate) fn load_env_with(mut self, get: impl Fn(&str) -> Option<String>) -> Self {
        let var = |name: &str| get(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        if self.base_url.is_none() {
            self.base_url = var("CLOUDFLARE_BASE_URL");
            self.base_url_from_env = self.base_url.is_some();
        }
        if self.budget_url_env.is_none() {
            self.budget_url_env = var(BUDGET_URL_ENV);
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
    /// (`CFZT_BUDGET_URL`, [`Pacing::Redis`]) is not a usable URL or needs the `redis` feature.
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
        let (pacing, from_env) = Pacing::resolve(self.pacing, self.budget_url_env);
        let transport = RetryTransport::new(transport)
            .with_policy(self.retry_policy.unwrap_or_default())
            .with_retry_tokens(self.retry_tokens.unwrap_or_default())
            .with_request_budget(pacing.budget(&credentials, from_env)?);
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
            .field("pacing", &self.pacing)
            // The store's URL may hold its password: only whether there is one.
            .field("budget_url_env", &self.budget_url_env.as_ref().map(|_| "set"))
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
