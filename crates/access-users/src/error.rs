use std::borrow::Cow;
use std::fmt;

use cfzt_models::{ResponseInfo, ValidationError};
use cfzt_transport::TransportError;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use secrecy::{ExposeSecret, SecretString};

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
    Transport(Box<TransportFailure>),
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

    /// The wait the server asked for before trying again (`Retry-After`), if any. When it
    /// is longer than the retry policy's cap, the call fails at once with this set.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        self.as_api().and_then(|e| e.retry_after)
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

    /// `true` for HTTP 429: the rate limit was hit.
    pub fn is_rate_limited(&self) -> bool {
        self.as_api().is_some_and(|e| e.status == StatusCode::TOO_MANY_REQUESTS)
    }

    /// `true` if the same call may succeed later: HTTP 408, 409, 429 and 5xx, and transport
    /// failures such as connect errors, timeouts and resets.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api(e) => cfzt_transport::is_retryable_status(e.status),
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
/// token and API key are replaced by `[REDACTED]` wherever they appear (body excerpt,
/// `errors[]`, `messages[]`, `cf_ray`, header values), and the values of credential headers
/// (`authorization`, `x-auth-key`, `x-auth-email`, `cookie`, `set-cookie`, ...) are replaced
/// by a sensitive `[REDACTED]`, so neither `Display` nor `Debug` can show a credential.
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
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
#[error("{operation} got no complete response{}", attempts_suffix(*attempts))]
pub struct TransportFailure {
    /// The operation, e.g. `update_user`.
    pub operation: &'static str,
    /// How many attempts the call made.
    pub attempts: u32,
    /// What the transport reported.
    #[source]
    pub source: TransportError,
}

fn attempts_suffix(attempts: u32) -> String {
    if attempts > 1 { format!(" after {attempts} attempts") } else { String::new() }
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

/// A list walk was stopped by one of its guards before the list ended.
///
/// [`reason`](PaginationError::reason) says which guard; the caps set with
/// [`ListUsers::max_items`](crate::ListUsers::max_items) and
/// [`max_pages`](crate::ListUsers::max_pages) end a walk quietly and never make this error.
#[non_exhaustive]
#[derive(Debug, Clone, thiserror::Error)]
#[error("list_users stopped at page {page} after {pages} pages: {reason}")]
pub struct PaginationError {
    /// Which guard stopped the walk.
    pub reason: PaginationReason,
    /// The page the walk stopped at: the page that repeated, or the one it would have
    /// fetched next.
    pub page: u64,
    /// How many pages the walk yielded before it stopped.
    pub pages: u64,
}

impl PaginationError {
    /// Which guard stopped the walk.
    pub fn reason(&self) -> &PaginationReason {
        &self.reason
    }
}

/// Which guard stopped a list walk ([`PaginationError::reason`]).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaginationReason {
    /// The server answered `page` with the same users as the earlier page `repeats`: it
    /// ignores `page`, or cycles through pages.
    RepeatedPage {
        /// The page that repeated an earlier one.
        page: u64,
        /// The earlier page it repeated.
        repeats: u64,
    },
    /// The walk's deadline ([`ListUsers::walk_deadline`](crate::ListUsers::walk_deadline))
    /// passed.
    Deadline {
        /// The deadline that was set.
        deadline: std::time::Duration,
    },
    /// The walk fetched [`MAX_WALK_PAGES`](crate::MAX_WALK_PAGES) pages, the most its
    /// repeat guard remembers.
    PageCeiling {
        /// The ceiling.
        limit: u64,
    },
}

impl fmt::Display for PaginationReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::RepeatedPage { page, repeats } => {
                write!(f, "page {page} repeats page {repeats} (the server ignores `page`?)")
            }
            Self::Deadline { deadline } => write!(f, "the walk's deadline of {deadline:?} passed"),
            Self::PageCeiling { limit } => {
                write!(f, "the walk reached its ceiling of {limit} pages; set a larger per_page")
            }
        }
    }
}

/// The client is not configured correctly.
#[non_exhaustive]
#[derive(Debug, Clone, thiserror::Error)]
#[error("configuration error: {message}")]
pub struct ConfigError {
    /// What is wrong and how to fix it.
    pub message: String,
}

impl ConfigError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self { message: message.into() }
    }
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
        body_excerpt,
        headers,
        attempts,
    }))
}

/// What stands in for a masked value.
const REDACTED: &str = "[REDACTED]";

