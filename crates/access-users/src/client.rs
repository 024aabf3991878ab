//! The client: its shared state, and the one path every call takes (build, send, decode).

use std::fmt;
use std::sync::Arc;

use cfzt_transport::{HttpTransport, RequestTemplate, RetryTransport};
use http::HeaderMap;
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::call::Call;
use crate::decode::decode;
use crate::error::{Error, NoResponseError};
use crate::redact::Redactor;
use crate::response::{ApiResponse, header_str};

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
    /// Which credential scheme, for `Debug`.
    pub(crate) scheme: &'static str,
}

// `Client::builder` and `Client::from_env` are defined beside `ClientBuilder` (builder.rs),
// so that this file knows nothing of the builder.
impl Client {
    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The request budget that paces this client's calls and its clones', if it has one
    /// (see [`ClientBuilder::pacing`](crate::ClientBuilder::pacing)).
    pub fn request_budget(&self) -> Option<&std::sync::Arc<dyn cfzt_transport::RequestBudget>> {
        self.inner.transport.request_budget()
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
            method = operation.method.as_str(),
            path = operation.path,
            status = tracing::field::Empty,
            cf_ray = tracing::field::Empty,
        );
        let call_span = span.clone();
        async move {
            let template = self.template(call);
            let (response, attempts) = self.inner.transport.send_counted(template).await;
            let response = response.map_err(|source| {
                tracing::debug!(error = %source, attempts, "transport failed");
                Error::Transport(Box::new(NoResponseError { operation: operation.name, attempts, source }))
            })?;
            call_span.record("status", response.status().as_u16());
            // Looking the header up costs more than recording into a span nobody listens to.
            // Only a Ray ID's shape goes into a trace (transport's one check, as for attempts).
            if !call_span.is_disabled()
                && let Some(ray) = header_str(response.headers(), "cf-ray")
                && cfzt_transport::is_ray_id(ray)
            {
                call_span.record("cf_ray", ray);
            }
            let mut response = decode(operation, response, attempts).map_err(|e| e.redact(&self.inner.redactor))?;
            if !response.errors.is_empty() {
                // Logged, so masked first: a server may quote the credentials in them.
                self.inner.redactor.infos(&mut response.errors);
                tracing::warn!(operation = operation.name, errors = ?response.errors, "the API reported errors with a success");
            }
            Ok(response)
        }
        .instrument(span)
    }

    /// What each attempt of `call` sends: its method, URI and body, with the client's fixed
    /// headers, which the retry layer borrows rather than copies from an earlier attempt.
    fn template(&self, call: Call) -> RequestTemplate<'_> {
        let inner = &self.inner;
        let method = call.method();
        // The fixed headers, with `Content-Type: application/json` when there is a body.
        let (headers, body) = match call.body {
            Some(body) => (&inner.json_headers, body),
            None => (&inner.headers, bytes::Bytes::new()),
        };
        let mut template = RequestTemplate::new(method, call.uri, headers, body);
        if !call.options.is_empty() {
            template.extensions_mut().insert(call.options);
        }
        template
    }
}
