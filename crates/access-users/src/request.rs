//! The one request path every operation goes through: build, send, decode.

use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;

use bytes::Bytes;
use cfzt_models::{Envelope, ResponseInfo, ResultInfo};
use cfzt_transport::RequestOptions;
use futures_util::FutureExt as _;
use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde::de::DeserializeOwned;
use serde::{Deserialize as _, Serialize};
use tracing::Instrument;

use crate::Client;
use crate::error::{ApiError, DecodeError, Error, TransportFailure};

/// What an operation is, as data: the rest of the request path is shared.
#[derive(Debug)]
pub(crate) struct Endpoint {
    /// The operation's name in errors and traces, e.g. `update_user`.
    pub(crate) name: &'static str,
    pub(crate) method: Method,
    /// The path template, for traces (never the values).
    pub(crate) template: &'static str,
    /// Whether a `null` or absent `result` means an empty/default value (lists, delete)
    /// rather than a broken response.
    pub(crate) null_result_is_default: bool,
}

/// Characters escaped in a path segment: everything but RFC 3986 unreserved characters.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\\')
    .add(b'^')
    .add(b'|')
    .add(b'[')
    .add(b']')
    .add(b'@')
    .add(b':')
    .add(b';')
    .add(b'=')
    .add(b'&')
    .add(b'+')
    .add(b'$')
    .add(b',')
    .add(b'!')
    .add(b'\'')
    .add(b'(')
    .add(b')')
    .add(b'*');

/// The bytes a path segment carries as they are: RFC 3986's unreserved characters (the
/// complement of [`SEGMENT`] within ASCII), as a table so the check is one load per byte.
const UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b: u8 = 0;
    while b < 128 {
        table[b as usize] = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
        b += 1;
    }
    table
};

/// One prepared call: the endpoint, its URI (base URL, path and query, already encoded) and
/// its body.
#[derive(Debug)]
pub(crate) struct Call {
    pub(crate) endpoint: &'static Endpoint,
    pub(crate) uri: String,
    pub(crate) body: Option<Bytes>,
    pub(crate) options: RequestOptions,
}

impl Call {
    /// A call to `endpoint` at `base` followed by the path made of `segments`, each
    /// percent-encoded. The URI is built in one string, which becomes the request's URI.
    pub(crate) fn new<'a>(
        endpoint: &'static Endpoint,
        base: &str,
        segments: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let mut uri = String::with_capacity(base.len() + 96);
        uri.push_str(base);
        for segment in segments {
            uri.push('/');
            // Ids and the API's path words are unreserved characters already (the id types
            // check it); a cheap test for that skips the encoder's byte-by-byte walk.
            if segment.bytes().all(|b| UNRESERVED[usize::from(b)]) {
                uri.push_str(segment);
            } else {
                uri.extend(utf8_percent_encode(segment, SEGMENT));
            }
        }
        Self { endpoint, uri, body: None, options: RequestOptions::default() }
    }

    /// Adds a query string built from `pairs`, form-encoded.
    pub(crate) fn query<'a>(mut self, pairs: impl IntoIterator<Item = (&'a str, String)>) -> Self {
        let mut pairs = pairs.into_iter().peekable();
        if pairs.peek().is_some() {
            self.uri.push('?');
            let start = self.uri.len();
            let mut query = url::form_urlencoded::Serializer::for_suffix(std::mem::take(&mut self.uri), start);
            query.extend_pairs(pairs);
            self.uri = query.finish();
        }
        self
    }

    /// Adds a JSON body.
    pub(crate) fn json(mut self, body: &impl Serialize) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| cfzt_models::ValidationError::new("body", format!("cannot be serialized: {e}")))?;
        self.body = Some(Bytes::from(bytes));
        Ok(self)
    }
}

/// A decoded result together with the HTTP response it came from.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct ApiResponse<T> {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers (`cf-ray`, `ratelimit`, ...).
    pub headers: HeaderMap,
    /// The decoded `result`.
    pub result: T,
    /// The page information of list operations.
    pub result_info: Option<ResultInfo>,
    /// Cloudflare's informational `messages[]`.
    pub messages: Vec<ResponseInfo>,
}

impl<T> ApiResponse<T> {
    /// The `cf-ray` id of the response, to quote to Cloudflare support.
    pub fn cf_ray(&self) -> Option<&str> {
        header_str(&self.headers, "cf-ray")
    }

