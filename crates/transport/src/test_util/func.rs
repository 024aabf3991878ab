//! A transport written as a closure.

use std::fmt;

use crate::{HttpTransport, Request, Response, TransportError, async_trait};

type SendFn = dyn Fn(Request) -> Result<Response, TransportError> + Send + Sync;

/// A transport that calls a closure for each request; made by [`transport_fn`] or
/// [`infallible_transport`].
pub struct FnTransport {
    send: Box<SendFn>,
}

impl fmt::Debug for FnTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FnTransport").finish_non_exhaustive()
    }
}

#[async_trait]
impl HttpTransport for FnTransport {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        (self.send)(request)
    }
}

/// A transport whose answer to each request is `send(request)`, a response or an error.
///
/// Use it when the answer depends on the request, or to fail in a chosen way:
///
/// ```
/// use cfzt_transport::test_util::transport_fn;
/// use cfzt_transport::{ConnectFailure, HttpTransport, TransportError};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let refused = transport_fn(|_| Err(TransportError::Connect { kind: ConnectFailure::Refused, source: "refused".into() }));
/// let request = http::Request::get("http://127.0.0.1/").body(bytes::Bytes::new()).unwrap();
/// let err = refused.send(request).await.unwrap_err();
/// assert!(!err.may_have_reached_server());
/// # }
/// ```
pub fn transport_fn<F>(send: F) -> FnTransport
where
    F: Fn(Request) -> Result<Response, TransportError> + Send + Sync + 'static,
{
    FnTransport { send: Box::new(send) }
}

/// A transport whose response to each request is `respond(request)`; it never fails.
///
/// ```
/// use cfzt_transport::HttpTransport;
/// use cfzt_transport::test_util::{infallible_transport, json_response};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// // Echo the query string back, as a page-by-page server might.
/// let echo = infallible_transport(|req| json_response(200, req.uri().query().unwrap_or("").to_owned()));
/// let request = http::Request::get("http://127.0.0.1/?page=2").body(bytes::Bytes::new()).unwrap();
/// assert_eq!(echo.send(request).await.unwrap().body(), "page=2");
/// # }
/// ```
pub fn infallible_transport<F>(respond: F) -> FnTransport
where
    F: Fn(Request) -> Response + Send + Sync + 'static,
{
    transport_fn(move |request| Ok(respond(request)))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use bytes::Bytes;

    use super::*;

    #[tokio::test]
    async fn each_request_reaches_the_closure() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = calls.clone();
        let t = transport_fn(move |req| {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            if n == 1 {
                return Err(TransportError::Io { source: "reset".into(), maybe_sent: true });
            }
            Ok(super::super::json_response(200, req.uri().path().to_owned()))
        });
        let get = |p: &str| http::Request::get(format!("http://a{p}")).body(Bytes::new()).unwrap();
        assert_eq!(t.send(get("/one")).await.unwrap().body(), "/one");
        assert!(t.send(get("/two")).await.unwrap_err().may_have_reached_server());
        assert_eq!(t.send(get("/three")).await.unwrap().body(), "/three");
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        assert_eq!(format!("{t:?}"), "FnTransport { .. }");
    }
}
