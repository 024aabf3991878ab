//! `HttpTransport` for `Box<T>`, `Arc<T>` and `&T` forwards each request to `T`, whether `T`
//! is a concrete transport or a trait object.

use std::sync::Arc;

use bytes::Bytes;
use cfzt_transport::HttpTransport;
use cfzt_transport::test_util::{capture_request, json_response};

/// Sends one request through `transport`, resolved statically to the impl for `T`.
async fn through<T: HttpTransport>(transport: T, path: &str) -> u16 {
    let request = http::Request::get(format!("http://127.0.0.1{path}")).body(Bytes::new()).unwrap();
    transport.send(request).await.unwrap().status().as_u16()
}

#[tokio::test]
async fn blanket_impls_forward() {
    let (inner, requests) = capture_request(Some(json_response(418, "")));
    let statuses = [
        through(Box::new(inner.clone()), "/box").await,
        through(Arc::new(inner.clone()), "/arc").await,
        through(&inner, "/ref").await,
        through(Box::new(inner.clone()) as Box<dyn HttpTransport>, "/box-dyn").await,
        through(Arc::new(inner.clone()) as Arc<dyn HttpTransport>, "/arc-dyn").await,
        through(&inner as &dyn HttpTransport, "/ref-dyn").await,
    ];
    assert_eq!(statuses, [418; 6], "each wrapper returns the inner transport's response");
    let paths: Vec<String> = requests.take_all().iter().map(|r| r.uri().path().to_owned()).collect();
    assert_eq!(
        paths,
        ["/box", "/arc", "/ref", "/box-dyn", "/arc-dyn", "/ref-dyn"],
        "each wrapper sends the request it got, once"
    );
}