    /// The decoded result, dropping the rest.
    pub fn into_result(self) -> T {
        self.result
    }
}

fn header_str<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

impl Client {
    /// Builds, sends and decodes one call: the path shared by all operations.
    ///
    /// Not an `async fn`: its argument would be held twice in the future (as the argument
    /// and as the block's capture), and every call's future is boxed by `IntoFuture`.
    pub(crate) fn execute<T>(&self, call: Call) -> impl Future<Output = Result<ApiResponse<T>, Error>> + Send + '_
    where
        T: DeserializeOwned + Default + Send,
    {
        let endpoint = call.endpoint;
        let span = tracing::debug_span!(
            "cfzt.call",
            operation = endpoint.name,
            method = %endpoint.method,
            path = endpoint.template,
            status = tracing::field::Empty,
            cf_ray = tracing::field::Empty,
        );
        let call_span = span.clone();
        async move {
            let request = self.build_request(call)?;
            let (response, attempts) = self.inner.transport.send_counted(request).await;
            let response = response.map_err(|source| {
                tracing::debug!(error = %source, attempts, "transport failed");
                Error::Transport(Box::new(TransportFailure { operation: endpoint.name, attempts, source }))
            })?;
            call_span.record("status", response.status().as_u16());
            // Looking the header up costs more than recording into a span nobody listens to.
            if !call_span.is_disabled()
                && let Some(ray) = header_str(response.headers(), "cf-ray")
            {
                call_span.record("cf_ray", &*self.inner.redactor.text(ray));
            }
            decode(endpoint, response, attempts).map_err(|e| e.redact(&self.inner.redactor))
        }
        .instrument(span)
    }

