use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;

use cfzt_transport::{HttpTransport, RetryBudget, RetryPolicy, RetryTransport};
use http::header::{ACCEPT, CONTENT_TYPE, HeaderName, USER_AGENT};
use http::{HeaderMap, HeaderValue, Method};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::Credentials;
use crate::decode::decode;
use crate::error::{ConfigError, Error, Redactor, TransportFailure};
use crate::path::Call;
use crate::response::{ApiResponse, header_str};

/// Cloudflare's API base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.cloudflare.com/client/v4";

/// The path Cloudflare serves API v4 under.
const API_PATH: &str = "/client/v4";

const USER_AGENT_VALUE: &str = concat!("cfzt-access-users/", env!("CARGO_PKG_VERSION"));

/// The Access Users API client.
///
/// Build it once with [`Client::builder`] or [`Client::from_env`] and clone it freely:
/// clones share the transport and its connection pool. Every operation starts from
/// [`Client::users`].
///
/// ```no_run
/// use cfzt_access_users::{AccountId, Client, UpdateUserParams, UserId};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = Client::from_env()?;
/// let account: AccountId = "023e105f4ecef8ad9ca31a8372d0c353".parse()?;
/// let user: UserId = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415".parse()?;
/// let updated = client
///     .users(&account)
///     .update(&user, UpdateUserParams::new("jdoe@example.com", "Jane Q. Doe"))
///     .await?;
/// println!("{:?}", updated.name);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    /// The base URL without a trailing slash, parsed and checked once.
    pub(crate) base_url: String,
    /// Accept, User-Agent, the credentials and the optional api-version, built once.
    pub(crate) headers: HeaderMap,
    /// The same headers and `Content-Type: application/json`, for calls with a body.
    pub(crate) json_headers: HeaderMap,
    /// The caller's transport (or the default one) behind the retry layer, which the
    /// client calls directly so that it learns each call's attempts without a counter.
    pub(crate) transport: RetryTransport<Arc<dyn HttpTransport>>,
    /// Masks the credentials in what a server sends back, before it becomes an error.
    pub(crate) redactor: Redactor,
    scheme: &'static str,
}

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

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("credentials", &self.inner.scheme)
            .finish_non_exhaustive()
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
    pub fn transport(mut self, transport: impl HttpTransport + 'static) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// The retry and timeout policy of every call (default [`RetryPolicy::default`]: 2
    /// retries, 60 s per attempt, as the official SDKs). Single calls can override it with
    /// [`ApiRequest::max_retries`](crate::ApiRequest::max_retries) and friends.
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

    /// Pins Cloudflare's API behaviour to a date, sent as `api-version: YYYY-MM-DD` on every
    /// request. Without it no header is sent and the server uses today's behaviour.
    pub fn api_version(mut self, date: chrono::NaiveDate) -> Self {
        self.api_version = Some(date);
        self
    }

    /// Fills what is not set yet from the environment: `CLOUDFLARE_API_TOKEN`, else
    /// `CLOUDFLARE_EMAIL` with `CLOUDFLARE_API_KEY`; and `CLOUDFLARE_BASE_URL`. Values are
    /// trimmed and empty ones count as unset. When both schemes are set, the token wins and
    /// only the token is sent.
    pub fn load_env(self) -> Self {
        self.load_env_with(|name| std::env::var(name).ok())
    }

    pub(crate) fn load_env_with(mut self, get: impl Fn(&str) -> Option<String>) -> Self {
        let var = |name: &str| get(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        if self.base_url.is_none() {
            self.base_url = var("CLOUDFLARE_BASE_URL");
            self.base_url_from_env = self.base_url.is_some();
        }
        if self.credentials.is_none() {
            match (var("CLOUDFLARE_API_TOKEN"), var("CLOUDFLARE_EMAIL"), var("CLOUDFLARE_API_KEY")) {
                (Some(token), _, _) => self.credentials = Some(Credentials::api_token(token)),
                (None, Some(email), Some(key)) => self.credentials = Some(Credentials::global_api_key(email, key)),
                (None, Some(_), None) => {
                    self.env_error = Some(ConfigError::new("CLOUDFLARE_EMAIL is set but CLOUDFLARE_API_KEY is not"));
                }
                (None, None, Some(_)) => {
                    self.env_error = Some(ConfigError::new("CLOUDFLARE_API_KEY is set but CLOUDFLARE_EMAIL is not"));
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
    /// [`Error::Config`] when no credentials are set, the base URL is not acceptable, or no
    /// transport is given and no backend feature is enabled.
    pub fn build(self) -> Result<Client, Error> {
        let credentials = match (self.credentials, self.env_error) {
            (Some(c), _) => c,
            (None, Some(e)) => return Err(e.into()),
            (None, None) => {
                return Err(ConfigError::new(
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
                .map_err(|_| ConfigError::new("api_version is not a valid header value"))?;
            headers.insert(HeaderName::from_static("api-version"), value);
        }
        let transport = match self.transport {
            Some(t) => t,
            None => default_transport()?,
        };
        let transport = RetryTransport::new(transport)
            .with_policy(self.retry_policy.unwrap_or_default())
            .with_budget(self.retry_budget.unwrap_or_default());
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
            .finish_non_exhaustive()
    }
}

fn default_transport() -> Result<Arc<dyn HttpTransport>, Error> {
    let build_error = |e: cfzt_transport::TransportError| {
        ConfigError::new(format!("the default HTTP transport could not be built: {e}"))
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
            "no transport: enable the `reqwest` or `hyper` feature, or pass one with ClientBuilder::transport",
        )
        .into())
    }
}

/// The configuration error for a refused base URL: it quotes the URL redacted (scheme,
/// host and path; never userinfo, query or fragment) and says where it came from.
fn base_url_error(raw: &str, from_env: bool, why: &str) -> ConfigError {
    let source = if from_env { " (from CLOUDFLARE_BASE_URL)" } else { "" };
    ConfigError::new(format!("base URL {:?}{source} {why}", redacted_url(raw)))
}

/// A URL as it may be shown: without userinfo (anything up to the last `@` of the part
/// after the scheme), query or fragment. Works on text, so it also redacts what does not
/// parse as a URL.
fn redacted_url(raw: &str) -> String {
    let raw = raw.trim();
    let raw = raw.split(['?', '#']).next().unwrap_or_default();
    let (scheme, rest) = match raw.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, raw),
    };
    let rest = rest.rsplit_once('@').map_or(rest, |(_, after)| after);
    match scheme {
        Some(scheme) => format!("{scheme}://{rest}"),
        None => rest.to_string(),
    }
}

/// Checks a base URL and returns it without a trailing slash, or says what is wrong
/// without quoting it (the caller quotes it redacted).
fn check_base_url(raw: &str) -> Result<String, String> {
    if !raw.contains("://") {
        return Err(format!("has no scheme: add https:// in front, as in \"https://{}\"", redacted_url(raw)));
    }
    let url = url::Url::parse(raw).map_err(|e| format!("is not a URL: {e}"))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not contain credentials (user:password@); pass them with ClientBuilder::api_token".into());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("must not have a query or fragment".into());
    }
    match url.scheme() {
        "https" => {}
        "http" => {
            let loopback = match url.host() {
                Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
                Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
                Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
                None => false,
            };
            if !loopback {
                return Err("uses plain http to a host that is not loopback; use https".into());
            }
        }
        _ => return Err("must use https".into()),
    }
    let path = url.path().trim_end_matches('/');
    if !path.ends_with(API_PATH) {
        if url.host_str().is_some_and(|h| h.eq_ignore_ascii_case("api.cloudflare.com")) {
            return Err(format!(
                "lacks the API's path: Cloudflare serves it under {API_PATH}, as in \"{DEFAULT_BASE_URL}\""
            ));
        }
        tracing::warn!(
            base_url = %redacted_url(raw),
            "the base URL's path does not end with {API_PATH}; Cloudflare serves the API there, so calls may 404"
        );
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

impl Client {
    /// Builds, sends and decodes one call: the path shared by all operations.
    ///
    /// Not an `async fn`, so that the call is held once in its future (docs/performance.md).
    pub(crate) fn execute<T>(&self, call: Call) -> impl Future<Output = Result<ApiResponse<T>, Error>> + Send + '_
    where
        T: DeserializeOwned + Default + Send,
    {
        let operation = call.operation;
        let span = tracing::debug_span!(
            "cfzt.call",
            operation = operation.name,
            method = operation.method,
            path = operation.path,
            status = tracing::field::Empty,
            cf_ray = tracing::field::Empty,
        );
        let call_span = span.clone();
        async move {
            let request = self.build_request(call)?;
            let (response, attempts) = self.inner.transport.send_counted(request).await;
            let response = response.map_err(|source| {
                tracing::debug!(error = %source, attempts, "transport failed");
                Error::Transport(Box::new(TransportFailure { operation: operation.name, attempts, source }))
            })?;
            call_span.record("status", response.status().as_u16());
            // Looking the header up costs more than recording into a span nobody listens to.
            if !call_span.is_disabled()
                && let Some(ray) = header_str(response.headers(), "cf-ray")
            {
                call_span.record("cf_ray", &*self.inner.redactor.text(ray));
            }
            decode(operation, response, attempts).map_err(|e| e.redact(&self.inner.redactor))
        }
        .instrument(span)
    }

    pub(crate) fn build_request(&self, call: Call) -> Result<cfzt_transport::Request, Error> {
        let inner = &self.inner;
        let mut request = http::Request::new(call.body.unwrap_or_default());
        *request.method_mut() = Method::from_bytes(call.operation.method.as_bytes())
            .map_err(|_| cfzt_models::ValidationError::new("method", "is not an HTTP method"))?;
        *request.uri_mut() = http::Uri::try_from(call.uri)
            .map_err(|e| cfzt_models::ValidationError::new("path", format!("does not form a valid URI: {e}")))?;
        // The fixed headers, with `Content-Type: application/json` when there is a body.
        let headers = if request.body().is_empty() { &inner.headers } else { &inner.json_headers };
        request.headers_mut().clone_from(headers);
        if !call.options.is_empty() {
            request.extensions_mut().insert(call.options);
        }
        Ok(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_table() {
        let cases = [
            ("https://api.cloudflare.com/client/v4", Some("https://api.cloudflare.com/client/v4")),
            ("https://api.cloudflare.com/client/v4/", Some("https://api.cloudflare.com/client/v4")),
            ("http://127.0.0.1:8787", Some("http://127.0.0.1:8787")),
            ("http://127.0.0.2:8787/v4", Some("http://127.0.0.2:8787/v4")),
            ("http://[::1]:8787", Some("http://[::1]:8787")),
            ("http://localhost:8787/", Some("http://localhost:8787")),
            ("http://api.cloudflare.com/client/v4", None),
            ("http://10.0.0.1", None),
            ("ftp://127.0.0.1", None),
            ("https://user:pw@api.cloudflare.com", None),
            ("https://api.cloudflare.com/?x=1", None),
            ("not a url", None),
            ("https://api.cloudflare.com", None),
            ("https://api.cloudflare.com/", None),
            ("https://API.Cloudflare.com/v4", None),
            ("https://api.cloudflare.com/client/v4/accounts", None),
            ("https://API.cloudflare.com/client/v4", Some("https://api.cloudflare.com/client/v4")),
            ("https://proxy.example/cf/client/v4", Some("https://proxy.example/cf/client/v4")),
            ("https://proxy.example", Some("https://proxy.example")),
            ("api.cloudflare.com/client/v4", None),
            ("localhost:8787/client/v4", None),
        ];
        for (raw, want) in cases {
            assert_eq!(check_base_url(raw).ok().as_deref(), want, "{raw}");
        }
    }

    /// A URL without a scheme is told to add `https://`; `api.cloudflare.com` without
    /// `/client/v4` is told the path.
    #[test]
    fn base_url_errors_say_what_to_do() {
        let cases = [
            (
                "api.cloudflare.com/client/v4",
                "has no scheme: add https:// in front, as in \"https://api.cloudflare.com/client/v4\"",
            ),
            ("localhost:8787/client/v4", "as in \"https://localhost:8787/client/v4\""),
            ("admin:secret@api.cloudflare.com/client/v4?t=secret", "as in \"https://api.cloudflare.com/client/v4\""),
            ("https://api.cloudflare.com", "lacks the API's path: Cloudflare serves it under /client/v4"),
            ("https://api.cloudflare.com/v4/", "lacks the API's path"),
        ];
        for (raw, needle) in cases {
            let err = Client::builder().api_token("tok").base_url(raw).build().unwrap_err();
            assert!(err.to_string().contains(needle), "{raw}: {err}");
            assert!(!err.to_string().contains("secret"), "{raw}: {err}");
        }
    }

    /// A refused base URL is quoted without its userinfo, query or fragment, whether it
    /// was set explicitly or read from `CLOUDFLARE_BASE_URL`, parsed or not.
    #[test]
    fn a_refused_base_url_is_quoted_redacted() {
        let cases = [
            ("https://admin:secret@api.cloudflare.com/client/v4", "\"https://api.cloudflare.com/client/v4\""),
            ("https://api.cloudflare.com/client/v4?api_token=secret", "\"https://api.cloudflare.com/client/v4\""),
            ("https://api.cloudflare.com/client/v4#secret", "\"https://api.cloudflare.com/client/v4\""),
            ("http://admin:secret@10.0.0.1/client/v4?x=secret", "\"http://10.0.0.1/client/v4\""),
            ("https://admin:se/cret@api.cloudflare.com/client/v4", "\"https://api.cloudflare.com/client/v4\""),
            ("https://admin:secret@[::1/client/v4", "\"https://[::1/client/v4\""),
            ("admin:secret@api.cloudflare.com/client/v4", "\"api.cloudflare.com/client/v4\""),
            ("ftp://admin:secret@h?secret", "\"ftp://h\""),
        ];
        for (raw, quoted) in cases {
            let explicit = Client::builder().api_token("tok").base_url(raw).build().unwrap_err();
            let from_env = Client::builder()
                .load_env_with(env(&[("CLOUDFLARE_API_TOKEN", "tok"), ("CLOUDFLARE_BASE_URL", raw)]))
                .build()
                .unwrap_err();
            for (err, env) in [(explicit, false), (from_env, true)] {
                let text = format!("{err} {err:?} {err:#?}");
                assert!(err.is_config(), "{raw}");
                assert!(!text.contains("secret") && !text.contains("admin"), "{raw} quoted: {text}");
                assert!(err.to_string().contains(quoted), "{raw}: {err}");
                assert_eq!(err.to_string().contains("CLOUDFLARE_BASE_URL"), env, "{raw}: {err}");
            }
            let builder = Client::builder().base_url(raw);
            assert!(!format!("{builder:?}").contains("secret"), "{raw}: the builder's Debug");
        }
    }

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    fn auth_headers(client: &Client) -> Vec<String> {
        let mut names: Vec<String> = client
            .inner
            .headers
            .keys()
            .map(|k| k.as_str().to_string())
            .filter(|k| k == "authorization" || k.starts_with("x-auth"))
            .collect();
        names.sort();
        names
    }

    #[test]
    fn env_table() {
        let t = "tok";
        type Vars<'a> = &'a [(&'a str, &'a str)];
        let cases: [(Vars<'_>, Result<Vec<&str>, &str>); 6] = [
            (&[("CLOUDFLARE_API_TOKEN", t)], Ok(vec!["authorization"])),
            (&[("CLOUDFLARE_EMAIL", "a@b.c"), ("CLOUDFLARE_API_KEY", "k")], Ok(vec!["x-auth-email", "x-auth-key"])),
            (
                &[("CLOUDFLARE_API_TOKEN", t), ("CLOUDFLARE_EMAIL", "a@b.c"), ("CLOUDFLARE_API_KEY", "k")],
                Ok(vec!["authorization"]),
            ),
            (&[("CLOUDFLARE_API_TOKEN", "  "), ("CLOUDFLARE_EMAIL", "a@b.c")], Err("CLOUDFLARE_API_KEY")),
            (&[("CLOUDFLARE_API_KEY", "k")], Err("CLOUDFLARE_EMAIL")),
            (&[], Err("no credentials")),
        ];
        for (vars, want) in cases {
            let got = Client::builder().load_env_with(env(vars)).build();
            match (got, want) {
                (Ok(client), Ok(names)) => assert_eq!(auth_headers(&client), names, "{vars:?}"),
                (Err(e), Err(needle)) => {
                    assert!(e.is_config(), "{vars:?}");
                    assert!(e.to_string().contains(needle), "{vars:?}: {e}");
                }
                (got, _) => panic!("{vars:?}: unexpected {got:?}"),
            }
        }
    }

    #[test]
    fn explicit_values_win_over_the_environment() {
        let client = Client::builder()
            .base_url("http://127.0.0.1:1")
            .global_api_key("a@b.c", "k")
            .load_env_with(env(&[("CLOUDFLARE_API_TOKEN", "tok"), ("CLOUDFLARE_BASE_URL", "https://x.example")]))
            .build()
            .unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:1");
        assert_eq!(auth_headers(&client), ["x-auth-email", "x-auth-key"]);
        let client = Client::builder()
            .load_env_with(env(&[("CLOUDFLARE_API_TOKEN", "tok"), ("CLOUDFLARE_BASE_URL", " https://x.example/v4/ ")]))
            .build()
            .unwrap();
        assert_eq!(client.base_url(), "https://x.example/v4");
    }

    /// A token or key that is not visible ASCII is refused at build time, naming the field
    /// and never echoing the value.
    #[test]
    fn credentials_must_be_visible_ascii() {
        let cases: [(&str, Option<&str>); 9] = [
            ("Sn3lZJTBX6kkg7OdcBUAxOO963GEIyGQqnFTOFYY", None),
            ("secret-with\nnewline", Some("a control character at character 12")),
            ("secret-with\rcr", Some("a control character")),
            ("secret\0nul", Some("a control character")),
            ("secret\ttab", Some("a control character")),
            ("secret with-space", Some("whitespace at character 7")),
            (" secret-leading", Some("whitespace")),
            ("secret-é", Some("a non-ASCII character")),
            ("secret\u{a0}nbsp", Some("whitespace")),
        ];
        for (value, want) in cases {
            let token = Client::builder().api_token(value).build();
            let key = Client::builder().global_api_key("a@b.c", value).build();
            for (result, field) in [(token, "API token"), (key, "global API key")] {
                match (result, want) {
                    (Ok(_), None) => {}
                    (Err(e), Some(needle)) => {
                        let text = format!("{e} {e:?}");
                        assert!(e.is_config(), "{value:?}");
                        assert!(text.contains(field) && text.contains(needle), "{value:?}: {e}");
                        assert!(!text.contains("secret"), "{value:?}: the value is echoed: {text}");
                    }
                    (got, _) => panic!("{value:?} as {field}: unexpected {got:?}"),
                }
            }
        }
        let bad_email = Client::builder().global_api_key("admin@example.com\r\n", "key").build().unwrap_err();
        assert!(bad_email.to_string().contains("`email`"), "{bad_email}");
    }

    #[test]
    fn credential_headers_are_sensitive_and_checked() {
        let client = Client::builder().api_token("tok").build().unwrap();
        assert!(client.inner.headers["authorization"].is_sensitive());
        let bad = Client::builder().api_token("to\nk").build().unwrap_err();
        assert!(bad.is_config());
        assert!(!bad.to_string().contains("to\nk"));
        assert!(Client::builder().api_token("").build().unwrap_err().is_config());
    }

    #[test]
    fn api_version_header() {
        let date = chrono::NaiveDate::from_ymd_opt(2025, 1, 31).unwrap();
        let client = Client::builder().api_token("tok").api_version(date).build().unwrap();
        assert_eq!(client.inner.headers["api-version"], "2025-01-31");
        let client = Client::builder().api_token("tok").build().unwrap();
        assert!(!client.inner.headers.contains_key("api-version"));
    }
}