/// Response headers whose values are credentials whatever they hold: masked whole.
const CREDENTIAL_HEADERS: [&str; 7] = [
    "authorization",
    "proxy-authorization",
    "x-auth-key",
    "x-auth-email",
    "x-auth-user-service-key",
    "cookie",
    "set-cookie",
];

/// Masks the client's own secrets in what a server sends back, before it becomes an error.
///
/// Built once per client from its credentials; applied to every [`ApiError`] and
/// [`DecodeError`] the client makes. It finds a secret by exact match only: a server that
/// sends back a transformed secret (encoded, split, truncated) is not caught, which is why
/// credential headers are masked whole whatever they hold.
#[derive(Clone, Default)]
pub(crate) struct Redactor {
    /// The secrets, longest first so that a secret holding another is masked whole.
    secrets: Vec<SecretString>,
}

impl Redactor {
    /// A redactor for these secrets; empty ones are ignored.
    pub(crate) fn new<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Self {
        let mut secrets: Vec<&str> = secrets.into_iter().filter(|s| !s.is_empty()).collect();
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Self { secrets: secrets.into_iter().map(SecretString::from).collect() }
    }

    /// `text` with every secret replaced by `[REDACTED]`.
    pub(crate) fn text<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut out = Cow::Borrowed(text);
        for secret in &self.secrets {
            let secret = secret.expose_secret();
            if out.contains(secret) {
                out = Cow::Owned(out.replace(secret, REDACTED));
            }
        }
        out
    }

    fn string(&self, text: &mut String) {
        if let Cow::Owned(masked) = self.text(text) {
            *text = masked;
        }
    }

    fn json(&self, value: &mut serde_json::Value) {
        match value {
            serde_json::Value::String(s) => self.string(s),
            serde_json::Value::Array(items) => items.iter_mut().for_each(|v| self.json(v)),
            serde_json::Value::Object(map) => self.map(map),
            _ => {}
        }
    }

    fn map(&self, map: &mut serde_json::Map<String, serde_json::Value>) {
        if map.keys().any(|k| matches!(self.text(k), Cow::Owned(_))) {
            *map = std::mem::take(map).into_iter().map(|(k, v)| (self.text(&k).into_owned(), v)).collect();
        }
        map.values_mut().for_each(|v| self.json(v));
    }

    fn infos(&self, infos: &mut [ResponseInfo]) {
        for info in infos {
            self.string(&mut info.message);
            if let Some(url) = &mut info.documentation_url {
                self.string(url);
            }
            if let Some(pointer) = info.source.as_mut().and_then(|s| s.pointer.as_mut()) {
                self.string(pointer);
            }
            self.map(&mut info.extra);
        }
    }

    /// The headers with credential headers masked whole and secrets masked in the others.
    fn headers(&self, headers: &HeaderMap) -> HeaderMap {
        let masked = || {
            let mut v = HeaderValue::from_static(REDACTED);
            v.set_sensitive(true);
            v
        };
        let mut out = HeaderMap::with_capacity(headers.len());
        for (name, value) in headers {
            let value = if is_credential_header(name) {
                masked()
            } else {
                match self.text(&String::from_utf8_lossy(value.as_bytes())) {
                    Cow::Borrowed(_) => value.clone(),
                    Cow::Owned(text) => HeaderValue::from_str(&text).unwrap_or_else(|_| masked()),
                }
            };
            out.append(name.clone(), value);
        }
        out
    }
}

fn is_credential_header(name: &HeaderName) -> bool {
    CREDENTIAL_HEADERS.contains(&name.as_str())
}

impl ApiError {
    /// The same error with every secret of `redactor` and every credential header masked.
    pub(crate) fn redact(mut self, redactor: &Redactor) -> Self {
        redactor.infos(&mut self.errors);
        redactor.infos(&mut self.messages);
        if let Some(ray) = &mut self.cf_ray {
            redactor.string(ray);
        }
        if let Some(excerpt) = &mut self.body_excerpt {
            redactor.string(excerpt);
        }
        self.headers = redactor.headers(&self.headers);
        self
    }
}

impl DecodeError {
    /// The same error with every secret of `redactor` masked.
    pub(crate) fn redact(mut self, redactor: &Redactor) -> Self {
        for text in [&mut self.path, &mut self.reason, &mut self.body_excerpt] {
            redactor.string(text);
        }
        if let Some(ray) = &mut self.cf_ray {
            redactor.string(ray);
        }
        self
    }
}

