use std::fmt;
use std::time::Duration;

use crate::BoxError;

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
    /// No connection could be made; `kind` says why (refused, DNS, TLS handshake, ...).
    /// The request was not sent.
    #[error("could not connect to the server: {kind}")]
    Connect {
        /// What stopped the connection. A custom transport that cannot tell says
        /// [`ConnectFailure::Other`].
        kind: ConnectFailure,
        /// The backend's error.
        #[source]
        source: BoxError,
    },
    /// The attempt did not finish in time.
    #[error("the attempt timed out{}", elapsed.map(|d| format!(" after {}", Seconds(d))).unwrap_or_default())]
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
    /// The call may need tokio's timers, and no tokio runtime is running where it is
    /// polled. Nothing was sent. What needs them: a [request budget](crate::RequestBudget)
    /// (its waits for a place, which a client has by default), and the retry policy's
    /// attempt timeout, deadline and wait before a retry.
    ///
    /// Run the call inside a tokio runtime with timers enabled, or give the
    /// [`RetryTransport`](crate::RetryTransport) no request budget and a policy that needs no
    /// timer: `RetryPolicy::no_retries().attempt_timeout(None)`.
    #[error("the request budget and retry timers need a tokio runtime, and none is running")]
    NoRuntime,
    /// The [request budget](crate::RequestBudget) gave the request no place before any
    /// answer came: it would have waited past its deadline, or a shared budget's store is
    /// down. Nothing was sent. (A retry it refuses returns the answer being retried, marked
    /// with a [`PacingRefusal`](crate::PacingRefusal).)
    #[error(transparent)]
    Pacing(crate::BudgetError),
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
            Self::Connect { .. }
            | Self::InvalidRequest { .. }
            | Self::Build { .. }
            | Self::NoRuntime
            | Self::Pacing(_) => false,
            Self::Timeout { maybe_sent, .. } | Self::Io { maybe_sent, .. } | Self::Other { maybe_sent, .. } => {
                *maybe_sent
            }
            Self::BodyTooLarge { .. } => true,
        }
    }

    /// `true` for a failure that may pass if the request is sent again: connect errors,
    /// timeouts and broken connections. A TLS handshake that failed or a certificate that
    /// was refused ([`ConnectFailure::can_heal`] is `false`) fails the same way next time,
    /// so it is not transient and the retry layer does not repeat it.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Connect { kind, .. } => kind.can_heal(),
            Self::Timeout { .. } | Self::Io { .. } => true,
            _ => false,
        }
    }

    /// Why no connection could be made, for [`TransportError::Connect`].
    pub fn connect_failure(&self) -> Option<ConnectFailure> {
        match self {
            Self::Connect { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// A few words naming what happened, without the backend's message: "connection
    /// refused", "DNS lookup failed", "TLS handshake failed", "timed out after 60 s", ...
    /// For an error that wraps this one and names the failure in its own `Display` (such as
    /// `cfzt_access_users::NoResponseError`), without repeating this error's text.
    pub fn summary(&self) -> String {
        match self {
            Self::Connect { kind, .. } => kind.to_string(),
            Self::Timeout { elapsed: Some(d), .. } => format!("timed out after {}", Seconds(*d)),
            Self::Timeout { elapsed: None, .. } => "timed out".to_string(),
            Self::Io { .. } => "connection broken during the exchange".to_string(),
            Self::BodyTooLarge { limit } => format!("response body over {limit} bytes"),
            Self::InvalidRequest { .. } => "request refused by the transport".to_string(),
            Self::Build { .. } => "HTTP backend setup failed".to_string(),
            Self::NoRuntime => "no tokio runtime for the request budget and retry timers".to_string(),
            Self::Pacing(crate::BudgetError::WouldPassDeadline { would_wait }) => {
                format!("the rate budget would have waited {} past the deadline", Seconds(*would_wait))
            }
            Self::Pacing(_) => "the shared rate budget is unavailable".to_string(),
            Self::Other { .. } => "transport failed".to_string(),
        }
    }

    /// `true` if no connection could be made.
    pub fn is_connect(&self) -> bool {
        matches!(self, Self::Connect { .. })
    }

    /// `true` if the attempt timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout { .. })
    }

    /// `true` if the call needed a tokio runtime (for its request budget or its retry
    /// timers) and none was running.
    pub fn is_no_runtime(&self) -> bool {
        matches!(self, Self::NoRuntime)
    }

    /// `true` if the request budget refused the request (see [`TransportError::Pacing`]).
    pub fn is_pacing(&self) -> bool {
        matches!(self, Self::Pacing(_))
    }

    /// How long the request budget would have made the request wait, when that wait is why
    /// it was refused.
    pub fn pacing_wait(&self) -> Option<std::time::Duration> {
        match self {
            Self::Pacing(e) => e.would_wait(),
            _ => None,
        }
    }

    /// [`is_pacing`](Self::is_pacing), by its former name.
    #[deprecated(note = "renamed is_pacing, as the variant is now TransportError::Pacing")]
    pub fn is_rate_budget(&self) -> bool {
        self.is_pacing()
    }

    /// [`pacing_wait`](Self::pacing_wait), by its former name.
    #[deprecated(note = "renamed pacing_wait, as the variant is now TransportError::Pacing")]
    pub fn budget_wait(&self) -> Option<std::time::Duration> {
        self.pacing_wait()
    }

    /// `true` if the response body was over the cap.
    pub fn is_body_too_large(&self) -> bool {
        matches!(self, Self::BodyTooLarge { .. })
    }
}

/// Why a connection could not be made: the kind of [`TransportError::Connect`].
///
/// The built-in backends tell these apart from their error chains; `Display` names the
/// kind ("connection refused", "DNS lookup failed", ...).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectFailure {
    /// The host answered that nothing listens on the port (`ECONNREFUSED`).
    Refused,
    /// The host name could not be resolved.
    Dns,
    /// The connection did not open within the connect timeout.
    TimedOut,
    /// The TLS handshake failed, e.g. against a port that speaks plain HTTP. Not healed by
    /// retrying.
    TlsHandshake,
    /// The server's certificate was refused (expired, wrong host, unknown issuer). Not
    /// healed by retrying.
    InvalidCertificate,
    /// Anything else, or a transport that cannot tell.
    Other,
}