    pub(crate) fn build_request(&self, call: Call) -> Result<cfzt_transport::Request, Error> {
        let inner = &self.inner;
        let mut request = http::Request::new(call.body.unwrap_or_default());
        *request.method_mut() = call.endpoint.method.clone();
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

/// Turns a response into the operation's result or a typed error; `attempts` is how many
/// attempts the call took, for the error.
pub(crate) fn decode<T>(
    endpoint: &'static Endpoint,
    response: cfzt_transport::Response,
    attempts: u32,
) -> Result<ApiResponse<T>, Error>
where
    T: DeserializeOwned + Default,
{
    let (parts, body) = response.into_parts();
    let status = parts.status;
    if !status.is_success() {
        return Err(api_error(endpoint, status, parts.headers, &body, attempts, Vec::new(), Vec::new()));
    }
    let decode_error = |path: &str, reason: String| {
        Error::Decode(Box::new(DecodeError {
            operation: endpoint.name,
            status,
            path: path.to_string(),
            reason,
            body_excerpt: excerpt(&body),
            cf_ray: header_str(&parts.headers, "cf-ray").map(str::to_string),
        }))
    };
    if let Some(ct) = parts.headers.get(CONTENT_TYPE)
        && !is_json(ct)
    {
        let ct = String::from_utf8_lossy(ct.as_bytes()).into_owned();
        return Err(decode_error(".", format!("expected a JSON body, got content type {ct:?}")));
    }
    let envelope: Envelope<T> = parse_envelope(&body).map_err(|(path, reason)| decode_error(&path, reason))?;
    if envelope.success == Some(false) {
        return Err(api_error(endpoint, status, parts.headers, &body, attempts, envelope.errors, envelope.messages));
    }
    let result = match envelope.result {
        Some(result) => result,
        None if endpoint.null_result_is_default => T::default(),
        None => return Err(decode_error("result", "the response has no result".into())),
    };
    Ok(ApiResponse {
        status,
        headers: parts.headers,
        result,
        result_info: envelope.result_info,
        messages: envelope.messages,
    })
}

/// Reads the envelope from a whole body, or says where (the JSON path, `.` for the body as
/// a whole) and why it could not be read.
///
/// Tracking the path costs an allocation per object key, so the body is first read without
/// it; only when that fails is it read again with `serde_path_to_error`, which reports the
/// same error with the path to it.
fn parse_envelope<T: DeserializeOwned>(body: &[u8]) -> Result<Envelope<T>, (String, String)> {
    let end = |mut de: serde_json::Deserializer<_>| de.end().map_err(|e| (".".to_string(), e.to_string()));
    let mut de = serde_json::Deserializer::from_slice(body);
    if let Ok(envelope) = Envelope::<T>::deserialize(&mut de) {
        end(de)?;
        return Ok(envelope);
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let envelope = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        (path, e.into_inner().to_string())
    })?;
    end(de)?;
    Ok(envelope)
}

fn is_json(content_type: &HeaderValue) -> bool {
    // The usual form, compared at once; any other takes the general rule below.
    if content_type.as_bytes().eq_ignore_ascii_case(b"application/json") {
        return true;
    }
    // `to_str` accepts visible ASCII only, so byte offsets are character offsets.
    let essence = content_type.to_str().unwrap_or("").split(';').next().unwrap_or("").trim();
    let suffix = essence.len().checked_sub(5).map_or("", |start| &essence[start..]);
    essence.eq_ignore_ascii_case("application/json") || suffix.eq_ignore_ascii_case("+json")
}

/// Builds the API error for a failed response, reading Cloudflare's `errors[]` leniently.
fn api_error(
    endpoint: &'static Endpoint,
    status: StatusCode,
    headers: HeaderMap,
    body: &Bytes,
    attempts: u32,
    mut errors: Vec<ResponseInfo>,
    mut messages: Vec<ResponseInfo>,
) -> Error {
    if errors.is_empty() {
        (errors, messages) = lenient_errors(body).unwrap_or_default();
    }
    let body_excerpt = errors.is_empty().then(|| excerpt(body)).filter(|e| !e.is_empty());
    Error::Api(Box::new(ApiError {
        operation: endpoint.name,
        status,
        errors,
        messages,
        cf_ray: header_str(&headers, "cf-ray").map(str::to_string),
        retry_after: cfzt_transport::retry_after(&headers, std::time::SystemTime::now()),
        body_excerpt,
        headers,
        attempts,
    }))
}

/// Reads `errors[]` from a failure body: the v4 envelope, or a flat `{"code", "error"}`.
fn lenient_errors(body: &[u8]) -> Option<(Vec<ResponseInfo>, Vec<ResponseInfo>)> {
    #[derive(serde::Deserialize)]
    struct Flat {
        code: Option<i64>,
        error: Option<String>,
        message: Option<String>,
    }
    if let Ok(env) = serde_json::from_slice::<Envelope<serde::de::IgnoredAny>>(body)
        && !env.errors.is_empty()
    {
        return Some((env.errors, env.messages));
    }
    let flat: Flat = serde_json::from_slice(body).ok()?;
    let message = flat.error.or(flat.message)?;
    Some((vec![ResponseInfo::new(flat.code.unwrap_or_default(), message)], Vec::new()))
}

/// The start of a body, on one line, for error messages: at most 200 characters.
fn excerpt(body: &[u8]) -> String {
    const MAX: usize = 200;
    let text = String::from_utf8_lossy(&body[..body.len().min(MAX * 4)]);
    let mut out = String::new();
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
        if out.chars().count() >= MAX {
            break;
        }
    }
    match out.char_indices().nth(MAX) {
        Some((i, _)) => {
            out.truncate(i);
            out.push('…');
            out
        }
        None => out,
    }
}

/// A prepared request: `.await` it for the result, or call
/// [`send_with_response`](ApiRequest::send_with_response) for the HTTP status and headers
/// too.
///
/// Values were checked when the request was made; if one was refused, awaiting returns
/// [`Error::Validation`] and nothing is sent.
#[must_use = "a request does nothing until it is awaited"]
pub struct ApiRequest<T> {
    client: Client,
    call: Result<Call, Error>,
    _result: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for ApiRequest<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("ApiRequest");
        match &self.call {
            Ok(call) => d.field("operation", &call.endpoint.name).field("uri", &call.uri),
            Err(e) => d.field("error", e),
        };
        d.finish_non_exhaustive()
    }
}

