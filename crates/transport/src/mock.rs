//! The mockall mock of [`HttpTransport`].
#![allow(missing_docs)]

use crate::{HttpTransport, Request, Response, TransportError, async_trait};

mockall::mock! {
    /// A [mockall](https://docs.rs/mockall) mock of [`HttpTransport`]: set expectations on
    /// `send` to assert the exact request a client builds and to script its response.
    ///
    /// ```
    /// use cfzt_transport::bytes::Bytes;
    /// use cfzt_transport::{HttpTransport, MockHttpTransport, http};
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let mut mock = MockHttpTransport::new();
    /// mock.expect_send()
    ///     .withf(|req| req.uri() == "http://127.0.0.1/ping")
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
