use std::fmt;

use cfzt_models::{ResponseInfo, ValidationError};
use cfzt_transport::TransportError;
use http::{HeaderMap, StatusCode};

mod pagination;

pub use pagination::{PaginationError, PaginationReason};

/// Everything that can go wrong with a call, as one enum to match on.
///
/// Prefer the predicates ([`Error::is_not_found`], [`Error::is_retryable`], ...) and
/// accessors ([`Error::status`], [`Error::cf_ray`], ...) to matching on numbers. `Display`
/// leads with what Cloudflare said; no variant ever holds a credential.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A value the caller supplied was refused before anything was sent.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// The API answered with a failure: a non-2xx status, or `success: false`.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// No complete response arrived.
    #[error(transparent)]
    Transport(Box<NoResponseError>),
    /// A 2xx response whose body is not what the API documents.
    #[error(transparent)]
    Decode(Box<DecodeError>),
    /// A list walk was stopped by one of its guards: a repeated page, its deadline, its
    /// page ceiling.
    #[error(transparent)]
    Pagination(PaginationError),
    /// The client is not configured correctly (credentials, base URL, transport).
    #[error(transparent)]
    Config(ConfigError),
}

impl Error {
    /// The HTTP status of the response, when one arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(e) => Some(e.status),
            Self::Decode(e) => Some(e.status),
            _ => None,
        }
    }

    /// The API failure, when the API answered with one.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Self::Api(e) => Some(e),
            _ => None,
        }
    }

    /// Cloudflare's `errors[]`, empty unless the API answered with a failure envelope.
    pub fn api_errors(&self) -> &[ResponseInfo] {
        self.as_api().map_or(&[], |e| &e.errors)
    }

    /// The `cf-ray` id of the response, to quote to Cloudflare support.
    pub fn cf_ray(&self) -> Option<&str> {
        match self {
            Self::Api(e) => e.cf_ray.as_deref(),
            Self::Decode(e) => e.cf_ray.as_deref(),
            _ => None,
        }
    }

    /// How long to wait before trying again, if anything says.
    ///
    /// When the client's [request budget](crate::Pacing) would have held a retry, or the
    /// call, past its deadline, the wait it would have taken (the budget's pause, at most
    /// [`MAX_PAUSE`](cfzt_transport::MAX_PAUSE)): see [`ApiError::pacing_wait`] and
    /// [`TransportError::Pacing`]. Otherwise the wait the server asked for (`Retry-After`);
    /// when that is longer than the retry policy's cap, the call fails at once with it set.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            Self::Transport(t) => t.source.pacing_wait(),
            _ => self.as_api().and_then(|e| e.pacing_wait.or(e.retry_after)),
        }
    }

    /// What the failed response said about the rate limit (`Ratelimit`,
    /// `Ratelimit-Policy`), when the API answered.
    pub fn rate_limit(&self) -> Option<cfzt_transport::RateLimitStatus> {
        self.as_api().and_then(|e| cfzt_transport::RateLimitStatus::from_headers(&e.headers))
    }

    /// How many attempts the call made, when it was sent (more than 1 when it was retried).
    pub fn attempts(&self) -> Option<u32> {
        match self {
            Self::Api(e) => Some(e.attempts),
            Self::Transport(t) => Some(t.attempts),
            _ => None,
        }
    }

    /// `true` if nothing was sent because a value was refused.
    pub fn is_validation(&self) -> bool {
        matches!(self, Self::Validation(_))
    }

    /// `true` for HTTP 401 or 403: missing, wrong or insufficient credentials.
    pub fn is_auth(&self) -> bool {
        matches!(self.status(), Some(StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN))
    }

    /// `true` for HTTP 404: the account, user or session does not exist.
    pub fn is_not_found(&self) -> bool {
        self.as_api().is_some_and(|e| e.status == StatusCode::NOT_FOUND)
    }

    /// `true` for HTTP 409, e.g. a user with that email already exists.
    pub fn is_conflict(&self) -> bool {
        self.as_api().is_some_and(|e| e.status == StatusCode::CONFLICT)
    }

    /// `true` for HTTP 429 (the rate limit was hit), and for a call the request budget did
    /// not send because its wait would have passed the deadline.
    pub fn is_rate_limited(&self) -> bool {
        match self {
            Self::Transport(t) => t.source.is_pacing(),
            _ => self.as_api().is_some_and(|e| e.status == StatusCode::TOO_MANY_REQUESTS),
        }
    }

    /// `true` if the same call may succeed later: a response the retry layer would retry
    /// ([`RetryVerdict`](cfzt_transport::RetryVerdict): HTTP 408, 409, 429 and 5xx, with
    /// `x-should-retry: true|false` overriding the status), and transport failures such as
    /// connect errors, timeouts and resets.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api(e) => cfzt_transport::RetryVerdict::of(e.status, &e.headers).is_retryable(),
            Self::Transport(t) => t.source.is_transient(),
            _ => false,
        }
    }

    /// `true` if no complete response arrived.
    pub fn is_transport(&self) -> bool {
        matches!(self, Self::Transport(_))
    }

    /// `true` if a 2xx response could not be decoded.
    pub fn is_decode(&self) -> bool {
        matches!(self, Self::Decode(_))
    }

    /// `true` if a list walk was stopped by one of its guards (see [`PaginationReason`]).
    pub fn is_pagination(&self) -> bool {
        matches!(self, Self::Pagination(_))
    }

    /// `true` for a configuration error.
    pub fn is_config(&self) -> bool {
        matches!(self, Self::Config(_))
    }
}