impl<T> ApiRequest<T>
where
    T: DeserializeOwned + Default + Send + 'static,
{
    pub(crate) fn new(client: Client, call: Result<Call, Error>) -> Self {
        Self { client, call, _result: PhantomData }
    }

    fn with_options(mut self, f: impl FnOnce(RequestOptions) -> RequestOptions) -> Self {
        if let Ok(call) = &mut self.call {
            call.options = f(call.options);
        }
        self
    }

    /// Retries after the first attempt for this call, overriding the client's
    /// [`RetryPolicy`](cfzt_transport::RetryPolicy).
    pub fn max_retries(self, n: u32) -> Self {
        self.with_options(|o| o.max_retries(n))
    }

    /// The timeout of each attempt of this call.
    pub fn attempt_timeout(self, timeout: std::time::Duration) -> Self {
        self.with_options(|o| o.attempt_timeout(timeout))
    }

    /// The time all attempts of this call, and the waits between them, may take.
    pub fn deadline(self, deadline: std::time::Duration) -> Self {
        self.with_options(|o| o.deadline(deadline))
    }

    /// Sends the request and returns the result.
    ///
    /// # Errors
    ///
    /// See [`Error`]: validation (nothing sent), API, transport or decode failures.
    pub fn send(self) -> impl Future<Output = Result<T, Error>> + Send + 'static {
        // `map`, not `async move { f.await }`, which would hold the inner future twice.
        self.send_with_response().map(|response| response.map(ApiResponse::into_result))
    }

    /// Sends the request and returns the result with the HTTP status and headers.
    ///
    /// # Errors
    ///
    /// As [`ApiRequest::send`].
    pub fn send_with_response(self) -> impl Future<Output = Result<ApiResponse<T>, Error>> + Send + 'static {
        let Self { client, call, .. } = self;
        async move { client.execute(call?).await }
    }
}

