//! One call as it is sent, built once: the operation's method, the URI (the path template
//! filled in, then the query) and the body, with the per-call options.

use bytes::Bytes;
use cfzt_models::ValidationError;
use cfzt_models::operations::{HttpMethod, Operation, PathPart};
use cfzt_transport::RequestOptions;
use http::{Method, Uri};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde::Serialize;

/// Characters escaped in a path segment: everything but RFC 3986 unreserved characters.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\\')
    .add(b'^')
    .add(b'|')
    .add(b'[')
    .add(b']')
    .add(b'@')
    .add(b':')
    .add(b';')
    .add(b'=')
    .add(b'&')
    .add(b'+')
    .add(b'$')
    .add(b',')
    .add(b'!')
    .add(b'\'')
    .add(b'(')
    .add(b')')
    .add(b'*');

/// Whether `segment` holds only RFC 3986's unreserved characters (the complement of
/// [`SEGMENT`] within ASCII), which a path segment carries as they are. Folded without
/// stopping early, so that the compiler checks many bytes at once.
fn is_unreserved(segment: &str) -> bool {
    segment.bytes().fold(true, |all, b| all & (b.is_ascii_alphanumeric() | matches!(b, b'-' | b'.' | b'_' | b'~')))
}

/// What a call carries beside its path: a query and a body, each optional.
#[derive(Debug, Default)]
pub(crate) struct Content {
    /// The query, form-encoded, without its `?`; empty for none.
    query: String,
    body: Option<Bytes>,
}

impl Content {
    /// A JSON body.
    ///
    /// # Errors
    ///
    /// A value that cannot be serialized, as a [`ValidationError`] naming `body`.
    pub(crate) fn json(value: &impl Serialize) -> Result<Self, ValidationError> {
        let bytes = serde_json::to_vec(value)
            .map_err(|e| ValidationError::new("body", format!("cannot be serialized: {e}")))?;
        Ok(Self { query: String::new(), body: Some(Bytes::from(bytes)) })
    }

    /// The same content with a query built from `pairs`, form-encoded; none if `pairs` is
    /// empty.
    pub(crate) fn query<'a>(mut self, pairs: impl IntoIterator<Item = (&'a str, String)>) -> Self {
        let mut query = url::form_urlencoded::Serializer::new(std::mem::take(&mut self.query));
        query.extend_pairs(pairs);
        self.query = query.finish();
        self
    }
}

/// One call, built: the operation, its URI (base URL, path and query, already encoded),
/// its body and its options. Nothing about it can fail any more: sending it only hands
/// these parts to the retry layer.
#[derive(Debug)]
pub(crate) struct Call {
    pub(crate) operation: &'static Operation,
    pub(crate) uri: Uri,
    pub(crate) body: Option<Bytes>,
    pub(crate) options: RequestOptions,
}

impl Call {
    /// The call to `operation` at `base`: the operation's path template, each parameter
    /// replaced by its value in `params` (by name) percent-encoded as one segment, then
    /// `content`'s query, written into one string that becomes the URI; `content`'s body.
    ///
    /// # Errors
    ///
    /// A parameter of the template with no value in `params`, or (which the encoding rules
    /// out for a checked base URL) text that does not form a URI. Nothing is sent.
    pub(crate) fn new(
        operation: &'static Operation,
        base: &str,
        params: &[(&str, &str)],
        content: Content,
    ) -> Result<Self, ValidationError> {
        let Content { query, body } = content;
        let mut uri = String::with_capacity(base.len() + 96 + query.len());
        uri.push_str(base);
        for part in operation.parts() {
            match *part {
                PathPart::Literal(text) => uri.push_str(text),
                PathPart::Param(name) => {
                    let value = params.iter().find(|(n, _)| *n == name).map(|(_, v)| *v).ok_or_else(|| {
                        ValidationError::new(name, format!("has no value in the path of {}", operation.name))
                    })?;
                    push_segment(&mut uri, value);
                }
            }
        }
        if !query.is_empty() {
            uri.push('?');
            uri.push_str(&query);
        }
        let uri =
            Uri::try_from(uri).map_err(|e| ValidationError::new("path", format!("does not form a valid URI: {e}")))?;
        Ok(Self { operation, uri, body, options: RequestOptions::default() })
    }

    /// The HTTP method of the call: its operation's, which always has one.
    pub(crate) fn method(&self) -> Method {
        match self.operation.method {
            HttpMethod::Get => Method::GET,
            HttpMethod::Post => Method::POST,
            HttpMethod::Put => Method::PUT,
            HttpMethod::Patch => Method::PATCH,
            HttpMethod::Delete => Method::DELETE,
        }
    }
}

/// Appends `segment` percent-encoded; unreserved text (ids, the API's words) as it is.
fn push_segment(uri: &mut String, segment: &str) {
    // A cheap test for the usual case skips the encoder's byte-by-byte walk.
    if is_unreserved(segment) {
        uri.push_str(segment);
    } else {
        uri.extend(utf8_percent_encode(segment, SEGMENT));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cfzt_models::operations::{self, ALL};

    fn render(operation: &'static Operation, base: &str, params: &[(&str, &str)]) -> String {
        Call::new(operation, base, params, Content::default()).unwrap().uri.to_string()
    }

    #[test]
    fn params_are_percent_encoded() {
        let uri = render(&operations::GET_USER, "http://h/v4", &[("account_id", "a b/c?d#e%f.."), ("user_id", "u")]);
        assert_eq!(uri, "http://h/v4/accounts/a%20b%2Fc%3Fd%23e%25f../access/users/u");
        // Unreserved characters pass as they are; anything else, ASCII or not, is encoded.
        let nonce = &[("account_id", "aZ09-._~"), ("user_id", "é"), ("nonce", "a+b")];
        let uri = render(&operations::GET_ACTIVE_SESSION, "http://h", nonce);
        assert_eq!(uri, "http://h/accounts/aZ09-._~/access/users/%C3%A9/active_sessions/a%2Bb");
        let content = Content::default().query([("search", "jane doe&x=1".to_string()), ("page", "2".into())]);
        let call = Call::new(&operations::LIST_USERS, "http://h", &[("account_id", "x")], content).unwrap();
        assert_eq!(call.uri, "http://h/accounts/x/access/users?search=jane+doe%26x%3D1&page=2");
        assert_eq!(
            render(&operations::LIST_USERS, "http://h", &[("account_id", "x")]),
            "http://h/accounts/x/access/users"
        );
    }

    #[test]
    fn every_operation_renders_its_template() {
        let params = [("account_id", "A"), ("user_id", "U"), ("nonce", "N")];
        for operation in ALL {
            let want = operation.path.replace("{account_id}", "A").replace("{user_id}", "U").replace("{nonce}", "N");
            assert_eq!(render(operation, "", &params), want, "{}", operation.name);
        }
        let missing = Call::new(&operations::GET_USER, "", &[("account_id", "A")], Content::default()).unwrap_err();
        assert_eq!(missing.field(), "user_id");
    }

    #[test]
    fn unreserved_is_what_the_encoder_leaves_alone() {
        for b in 0..=u8::MAX {
            let text = char::from(b).to_string();
            let untouched = b.is_ascii() && utf8_percent_encode(&text, SEGMENT).to_string() == text;
            assert_eq!(is_unreserved(&text), untouched, "byte {b:#04x}");
            assert_eq!(is_unreserved(&format!("f174e90a-fafe-4643-bbbc-4a0ed4fc8415{text}")), untouched, "{b:#04x}");
        }
    }
}
