//! What a built-in backend's error chain says about a connection that failed.
//!
//! Both backends connect through hyper-util's `HttpConnector` and the same TLS libraries,
//! so their chains hold the same errors: an `io::Error` of kind `ConnectionRefused` or
//! `TimedOut`, hyper-util's connect error for a failed DNS lookup, a rustls or native-tls
//! error from the handshake.

use std::error::Error;
use std::io;

use crate::ConnectFailure;

/// The first link of the chain that names the failure; [`ConnectFailure::Other`] if none.
pub(crate) fn connect_failure(error: &(dyn Error + 'static)) -> ConnectFailure {
    let mut link = Some(error);
    while let Some(e) = link {
        if let Some(kind) = name(e) {
            return kind;
        }
        link = e.source();
    }
    ConnectFailure::Other
}

fn name(e: &(dyn Error + 'static)) -> Option<ConnectFailure> {
    if let Some(io) = e.downcast_ref::<io::Error>() {
        // An io::Error's `source()` skips the error it wraps: look inside (reqwest's TLS
        // errors are a rustls error in an io::Error in another io::Error).
        if let Some(kind) = io.get_ref().and_then(|inner| name(inner)) {
            return Some(kind);
        }
        match io.kind() {
            io::ErrorKind::ConnectionRefused => return Some(ConnectFailure::Refused),
            io::ErrorKind::TimedOut => return Some(ConnectFailure::TimedOut),
            _ => {}
        }
    }
    if let Some(kind) = tls(e) {
        return Some(kind);
    }
    // hyper-util does not export its `ConnectError`; a failed lookup is the one that
    // displays as "dns error" (reqwest's resolver errors pass through it too).
    (e.to_string() == "dns error").then_some(ConnectFailure::Dns)
}

#[allow(unused_variables)] // without a TLS feature there is no TLS error to find
fn tls(e: &(dyn Error + 'static)) -> Option<ConnectFailure> {
    #[cfg(feature = "rustls")]
    if let Some(error) = e.downcast_ref::<rustls::Error>() {
        return Some(match error {
            rustls::Error::InvalidCertificate(_) => ConnectFailure::InvalidCertificate,
            _ => ConnectFailure::TlsHandshake,
        });
    }
    #[cfg(feature = "native-tls")]
    if let Some(error) = e.downcast_ref::<native_tls::Error>() {
        return Some(native_tls_failure(&error.to_string()));
    }
    None
}

/// native-tls's error has no kinds, only the platform library's text: OpenSSL says
/// `certificate verify failed` (followed by why, e.g. `self-signed certificate`) when it
/// refuses the server's certificate, and other words for any other handshake failure.
#[cfg(any(test, feature = "native-tls"))]
fn native_tls_failure(text: &str) -> ConnectFailure {
    if text.contains("certificate verify failed") {
        ConnectFailure::InvalidCertificate
    } else {
        ConnectFailure::TlsHandshake
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A chain as the backends build it: an outer error whose source is `inner`.
    #[derive(Debug)]
    struct Outer(io::Error);

    impl std::fmt::Display for Outer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("client error (Connect)")
        }
    }

    impl Error for Outer {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn io_kinds_are_named() {
        let of = |kind| connect_failure(&Outer(io::Error::from(kind)));
        assert_eq!(of(io::ErrorKind::ConnectionRefused), ConnectFailure::Refused);
        assert_eq!(of(io::ErrorKind::TimedOut), ConnectFailure::TimedOut);
        assert_eq!(of(io::ErrorKind::PermissionDenied), ConnectFailure::Other);
    }

    #[cfg(feature = "rustls")]
    #[test]
    fn rustls_errors_inside_io_errors_are_named() {
        let of = |e: rustls::Error| {
            let tls = io::Error::new(io::ErrorKind::InvalidData, e);
            connect_failure(&Outer(io::Error::other(tls)))
        };
        let expired = rustls::Error::InvalidCertificate(rustls::CertificateError::Expired);
        assert_eq!(of(expired), ConnectFailure::InvalidCertificate);
        let garbage = rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType);
        assert_eq!(of(garbage), ConnectFailure::TlsHandshake);
    }

    #[test]
    fn openssl_texts_are_named() {
        let cases = [
            (
                "error:0A000086:SSL routines:tls_post_process_server_certificate:certificate verify failed:\
                 ../ssl/statem/statem_clnt.c:1889: (self-signed certificate)",
                ConnectFailure::InvalidCertificate,
            ),
            ("error:0A00010B:SSL routines:ssl3_get_record:wrong version number", ConnectFailure::TlsHandshake),
            ("", ConnectFailure::TlsHandshake),
        ];
        for (text, want) in cases {
            assert_eq!(native_tls_failure(text), want, "{text}");
        }
    }
}
