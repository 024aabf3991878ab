//! The reqwest backend.

use std::time::Duration;

use crate::body::CappedBody;
use crate::connect_failure::connect_failure;
use crate::{ConnectFailure, DEFAULT_MAX_RESPONSE_BODY, HttpTransport, Request, Response, TransportError, async_trait};

/// An [`HttpTransport`] over a pooled [`reqwest::Client`].
///
/// [`ReqwestTransport::new`] builds a client with rustls, a 5 s connect timeout,
/// redirects switched off and reqwest's own retries switched off (retrying is the
/// [`RetryTransport`](crate::RetryTransport)'s job). [`ReqwestTransport::from_client`]
/// takes a client you configured yourself (proxies, extra roots, ...); build it with
/// `.redirect(reqwest::redirect::Policy::none())`, because a followed redirect would carry
/// the request's credentials to wherever it points.
///
/// Cloning is cheap and shares the connection pool. Calls must run inside a tokio runtime
/// with IO and timers enabled, as reqwest's async client requires.
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    max_response_body: usize,
}

impl ReqwestTransport {
    /// A transport with its own client: rustls, pooled connections, no redirects.
    ///
    /// # Errors
    ///
    /// [`TransportError::Build`] if the TLS backend cannot be initialised.
    pub fn new() -> Result<Self, TransportError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // Retries are `RetryTransport`'s job. reqwest's own layer (for HTTP/2 refusals)
            // would otherwise copy every request in case it retries; with no retry allowed
            // it copies nothing. No redirect is followed, so no `Referer` is ever due.
            .retry(reqwest::retry::never().max_retries_per_request(0))
            .referer(false)
            .connect_timeout(Duration::from_secs(5))
            .tcp_nodelay(true)
            .build()
            .map_err(|e| TransportError::Build { source: Box::new(e) })?;
        Ok(Self::from_client(client))
    }

    /// A transport over a client you built. See the type's docs about redirects.
    pub fn from_client(client: reqwest::Client) -> Self {
        Self { client, max_response_body: DEFAULT_MAX_RESPONSE_BODY }
    }

    /// Caps the response body at `bytes`; a larger body fails with
    /// [`TransportError::BodyTooLarge`]. The default is
    /// [`DEFAULT_MAX_RESPONSE_BODY`].
    #[must_use]
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.max_response_body = bytes;
        self
    }

    /// The `reqwest::Client` every request goes through. Cloning it shares its connection
    /// pool, e.g. to send other requests over the same connections; to change its
    /// configuration, build a new client and wrap it with [`from_client`](Self::from_client).
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }
}

#[async_trait]
impl HttpTransport for ReqwestTransport {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        let request =
            reqwest::Request::try_from(request).map_err(|e| TransportError::InvalidRequest { source: Box::new(e) })?;
        let mut response = self.client.execute(request).await.map_err(map_error)?;
        let mut body = CappedBody::new(self.max_response_body, response.content_length())?;
        while let Some(chunk) = response.chunk().await.map_err(map_error)? {
            body.push(chunk)?;
        }
        let mut out = http::Response::new(body.finish());
        *out.status_mut() = response.status();
        *out.version_mut() = response.version();
        *out.headers_mut() = std::mem::take(response.headers_mut());
        Ok(out)
    }
}

fn map_error(error: reqwest::Error) -> TransportError {
    if error.is_connect() {
        // reqwest's own connect timeout is a private type; it answers `is_timeout`.
        let kind = if error.is_timeout() { ConnectFailure::TimedOut } else { connect_failure(&error) };
        TransportError::Connect { kind, source: Box::new(error) }
    } else if error.is_timeout() {
        TransportError::Timeout { elapsed: None, maybe_sent: true }
    } else if error.is_builder() {
        TransportError::InvalidRequest { source: Box::new(error) }
    } else if error.is_request() || error.is_body() || error.is_decode() {
        TransportError::Io { source: Box::new(error), maybe_sent: true }
    } else {
        TransportError::Other { source: Box::new(error), maybe_sent: true }
    }
}
