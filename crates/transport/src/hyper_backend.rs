//! The hyper backend.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use crate::body::CappedBody;
use crate::connect_failure::connect_failure;
use crate::{DEFAULT_MAX_RESPONSE_BODY, HttpTransport, Request, Response, TransportError, async_trait};

/// An [`HttpTransport`] over hyper 1 and hyper-util's pooled client.
///
/// TLS is rustls (aws-lc-rs) with the platform's certificate verifier (feature `rustls`), or
/// the platform's native TLS library (feature `native-tls`, which wins when both are on);
/// without either, only plain `http` works. Plain `http` is always allowed, for loopback
/// test servers. Connections are pooled, the connect timeout is 5 s,
/// redirects are never followed (hyper does not follow them), and the response body is
/// capped.
///
/// Cloning is cheap and shares the connection pool. Calls must run inside a tokio runtime
/// with IO and timers enabled: hyper-util spawns its connections on it.
#[cfg_attr(docsrs, doc(cfg(feature = "hyper")))]
#[derive(Debug, Clone)]
pub struct HyperTransport {
    client: Client<Connector, Full<Bytes>>,
    max_response_body: usize,
}

impl HyperTransport {
    /// A transport with its own pooled client.
    ///
    /// # Errors
    ///
    /// [`TransportError::Build`] if the platform's certificate verifier cannot be set up.
    pub fn new() -> Result<Self, TransportError> {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(Some(Duration::from_secs(5)));
        let https = connector(http)?;
        let client = Client::builder(TokioExecutor::new()).build(https);
        Ok(Self { client, max_response_body: DEFAULT_MAX_RESPONSE_BODY })
    }

    /// Caps the response body at `bytes`; a larger body fails with
    /// [`TransportError::BodyTooLarge`]. The default is
    /// [`DEFAULT_MAX_RESPONSE_BODY`].
    #[must_use]
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.max_response_body = bytes;
        self
    }
}

#[async_trait]
impl HttpTransport for HyperTransport {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        let response = self.client.request(request.map(Full::new)).await.map_err(map_client_error)?;
        let (parts, mut incoming) = response.into_parts();
        let declared =
            parts.headers.get(http::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
        let mut body = CappedBody::new(self.max_response_body, declared)?;
        while let Some(frame) = incoming.frame().await {
            let frame = frame.map_err(|e| TransportError::Io { source: Box::new(e), maybe_sent: true })?;
            if let Ok(data) = frame.into_data() {
                body.push(data)?;
            }
        }
        Ok(http::Response::from_parts(parts, body.finish()))
    }
}

#[cfg(feature = "native-tls")]
type Connector = hyper_tls::HttpsConnector<HttpConnector>;

#[cfg(feature = "native-tls")]
fn connector(http: HttpConnector) -> Result<Connector, TransportError> {
    let tls = native_tls::TlsConnector::new().map_err(|e| TransportError::Build { source: Box::new(e) })?;
    Ok(hyper_tls::HttpsConnector::from((http, tls.into())))
}

#[cfg(all(feature = "rustls", not(feature = "native-tls")))]
type Connector = hyper_rustls::HttpsConnector<HttpConnector>;

#[cfg(all(feature = "rustls", not(feature = "native-tls")))]
fn connector(http: HttpConnector) -> Result<Connector, TransportError> {
    let provider = std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    Ok(hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_platform_verifier(provider)
        .map_err(|e| TransportError::Build { source: Box::new(e) })?
        .https_or_http()
        .enable_http1()
        .wrap_connector(http))
}

#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
type Connector = HttpConnector;

#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
fn connector(http: HttpConnector) -> Result<Connector, TransportError> {
    Ok(http)
}

fn map_client_error(error: hyper_util::client::legacy::Error) -> TransportError {
    if error.is_connect() {
        TransportError::Connect { kind: connect_failure(&error), source: Box::new(error) }
    } else {
        TransportError::Io { source: Box::new(error), maybe_sent: true }
    }
}