impl ConnectFailure {
    /// `false` for failures that sending the request again cannot heal: a failed TLS
    /// handshake and a refused certificate.
    pub fn can_heal(self) -> bool {
        !matches!(self, Self::TlsHandshake | Self::InvalidCertificate)
    }
}

impl fmt::Display for ConnectFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Refused => "connection refused",
            Self::Dns => "DNS lookup failed",
            Self::TimedOut => "connect timed out",
            Self::TlsHandshake => "TLS handshake failed",
            Self::InvalidCertificate => "invalid certificate",
            Self::Other => "could not connect",
        })
    }
}

/// A duration as people write it: `60 s`, `1.5 s`, `250 ms`.
struct Seconds(Duration);

impl fmt::Display for Seconds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        if d < Duration::from_secs(1) {
            let ms = d.as_millis();
            if ms > 0 || d.is_zero() { write!(f, "{ms} ms") } else { write!(f, "{} µs", d.as_micros()) }
        } else if d.subsec_millis() == 0 {
            write!(f, "{} s", d.as_secs())
        } else {
            let text = format!("{}.{:03}", d.as_secs(), d.subsec_millis());
            write!(f, "{} s", text.trim_end_matches('0'))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_write_them() {
        for (d, text) in [
            (Duration::from_secs(60), "60 s"),
            (Duration::from_millis(1500), "1.5 s"),
            (Duration::from_millis(1250), "1.25 s"),
            (Duration::from_millis(250), "250 ms"),
            (Duration::from_micros(20), "20 µs"),
            (Duration::ZERO, "0 ms"),
            (Duration::MAX, "18446744073709551615.999 s"),
        ] {
            assert_eq!(Seconds(d).to_string(), text);
        }
    }

    #[test]
    fn display_names_the_kind_and_no_source_text() {
        let refused = TransportError::Connect { kind: ConnectFailure::Refused, source: "os error 111".into() };
        assert_eq!(refused.to_string(), "could not connect to the server: connection refused");
        assert_eq!(refused.summary(), "connection refused");
        let timeout = TransportError::Timeout { elapsed: Some(Duration::from_secs(60)), maybe_sent: true };
        assert_eq!(timeout.to_string(), "the attempt timed out after 60 s");
        assert_eq!(timeout.summary(), "timed out after 60 s");
    }

    #[test]
    fn handshake_and_certificate_failures_are_not_transient() {
        let connect = |kind| TransportError::Connect { kind, source: "x".into() };
        for kind in [ConnectFailure::TlsHandshake, ConnectFailure::InvalidCertificate] {
            assert!(!connect(kind).is_transient(), "{kind:?}");
            assert_eq!(connect(kind).connect_failure(), Some(kind));
        }
        for kind in [ConnectFailure::Refused, ConnectFailure::Dns, ConnectFailure::TimedOut, ConnectFailure::Other] {
            assert!(connect(kind).is_transient(), "{kind:?}");
        }
    }
}
