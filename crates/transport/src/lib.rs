#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub use async_trait::async_trait;
/// The `bytes` crate, whose `Bytes` is every request's and response's body: a transport
/// author needs no dependency of their own to name it.
pub use bytes;
use bytes::Bytes;
/// The `http` crate, whose `Request`, `Response`, `StatusCode` and headers the trait speaks.
pub use http;

mod cf_ray;
pub use cf_ray::is_ray_id;

mod error;
pub use error::{ConnectFailure, TransportError};

/// A boxed error from a backend, a caller's transport or a shared budget's store. Defined
/// here, above the modules that use it, so that none of them imports another for it.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

mod pacing;
pub use pacing::{
    BudgetError, BudgetQuota, InvalidQuota, LocalBudget, MAX_PAUSE, Observation, PacingEvent, PacingRefusal,
    RateLimitStatus, RequestBudget, retry_after,
};
#[cfg(feature = "redis")]
pub use pacing::{InvalidRedisBudget, RedisBudget, RedisBudgetBuilder, WhenUnavailable, credential_fingerprint};

mod retry;
#[allow(deprecated)]
pub use retry::RetryBudget;
pub use retry::{RequestOptions, RequestTemplate, RetryPolicy, RetryTokens, RetryTransport, RetryVerdict, ToSend};

#[cfg(feature = "reqwest")]
mod reqwest_backend;
#[cfg(feature = "reqwest")]
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
pub use reqwest_backend::ReqwestTransport;

#[cfg(feature = "hyper")]
mod hyper_backend;
#[cfg(feature = "hyper")]
#[cfg_attr(docsrs, doc(cfg(feature = "hyper")))]
pub use hyper_backend::HyperTransport;

#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod test_util;

#[cfg(any(feature = "reqwest", feature = "hyper"))]
mod body;
#[cfg(any(feature = "reqwest", feature = "hyper"))]
mod connect_failure;

/// A request with its whole body in memory, so that it can be sent again.
pub type Request = http::Request<Bytes>;

/// A response with its whole body in memory.
pub type Response = http::Response<Bytes>;

/// The default cap on a response body: 16 MiB.
pub const DEFAULT_MAX_RESPONSE_BODY: usize = 16 * 1024 * 1024;

/// Sends one HTTP request and returns its response.
///
/// Any status is a response, not an error: an error means no complete response arrived.
/// Implementations must not follow redirects (a redirect could carry credentials to another
/// host) and should bound the response body.
///
/// The trait is object safe (`Arc<dyn HttpTransport>` is how clients hold it) and is
/// implemented for `Arc<T>`, `Box<T>` and `&T` of any transport.
///
/// # Runtime
///
/// The trait itself needs none: an implementation may run on any executor. The built-in
/// backends (`ReqwestTransport`, `HyperTransport`) need a tokio runtime with IO and timers
/// enabled (as `#[tokio::main]` starts), and so does a [`RetryTransport`] with a
/// [`RequestBudget`] (whose waits for a place are tokio's sleeps; a client has one by
/// default) or with a policy that may need a timer (the attempt timeout, the deadline, the
/// wait before a retry). Polled outside a tokio runtime, such a `RetryTransport` sends
/// nothing and returns [`TransportError::NoRuntime`]; with no request budget and
/// `RetryPolicy::no_retries().attempt_timeout(None)` it needs none, and timeouts are the
/// inner transport's job. (Inside a tokio runtime built without timers, tokio itself panics
/// when the first timer is armed.)
#[async_trait]
pub trait HttpTransport: Send + Sync {
    /// Sends `request` and waits for the whole response.
    ///
    /// # Errors
    ///
    /// A [`TransportError`] when the connection, the exchange or the body failed.
    async fn send(&self, request: Request) -> Result<Response, TransportError>;
}

/// The future [`HttpTransport::send`] returns, as `#[async_trait]` spells it.
type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<Response, TransportError>> + Send + 'a>>;

// The wrappers hand back the inner transport's future as it is, instead of boxing a second
// future around it: a client's transport is an `Arc<dyn HttpTransport>`, on every call.

impl<T: HttpTransport + ?Sized> HttpTransport for Arc<T> {
    fn send<'life0, 'async_trait>(&'life0 self, request: Request) -> SendFuture<'async_trait>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        (**self).send(request)
    }
}

impl<T: HttpTransport + ?Sized> HttpTransport for Box<T> {
    fn send<'life0, 'async_trait>(&'life0 self, request: Request) -> SendFuture<'async_trait>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        (**self).send(request)
    }
}

impl<T: HttpTransport + ?Sized> HttpTransport for &T {
    fn send<'life0, 'async_trait>(&'life0 self, request: Request) -> SendFuture<'async_trait>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        (**self).send(request)
    }
}

/// A header map from name/value pairs (values appended in order), for the unit tests.
#[cfg(test)]
pub(crate) fn test_headers(pairs: &[(&'static str, &str)]) -> http::HeaderMap {
    let mut h = http::HeaderMap::new();
    for (k, v) in pairs {
        h.append(*k, v.parse().unwrap());
    }
    h
}
