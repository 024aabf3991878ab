//! The public request type every operation returns: options, then `.await`.

use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;

use cfzt_models::ValidationError;
use cfzt_models::operations::Operation;
use futures_util::FutureExt as _;
use serde::de::DeserializeOwned;

use crate::Client;
use crate::call::{Call, Content};
use crate::error::Error;
use crate::response::ApiResponse;

/// The per-call option setters, written once for [`ApiRequest`] and
/// [`ListUsers`](crate::ListUsers): each type provides
/// `with_options(self, impl FnOnce(RequestOptions) -> RequestOptions) -> Self`.
macro_rules! call_options {
    ($what:literal) => {
        #[doc = concat!("Retries after the first attempt, for ", $what, ", overriding the client's")]
        /// [`RetryPolicy`](cfzt_transport::RetryPolicy).
        pub fn max_retries(self, n: u32) -> Self {
            self.with_options(|o| o.max_retries(n))
        }

        #[doc = concat!("The timeout of each attempt, for ", $what, ".")]
        pub fn attempt_timeout(self, timeout: std::time::Duration) -> Self {
            self.with_options(|o| o.attempt_timeout(timeout))
        }

        #[doc = concat!("The time all attempts and the waits between them may take, for ", $what, ".")]
        pub fn deadline(self, deadline: std::time::Duration) -> Self {
            self.with_options(|o| o.deadline(deadline))
        }
    };
}
pub(crate) use call_options;

use cfzt_transport::RequestOptions;

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
            Ok(call) => d.field("operation", &call.operation.name).field("uri", &call.uri),
            Err(e) => d.field("error", e),
        };
        d.finish_non_exhaustive()
    }
}

impl<T> ApiRequest<T>
where
    T: DeserializeOwned + Default + Send + 'static,
{
    /// The request for `operation`, its path parameters given by name, carrying `content`:
    /// built here, once. If `content` was refused (a value failed its check) or the call
    /// cannot be built, awaiting returns that error and nothing is sent.
    pub(crate) fn new(
        client: &Client,
        operation: &'static Operation,
        params: &[(&str, &str)],
        content: Result<Content, ValidationError>,
    ) -> Self {
        let call = content.and_then(|content| Call::new(operation, client.base_url(), params, content));
        Self { client: client.clone(), call: call.map_err(Error::from), _result: PhantomData }
    }

    /// The same request with its options changed by `f`.
    pub(crate) fn with_options(mut self, f: impl FnOnce(RequestOptions) -> RequestOptions) -> Self {
        if let Ok(call) = &mut self.call {
            call.options = f(call.options);
        }
        self
    }

    call_options!("this call");

    /// Sends the request and returns the result.
    ///
    /// # Errors
    ///
    /// See [`Error`]: validation (nothing sent), API, transport or decode failures.
    pub fn send(self) -> impl Future<Output = Result<T, Error>> + Send + 'static {
        // `map`, not `async move { f.await }`, which would hold the inner future twice.
        self.exchange().map(|response| response.map(ApiResponse::into_result))
    }

    /// Sends the request and returns the result with the HTTP status and headers.
    ///
    /// The client's credentials are masked in what it returns beside the result, as in
    /// errors: credential headers (`authorization`, `set-cookie`, ...) become `[REDACTED]`
    /// whatever they hold, and a credential a server quotes in another header, a message
    /// or an error is replaced by `[REDACTED]`. The result itself is the API's data, as it
    /// came.
    ///
    /// # Errors
    ///
    /// As [`ApiRequest::send`].
    pub fn send_with_response(self) -> impl Future<Output = Result<ApiResponse<T>, Error>> + Send + 'static {
        let client = self.client.clone();
        self.exchange().map(move |response| response.map(|response| response.redact(&client.inner.redactor)))
    }

    /// The call's response as it came: what `send` keeps the result of.
    fn exchange(self) -> impl Future<Output = Result<ApiResponse<T>, Error>> + Send + 'static {
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
