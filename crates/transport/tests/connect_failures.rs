//! Each way a connection fails is named, over both backends and real loopback sockets:
//! the kind (`ConnectFailure`), the words in `Display`, and how many attempts the retry
//! layer spends on it (one for a failure retrying cannot heal).

use std::time::Duration;

use bytes::Bytes;
use cfzt_transport::{
    ConnectFailure, HttpTransport, HyperTransport, ReqwestTransport, RetryPolicy, RetryTransport, TransportError,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

fn backends() -> Vec<(&'static str, Box<dyn HttpTransport>)> {
    vec![("reqwest", Box::new(ReqwestTransport::new().unwrap())), ("hyper", Box::new(HyperTransport::new().unwrap()))]
}

/// Two retries with no real wait, and a short attempt timeout.
fn retrying(inner: Box<dyn HttpTransport>) -> RetryTransport<Box<dyn HttpTransport>> {
    RetryTransport::new(inner).with_policy(
        RetryPolicy::default()
            .max_retries(2)
            .backoff(Duration::from_millis(1), Duration::from_millis(1))
            .attempt_timeout(Some(Duration::from_millis(300))),
    )
}

/// Sends a GET to `url` through the retry layer: the error and the attempts it took.
async fn fail(inner: Box<dyn HttpTransport>, url: &str) -> (TransportError, u32) {
    let request = http::Request::get(url).body(Bytes::new()).unwrap();
    let (result, attempts) = retrying(inner).send_counted(request).await;
    (result.unwrap_err(), attempts)
}

#[tokio::test]
async fn a_refused_connection_is_named_and_retried() {
    // A port nothing listens on: bind, note the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    for (name, t) in backends() {
        let (err, attempts) = fail(t, &format!("http://127.0.0.1:{port}/")).await;
        assert_eq!(err.connect_failure(), Some(ConnectFailure::Refused), "{name}: {err:?}");
        assert_eq!(err.to_string(), "could not connect to the server: connection refused", "{name}");
        assert_eq!(err.summary(), "connection refused", "{name}");
        assert!(!err.may_have_reached_server(), "{name}");
        assert_eq!(attempts, 3, "{name}: refused is transient");
    }
}

/// `.invalid` never resolves (RFC 6761), and resolvers answer it without asking the
/// network, so this fails fast offline too.
#[tokio::test]
async fn a_failed_dns_lookup_is_named() {
    for (name, t) in backends() {
        let (err, _) = fail(t, "http://cfzt-test.invalid/").await;
        assert_eq!(err.connect_failure(), Some(ConnectFailure::Dns), "{name}: {err:?}");
        assert!(err.to_string().ends_with("DNS lookup failed"), "{name}: {err}");
        assert!(!err.may_have_reached_server(), "{name}");
    }
}

/// A TLS client against a port that speaks plain HTTP: the handshake fails the same way
/// every time, so it is sent once.
#[cfg(any(feature = "rustls", feature = "native-tls"))]
#[tokio::test]
async fn tls_against_a_plain_http_port_is_named_and_not_retried() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut hello = [0u8; 512];
            let _ = stream.read(&mut hello).await;
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n").await;
            open.push(stream); // keep it open: the client must fail on the reply, not on a close
        }
    });
    for (name, t) in backends() {
        let (err, attempts) = fail(t, &format!("https://127.0.0.1:{port}/")).await;
        assert_eq!(err.connect_failure(), Some(ConnectFailure::TlsHandshake), "{name}: {err:?}");
        assert!(err.to_string().ends_with("TLS handshake failed"), "{name}: {err}");
        assert!(!err.is_transient(), "{name}");
        assert_eq!(attempts, 1, "{name}: a handshake against plain HTTP cannot heal");
    }
    server.abort();
}

/// A TLS server on 127.0.0.1 whose certificate, for `127.0.0.1` and `localhost`, no one
/// signed: it completes handshakes with anyone who accepts it, and answers nothing.
async fn self_signed_server() -> (u16, tokio::task::JoinHandle<()>) {
    use tokio_rustls::rustls::{self, pki_types::PrivateKeyDer};
    let cert = rcgen::generate_simple_self_signed(["127.0.0.1".to_string(), "localhost".to_string()]).unwrap();
    let key = PrivateKeyDer::try_from(cert.signing_key.serialize_der()).unwrap();
    let provider = std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.cert.der().clone()], key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // The client refuses the certificate; the handshake fails on this side too.
                let _ = acceptor.accept(stream).await;
            });
        }
    });
    (port, server)
}

/// A certificate no trusted authority signed: refused the same way every time, so the
/// request is sent once, and the error says it was the certificate.
#[cfg(any(feature = "rustls", feature = "native-tls"))]
#[tokio::test]
async fn a_self_signed_certificate_is_named_and_not_retried() {
    let (port, server) = self_signed_server().await;
    for (name, t) in backends() {
        let (err, attempts) = fail(t, &format!("https://127.0.0.1:{port}/")).await;
        assert_eq!(err.connect_failure(), Some(ConnectFailure::InvalidCertificate), "{name}: {err:?}");
        assert!(err.to_string().ends_with("invalid certificate"), "{name}: {err}");
        assert!(!err.may_have_reached_server(), "{name}");
        assert!(!err.is_transient(), "{name}");
        assert_eq!(attempts, 1, "{name}: a refused certificate cannot heal");
    }
    server.abort();
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_with_the_time_named() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            open.push(stream); // accepted, read from never, answered never
        }
    });
    for (name, t) in backends() {
        let (err, attempts) = fail(t, &format!("http://127.0.0.1:{port}/")).await;
        assert!(err.is_timeout(), "{name}: {err:?}");
        assert_eq!(err.to_string(), "the attempt timed out after 300 ms", "{name}");
        assert_eq!(err.summary(), "timed out after 300 ms", "{name}");
        assert_eq!(attempts, 3, "{name}: a timeout of a GET is retried");
    }
    server.abort();
}
