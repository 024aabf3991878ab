//! The mockall mock of [`HttpTransport`].
#![allow(missing_docs)]

use crate::{HttpTransport, Request, Response, TransportError, async_trait};

mockall::mock! {
    /// A [mockall](https://docs.rs/mockall) mock of [`HttpTransport`]: set expectations on
    /// `send` to assert the exact request a client builds and to script its response.
    ///
    /// ```
    /// use cfzt_transport::{HttpTransport, MockHttpTransport};
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let mut mock = MockHttpTransport::new();
    /// mock.expect_send()
    ///     .withf(|req| req.uri() == "http://127.0.0.1/ping")
    ///     .returning(|_| Ok(http::Response::new(bytes::Bytes::from_static(b"pong"))));
    /// let req = http::Request::get("http://127.0.0.1/ping").body(bytes::Bytes::new()).unwrap();
    /// assert_eq!(mock.send(req).await.unwrap().body(), "pong");
    /// # }
    /// ```
    pub HttpTransport {}

    #[async_trait]
    impl HttpTransport for HttpTransport {
        async fn send(&self, request: Request) -> Result<Response, TransportError>;
    }
}
