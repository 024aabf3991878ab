//! What each attempt sends: a copy of a request the layer was handed, or a request built
//! afresh from a [`RequestTemplate`] whose headers are borrowed; and [`ToSend`], what
//! [`RetryTransport::send_counted`](super::RetryTransport::send_counted) takes of either.

use bytes::Bytes;
use http::{Extensions, HeaderMap, Method, Uri, Version};

use super::RequestOptions;
use crate::Request;

/// A request that [`RetryTransport::send_counted`](super::RetryTransport::send_counted)
/// builds afresh for each attempt, from headers it borrows.
///
/// A transport takes each request by value, so a layer that may send a request again must
/// keep a copy of it. A caller whose headers live longer than the call, such as a client's
/// fixed headers, can hand the layer this template instead: each attempt then copies the
/// headers once, and no attempt copies the one before it.
///
/// ```
/// use cfzt_transport::http::{HeaderMap, HeaderValue, Method, header::ACCEPT};
/// use cfzt_transport::{RequestOptions, RequestTemplate};
///
/// let mut headers = HeaderMap::new();
/// headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
/// let uri = "http://127.0.0.1:8080/client/v4/accounts/a/access/users".parse()?;
/// let mut template = RequestTemplate::new(Method::GET, uri, &headers, Default::default());
/// template.extensions_mut().insert(RequestOptions::new().max_retries(1));
///
/// let request = template.to_request();
/// assert_eq!((request.method(), request.uri()), (template.method(), template.uri()));
/// assert_eq!(request.headers()[ACCEPT], "application/json");
/// assert!(request.extensions().get::<RequestOptions>().is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct RequestTemplate<'a> {
    method: Method,
    uri: Uri,
    headers: &'a HeaderMap,
    body: Bytes,
    extensions: Extensions,
}

impl<'a> RequestTemplate<'a> {
    /// A template for `method` on `uri` with `headers` and `body` (empty for none).
    pub fn new(method: Method, uri: Uri, headers: &'a HeaderMap, body: Bytes) -> Self {
        Self { method, uri, headers, body, extensions: Extensions::new() }
    }

    /// The method each attempt uses.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The URI each attempt is sent to.
    pub fn uri(&self) -> &Uri {
        &self.uri
    }

    /// The headers each attempt carries (a copy of them).
    pub fn headers(&self) -> &HeaderMap {
        self.headers
    }

    /// The body each attempt carries.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The extensions each attempt's request carries, such as [`RequestOptions`].
    pub fn extensions(&self) -> &Extensions {
        &self.extensions
    }

    /// The extensions, to add to.
    pub fn extensions_mut(&mut self) -> &mut Extensions {
        &mut self.extensions
    }

    /// The request one attempt sends.
    pub fn to_request(&self) -> Request {
        assemble(&self.method, &self.uri, Version::default(), self.headers, &self.body, &self.extensions)
    }
}

/// One attempt's request, from the pieces a source keeps.
fn assemble(
    method: &Method,
    uri: &Uri,
    version: Version,
    headers: &HeaderMap,
    body: &Bytes,
    extensions: &Extensions,
) -> Request {
    let mut request = http::Request::new(body.clone());
    *request.method_mut() = method.clone();
    *request.uri_mut() = uri.clone();
    *request.version_mut() = version;
    request.headers_mut().clone_from(headers);
    if !extensions.is_empty() {
        *request.extensions_mut() = extensions.clone();
    }
    request
}

/// What [`RetryTransport::send_counted`](super::RetryTransport::send_counted) sends: a
/// whole [`Request`] (each attempt but the last sends a copy of it), or a
/// [`RequestTemplate`] (each attempt is built afresh from headers it borrows, so that no
/// attempt copies another). Sealed: implemented for these two only.
pub trait ToSend<'a>: sealed::Sealed {
    /// What the layer keeps to build each attempt's request.
    #[doc(hidden)]
    type Source: AttemptSource + 'a;
    /// Taken apart before the call's future is built, so that the future holds it once.
    #[doc(hidden)]
    fn into_source(self) -> Self::Source;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for crate::Request {}
    impl Sealed for super::RequestTemplate<'_> {}
}

impl<'a> ToSend<'a> for Request {
    type Source = Owned;
    fn into_source(self) -> Owned {
        let (parts, body) = self.into_parts();
        Owned { parts, body }
    }
}

impl<'a> ToSend<'a> for RequestTemplate<'a> {
    type Source = RequestTemplate<'a>;
    fn into_source(self) -> Self {
        self
    }
}

/// Where the retry layer's attempts come from.
#[doc(hidden)]
pub trait AttemptSource: Send {
    /// The method, which says whether a request is idempotent.
    fn method(&self) -> &Method;
    /// The per-call options, if the request carries any.
    fn options(&self) -> Option<&RequestOptions>;
    /// The request for an attempt another may follow.
    fn request(&self) -> Request;
    /// The request for the last attempt, which needs no copy kept.
    fn into_request(self) -> Request;
}

/// A request handed over whole: each attempt but the last sends a copy.
#[doc(hidden)]
#[derive(Debug)]
pub struct Owned {
    parts: http::request::Parts,
    body: Bytes,
}

impl AttemptSource for Owned {
    fn method(&self) -> &Method {
        &self.parts.method
    }

    fn options(&self) -> Option<&RequestOptions> {
        self.parts.extensions.get()
    }

    fn request(&self) -> Request {
        let parts = &self.parts;
        assemble(&parts.method, &parts.uri, parts.version, &parts.headers, &self.body, &parts.extensions)
    }

    fn into_request(self) -> Request {
        http::Request::from_parts(self.parts, self.body)
    }
}

impl AttemptSource for RequestTemplate<'_> {
    fn method(&self) -> &Method {
        &self.method
    }

    fn options(&self) -> Option<&RequestOptions> {
        self.extensions.get()
    }

    fn request(&self) -> Request {
        self.to_request()
    }

    fn into_request(self) -> Request {
        self.to_request()
    }
}