/// The API answered with a failure.
///
/// Whatever the server sent back is masked before the error is made: the client's own
/// token and API key are replaced by `[REDACTED]` where they stand whole, and from 12
/// characters on wherever they appear (see `docs/reliability.md`, *Secrets*), in the body
/// excerpt, `errors[]`, `messages[]`, `cf_ray` and header values; the values of credential
/// headers (`authorization`, `x-auth-key`, `x-auth-email`, `cookie`, `set-cookie`, ...) are
/// replaced by a sensitive `[REDACTED]`, so neither `Display` nor `Debug` can show a
/// credential.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The operation, e.g. `update_user`.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: StatusCode,
    /// Cloudflare's `errors[]`, possibly empty (an HTML page from the edge has none).
    pub errors: Vec<ResponseInfo>,
    /// Cloudflare's `messages[]`.
    pub messages: Vec<ResponseInfo>,
    /// The response's `cf-ray` header.
    pub cf_ray: Option<String>,
    /// The wait the server asked for (`retry-after-ms` or `Retry-After`), e.g. on a 429.
    pub retry_after: Option<std::time::Duration>,
    /// Set when the call returned this answer instead of retrying it because the client's
    /// request budget would have held the retry past the call's deadline: how long it
    /// would have waited (see [`PacingRefusal`](cfzt_transport::PacingRefusal)).
    pub pacing_wait: Option<std::time::Duration>,
    /// The start of the body, when it was not a Cloudflare envelope (e.g. an HTML page).
    pub body_excerpt: Option<String>,
    /// The response headers.
    pub headers: HeaderMap,
    /// How many attempts the call made (more than 1 when retries were spent).
    pub attempts: u32,
}

impl ApiError {
    /// The first error's code, if any.
    pub fn code(&self) -> Option<i64> {
        self.errors.first().map(|e| e.code)
    }

