//! The mockall mock of [`HttpTransport`].
#![allow(missing_docs)]

use crate::{HttpTransport, Request, Response, TransportError, async_trait};

mockall::mock! {
    /// A [mockall](https://docs.rs/mockall) mock of [`HttpTransport`]: set expectations on
    /// `send` to script responses and count calls.
    ///
    /// mockall is re-exported as [`cfzt_transport::mockall`](crate::mockall), so
    /// `predicate`s and `Sequence`s need no mockall dependency of your own. When a test is
    /// about the request a client builds, prefer the doubles of `test_util` (feature
    /// `test-util`): mockall reports an unmatched call as "No matching expectation found"
    /// without saying which part of the request differed, while
    /// `ReplayTransport::assert_requests_match` names the request and the part.
    ///
    /// ```
    /// use cfzt_transport::bytes::Bytes;
    /// use cfzt_transport::mockall::predicate;
    /// use cfzt_transport::{HttpTransport, MockHttpTransport, http};
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let mut mock = MockHttpTransport::new();
    /// mock.expect_send()
    ///     .with(predicate::function(|req: &cfzt_transport::Request| req.uri() == "http://127.0.0.1/ping"))
    ///     .times(1)
    ///     .returning(|_| Ok(http::Response::new(Bytes::from_static(b"pong"))));
    /// let req = http::Request::get("http://127.0.0.1/ping").body(Bytes::new()).unwrap();
    /// assert_eq!(mock.send(req).await.unwrap().body(), "pong");
    /// # }
    /// ```
    #[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
    pub HttpTransport {}

    #[async_trait]
    impl HttpTransport for HttpTransport {
        async fn send(&self, request: Request) -> Result<Response, TransportError>;
    }
}