impl<T> IntoFuture for ApiRequest<T>
where
    T: DeserializeOwned + Default + Send + 'static,
{
    type Output = Result<T, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<T, Error>> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const E: Endpoint =
        Endpoint { name: "test_op", method: Method::GET, template: "/x", null_result_is_default: false };

    #[test]
    fn segments_are_percent_encoded() {
        let call = Call::new(&E, "http://h/v4", ["accounts", "a b/c?d#e%f..", "users"]);
        assert_eq!(call.uri, "http://h/v4/accounts/a%20b%2Fc%3Fd%23e%25f../users");
        // Unreserved characters pass as they are; anything else, ASCII or not, is encoded.
        let call = Call::new(&E, "http://h", ["aZ09-._~", "é", "a+b", ""]);
        assert_eq!(call.uri, "http://h/aZ09-._~/%C3%A9/a%2Bb/");
        let call =
            Call::new(&E, "http://h", ["x"]).query([("search", "jane doe&x=1".to_string()), ("page", "2".into())]);
        assert_eq!(call.uri, "http://h/x?search=jane+doe%26x%3D1&page=2");
        assert_eq!(Call::new(&E, "http://h", ["x"]).query([]).uri, "http://h/x");
    }

    #[test]
    fn the_unreserved_table_is_what_the_encoder_leaves_alone() {
        for b in 0..=u8::MAX {
            let text = char::from(b).to_string();
            let untouched = b.is_ascii() && utf8_percent_encode(&text, SEGMENT).to_string() == text;
            assert_eq!(UNRESERVED[usize::from(b)], untouched, "byte {b:#04x}");
        }
    }

    #[test]
    fn excerpt_is_short_and_on_one_line() {
        assert_eq!(excerpt(b"<html>\n  <title>502</title>\n</html>"), "<html> <title>502</title> </html>");
        let long = "é".repeat(500);
        let e = excerpt(long.as_bytes());
        assert_eq!(e.chars().count(), 201);
        assert!(e.ends_with('…'));
        assert_eq!(excerpt(&[0xff, 0xfe]), "\u{fffd}\u{fffd}");
    }

    #[test]
    fn json_content_types() {
        for (ct, want) in [
            ("application/json", true),
            ("application/json; charset=utf-8", true),
            ("Application/JSON", true),
            ("application/problem+json", true),
            ("text/html", false),
            ("text/plain", false),
            (" Application/Problem+JSON ; charset=utf-8", true),
            ("\tapplication/json\t", true),
            ("+json", true),
            ("json", false),
            ("application/jsonx", false),
            ("", false),
        ] {
            assert_eq!(is_json(&HeaderValue::from_static(ct)), want, "{ct}");
        }
    }

    mod properties {
        use super::*;
        use cfzt_models::{ActiveSessionDetail, DeleteUserResult, User};
        use proptest::prelude::*;

        fn response(status: u16, content_type: &str, retry_after: &str, body: Vec<u8>) -> cfzt_transport::Response {
            let mut response = http::Response::new(Bytes::from(body));
            *response.status_mut() = StatusCode::from_u16(status).unwrap();
            if let Ok(v) = HeaderValue::from_str(content_type) {
                response.headers_mut().insert(CONTENT_TYPE, v);
            }
            if let Ok(v) = HeaderValue::from_str(retry_after) {
                response.headers_mut().insert("retry-after", v);
            }
            response
        }

        /// Bodies that look like the API's: envelopes with random parts, and noise.
        fn body() -> impl Strategy<Value = Vec<u8>> {
            let json_value = prop_oneof![
                Just("null".to_string()),
                Just("{}".to_string()),
                Just("[]".to_string()),
                Just(
                    r#"{"id":"f174e90a-fafe-4643-bbbc-4a0ed4fc8415","created_at":"2014-01-01T05:20:00Z"}"#.to_string()
                ),
                Just(r#"[{"email":1}]"#.to_string()),
                "[ -~]{0,40}",
            ];
            prop_oneof![
                proptest::collection::vec(any::<u8>(), 0..256),
                (any::<Option<bool>>(), json_value, "[ -~]{0,20}").prop_map(|(success, result, noise)| {
                    let success = success.map_or("null".to_string(), |b| b.to_string());
                    format!(r#"{{"success":{success},"errors":[{{"code":1,"message":"{noise:?}"}}],"result":{result}}}{noise}"#)
                        .into_bytes()
                }),
            ]
        }

        /// How the envelope was read before the fast path: always tracking the JSON path.
        fn tracked<T: DeserializeOwned>(body: &[u8]) -> Result<Envelope<T>, (String, String)> {
            let mut de = serde_json::Deserializer::from_slice(body);
            let envelope = serde_path_to_error::deserialize(&mut de)
                .map_err(|e| (e.path().to_string(), e.into_inner().to_string()))?;
            de.end().map_err(|e| (".".to_string(), e.to_string()))?;
            Ok(envelope)
        }

        #[test]
        fn the_fast_path_reads_as_the_tracked_reader() {
            let bodies = [
                r#"{"success":true,"result":[{"id":"a","created_at":"2014-01-01T05:20:00Z","active_device_count":2.0}]}"#,
                r#"{"success":true,"result":[{"id":"a"},{"email":1}]}"#,
                r#"{"success":true,"result":[{"id":"a"},{"created_at":"yesterday"}]}"#,
                r#"{"success":true,"result":[{"id":"a"}],"result_info":{"page":"x"}}"#,
                r#"{"success":true,"result":[]} trailing"#,
                r#"{"success":true,"result":[{"id":"a""#,
                r#"{"success":"yes"}"#,
                r#"{"errors":[{"code":"x"}]}"#,
                "",
                "null",
            ];
            for body in bodies {
                let (fast, slow) =
                    (parse_envelope::<Vec<User>>(body.as_bytes()), tracked::<Vec<User>>(body.as_bytes()));
                assert_eq!(fast, slow, "{body}");
            }
            let err = parse_envelope::<Vec<User>>(br#"{"result":[{"id":"a"},{"email":1}]}"#).unwrap_err();
            assert_eq!(err.0, "result[1].email");
        }

        proptest! {
            #[test]
            fn the_fast_path_agrees_on_any_body(body in body()) {
                prop_assert_eq!(parse_envelope::<User>(&body), tracked::<User>(&body));
                prop_assert_eq!(parse_envelope::<Vec<User>>(&body), tracked::<Vec<User>>(&body));
                prop_assert_eq!(parse_envelope::<DeleteUserResult>(&body), tracked::<DeleteUserResult>(&body));
            }

            #[test]
            fn decoding_never_panics(
                status in 100u16..1000,
                content_type in prop_oneof![Just("application/json".to_string()), Just("text/html".to_string()), ".{0,30}"],
                retry_after in ".{0,20}",
                body in body(),
            ) {
                let r = || response(status, &content_type, &retry_after, body.clone());
                let _ = decode::<User>(&E, r(), 1);
                let _ = decode::<Vec<User>>(&E, r(), 1);
                let _ = decode::<DeleteUserResult>(&E, r(), 1);
                if let Err(e) = decode::<ActiveSessionDetail>(&E, r(), 1) {
                    let _ = (e.to_string(), format!("{e:?}"), e.is_retryable());
                }
            }
        }
    }
}
