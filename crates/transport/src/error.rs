use std::time::Duration;

/// A boxed error from a backend or a caller's transport.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a transport could not deliver a complete response.
///
/// Each variant says whether the request may have reached the server
/// ([`TransportError::may_have_reached_server`]): a request that certainly did not can be
/// retried whatever its method; one that may have can only be retried if repeating it is
/// harmless. `Display` says what happened and leaves the cause to
/// [`source`](std::error::Error::source).
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// No connection could be made (refused, DNS, TLS handshake). The request was not sent.
    #[error("could not connect to the server")]
    Connect {
        /// The backend's error.
        #[source]
        source: BoxError,
    },
    /// The attempt did not finish in time.
    #[error("the request timed out{}", elapsed.map(|d| format!(" after {d:?}")).unwrap_or_default())]
    Timeout {
        /// How long the attempt ran, when the layer that timed it knows.
        elapsed: Option<Duration>,
        /// Whether the request may have reached the server.
        maybe_sent: bool,
    },
    /// The connection failed while the request or response was in flight (a reset, a
    /// connection closed early, a truncated body).
    #[error("the connection failed during the exchange")]
    Io {
        /// The backend's error.
        #[source]
        source: BoxError,
        /// Whether the request may have reached the server.
        maybe_sent: bool,
    },
    /// The response body was larger than the configured cap; it was not read further.
    #[error("the response body is larger than the limit of {limit} bytes")]
    BodyTooLarge {
        /// The cap, in bytes.
        limit: usize,
    },
    /// The request could not be sent as built (for example, a URL the backend refused).
    #[error("the request is not valid for this transport")]
    InvalidRequest {
        /// The backend's error.
        #[source]
        source: BoxError,
    },
    /// The backend could not be set up (for example, the TLS configuration failed).
    #[error("the HTTP backend could not be set up")]
    Build {
        /// The backend's error.
        #[source]
        source: BoxError,
    },
    /// The retry layer needs a timer (an attempt timeout, a deadline or a wait before a
    /// retry) and no tokio runtime is running where the call is polled. Nothing was sent.
    ///
    /// Run the call inside a tokio runtime with timers enabled, or give the
    /// [`RetryTransport`](crate::RetryTransport) a policy that needs no timer:
    /// `RetryPolicy::no_retries().attempt_timeout(None)`.
    #[error("the retry layer's timers need a tokio runtime, and none is running")]
    NoRuntime,
    /// Anything else a backend reports.
    #[error("the transport failed")]
    Other {
        /// The backend's error.
        #[source]
        source: BoxError,
        /// Whether the request may have reached the server.
        maybe_sent: bool,
    },
}

impl TransportError {
    /// `true` unless the transport knows the request never reached the server.
    ///
    /// A `POST` that failed with this `false` can be retried safely.
    pub fn may_have_reached_server(&self) -> bool {
        match self {
            Self::Connect { .. } | Self::InvalidRequest { .. } | Self::Build { .. } | Self::NoRuntime => false,
            Self::Timeout { maybe_sent, .. } | Self::Io { maybe_sent, .. } | Self::Other { maybe_sent, .. } => {
                *maybe_sent
            }
            Self::BodyTooLarge { .. } => true,
        }
    }

    /// `true` for a failure that may pass if the request is sent again: connect errors,
    /// timeouts and broken connections.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Connect { .. } | Self::Timeout { .. } | Self::Io { .. })
    }

    /// `true` if no connection could be made.
    pub fn is_connect(&self) -> bool {
        matches!(self, Self::Connect { .. })
    }

    /// `true` if the attempt timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout { .. })
    }

    /// `true` if the call needed a tokio runtime for its timers and none was running.
    pub fn is_no_runtime(&self) -> bool {
        matches!(self, Self::NoRuntime)
    }

    /// `true` if the response body was over the cap.
    pub fn is_body_too_large(&self) -> bool {
        matches!(self, Self::BodyTooLarge { .. })
    }
}