    /// `true` if any of Cloudflare's errors has this code.
    pub fn has_code(&self, code: i64) -> bool {
        self.errors.iter().any(|e| e.code == code)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.errors.is_empty() {
            write!(f, "{} failed with HTTP {}", self.operation, self.status)?;
            if self.attempts > 1 {
                write!(f, " after {} attempts", self.attempts)?;
            }
            if let Some(excerpt) = &self.body_excerpt {
                write!(f, ": {excerpt:?}")?;
            }
        } else {
            for (i, e) in self.errors.iter().enumerate() {
                if i > 0 {
                    f.write_str("; ")?;
                }
                write!(f, "{} (code {})", e.message, e.code)?;
            }
            write!(f, " [{} HTTP {}", self.operation, self.status.as_u16())?;
            if self.attempts > 1 {
                write!(f, " after {} attempts", self.attempts)?;
            }
            f.write_str("]")?;
        }
        if let Some(ray) = &self.cf_ray {
            write!(f, " (cf-ray {ray})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// No complete response arrived for an operation.
///
/// `Display` names what happened without repeating the source's text, e.g.
/// `list_users got no complete response after 3 attempts: connection refused`; the
/// transport's error ([`source`](Self::source), and its own sources) has the details. A
/// failure retrying cannot heal, such as a TLS handshake against a plain-HTTP port, is
/// tried once.
///
/// Also what a call polled outside a tokio runtime gets when its retry policy needs a
/// timer: then `attempts` is 0 and the source is
/// [`TransportError::NoRuntime`] (see [`ClientBuilder::transport`](crate::ClientBuilder::transport)).
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
#[error("{operation} {}: {}", outcome(*attempts), source.summary())]
pub struct NoResponseError {
    /// The operation, e.g. `update_user`.
    pub operation: &'static str,
    /// How many attempts the call made (0 when nothing was sent).
    pub attempts: u32,
    /// What the transport reported.
    #[source]
    pub source: TransportError,
}

/// The published name of [`NoResponseError`], which read as a second name for the
/// [`TransportError`] it wraps.
#[deprecated(note = "renamed to `NoResponseError`")]
pub type TransportFailure = NoResponseError;

fn outcome(attempts: u32) -> String {
    match attempts {
        0 => "was not sent".to_string(),
        1 => "got no complete response".to_string(),
        n => format!("got no complete response after {n} attempts"),
    }
}

/// A 2xx response whose body is not what the API documents.
///
/// Masked as [`ApiError`] is: the client's token and API key never appear in any field.
#[non_exhaustive]
#[derive(Debug, Clone, thiserror::Error)]
#[error("could not decode the {operation} response (HTTP {}) at `{path}`: {reason}", status.as_u16())]
pub struct DecodeError {
    /// The operation, e.g. `update_user`.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: StatusCode,
    /// The JSON path that failed, e.g. `result.created_at` (`.` for the whole body).
    pub path: String,
    /// What was wrong.
    pub reason: String,
    /// The start of the body.
    pub body_excerpt: String,
    /// The response's `cf-ray` header.
    pub cf_ray: Option<String>,
}

/// The client is not configured correctly.
#[non_exhaustive]
#[derive(Debug, Clone, thiserror::Error)]
#[error("configuration error: {message}")]
pub struct ConfigError {
    /// What is wrong and how to fix it.
    pub message: String,
    /// Which setting is wrong, so that a program (a CLI) can name its own flag for it.
    pub setting: ConfigSetting,
}

impl ConfigError {
    pub(crate) fn new(setting: ConfigSetting, message: impl Into<String>) -> Self {
        Self { message: message.into(), setting }
    }

    /// A configuration error about the credentials.
    pub(crate) fn credentials(message: impl Into<String>) -> Self {
        Self::new(ConfigSetting::Credentials, message)
    }
}

/// The setting a [`ConfigError`] is about.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigSetting {
    /// The credentials: `CLOUDFLARE_API_TOKEN`, `CLOUDFLARE_EMAIL` and `CLOUDFLARE_API_KEY`,
    /// or [`ClientBuilder::api_token`](crate::ClientBuilder::api_token) and its kin.
    Credentials,
    /// The base URL: `CLOUDFLARE_BASE_URL` or
    /// [`ClientBuilder::base_url`](crate::ClientBuilder::base_url).
    BaseUrl,
    /// The shared budget's store: `CFZT_BUDGET_URL` or
    /// [`Pacing::Redis`](crate::Pacing::Redis).
    BudgetStore,
    /// The `api-version` header.
    ApiVersion,
    /// The HTTP transport (none given and none can be built).
    Transport,
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Self::Config(e)
    }
}

/// The error for a failed response: Cloudflare's `errors[]` and `messages[]` (already read
/// from the body), `cf-ray` and `Retry-After` from the headers.
pub(crate) fn api_error(
    operation: &'static str,
    status: StatusCode,
    headers: HeaderMap,
    attempts: u32,
    errors: Vec<ResponseInfo>,
    messages: Vec<ResponseInfo>,
    body_excerpt: Option<String>,
) -> Error {
    Error::Api(Box::new(ApiError {
        operation,
        status,
        errors,
        messages,
        cf_ray: headers.get("cf-ray").and_then(|v| v.to_str().ok()).map(str::to_string),
        retry_after: cfzt_transport::retry_after(&headers, std::time::SystemTime::now()),
        pacing_wait: None,
        body_excerpt,
        headers,
        attempts,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, should_retry: Option<&'static str>) -> Error {
        let mut headers = HeaderMap::new();
        if let Some(value) = should_retry {
            headers.insert("x-should-retry", http::HeaderValue::from_static(value));
        }
        Error::Api(Box::new(ApiError {
            operation: "get_user",
            status: StatusCode::from_u16(status).unwrap(),
            errors: Vec::new(),
            messages: Vec::new(),
            cf_ray: None,
            retry_after: None,
            pacing_wait: None,
            body_excerpt: None,
            headers,
            attempts: 1,
        }))
    }

    #[test]
    fn is_retryable_reads_x_should_retry_as_the_retry_layer_does() {
        let cases = [
            (503, None, true),
            (503, Some("false"), false),
            (429, Some("false"), false),
            (400, None, false),
            (400, Some("true"), true),
            (409, None, true),
            (200, Some("true"), false),
        ];
        for (status, header, want) in cases {
            assert_eq!(api(status, header).is_retryable(), want, "{status} {header:?}");
        }
    }
}