impl Error {
    /// The same error with what the server sent back masked (see [`Redactor`]).
    pub(crate) fn redact(self, redactor: &Redactor) -> Self {
        match self {
            Self::Api(e) => Self::Api(Box::new(e.redact(redactor))),
            Self::Decode(e) => Self::Decode(Box::new(e.redact(redactor))),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "tok-SECRET-1234";
    const KEY: &str = "key-SECRET-5678";

    fn redactor() -> Redactor {
        Redactor::new([TOKEN, KEY, ""])
    }

    #[test]
    fn text_table() {
        let cases = [
            ("nothing to hide", "nothing to hide"),
            ("Bearer tok-SECRET-1234", "Bearer [REDACTED]"),
            ("tok-SECRET-1234tok-SECRET-1234 and key-SECRET-5678", "[REDACTED][REDACTED] and [REDACTED]"),
            ("tok-SECRET-123", "tok-SECRET-123"),
            ("", ""),
        ];
        for (text, want) in cases {
            assert_eq!(redactor().text(text), want, "{text:?}");
        }
        assert_eq!(Redactor::default().text(TOKEN), TOKEN);
    }

    #[test]
    fn api_error_masks_every_field_a_server_fills() {
        let mut headers = HeaderMap::new();
        for name in CREDENTIAL_HEADERS {
            headers.append(name, HeaderValue::from_static("anything at all"));
        }
        headers.append("set-cookie", HeaderValue::from_static("second=1"));
        headers.append("www-authenticate", HeaderValue::from_str(&format!("Bearer realm={TOKEN}")).unwrap());
        headers.append("x-echo", HeaderValue::from_str(KEY).unwrap());
        headers.append("content-type", HeaderValue::from_static("text/html"));
        let mut info = ResponseInfo::new(6111, format!("Invalid format for Authorization header: Bearer {TOKEN}"));
        info.documentation_url = Some(format!("https://x/?t={TOKEN}"));
        info.source = Some(serde_json::from_value(serde_json::json!({ "pointer": format!("/{KEY}") })).unwrap());
        info.extra.insert(
            "error_chain".into(),
            serde_json::json!([{ "message": KEY, TOKEN: [1, { "deep": format!("x{TOKEN}x") }] }]),
        );
        let err = ApiError {
            operation: "get_user",
            status: StatusCode::BAD_REQUEST,
            errors: vec![info.clone()],
            messages: vec![info],
            cf_ray: Some(TOKEN.into()),
            retry_after: None,
            body_excerpt: Some(format!("<html>{TOKEN} {KEY}</html>")),
            headers,
            attempts: 1,
        }
        .redact(&redactor());
        for text in [err.to_string(), format!("{err:?}"), format!("{err:#?}"), format!("{:?}", err.headers)] {
            assert!(!text.contains(TOKEN) && !text.contains(KEY), "{text}");
            assert!(!text.contains("anything at all"), "a credential header's value: {text}");
        }
        for name in CREDENTIAL_HEADERS {
            assert!(err.headers.get_all(name).iter().all(|v| v == REDACTED && v.is_sensitive()), "{name}");
        }
        assert_eq!(err.headers.get_all("set-cookie").iter().count(), 2, "every value is kept, masked");
        assert_eq!(err.headers["www-authenticate"], "Bearer realm=[REDACTED]");
        assert_eq!(err.headers["content-type"], "text/html");
        assert!(err.to_string().starts_with("Invalid format for Authorization header: Bearer [REDACTED] (code 6111)"));
    }

    #[test]
    fn decode_error_masks_every_field_a_server_fills() {
        let err = Error::Decode(Box::new(DecodeError {
            operation: "get_user",
            status: StatusCode::OK,
            path: format!("result.{TOKEN}"),
            reason: format!("invalid type: string \"{KEY}\", expected u64"),
            body_excerpt: format!("{{\"result\":{{\"{TOKEN}\":\"{KEY}\"}}}}"),
            cf_ray: Some(KEY.into()),
        }))
        .redact(&redactor());
        for text in [err.to_string(), format!("{err:?}"), format!("{err:#?}")] {
            assert!(!text.contains(TOKEN) && !text.contains(KEY), "{text}");
        }
        assert!(err.to_string().contains("at `result.[REDACTED]`"), "{err}");
    }
}
