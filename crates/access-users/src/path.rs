//! What is sent: the path rendered from the operation's template, the query and the body.

use bytes::Bytes;
use cfzt_models::ValidationError;
use cfzt_models::operations::{Operation, PathPart};
use cfzt_transport::RequestOptions;
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

/// One prepared call: the operation, its URI (base URL, path and query, already encoded),
/// its body and its options.
#[derive(Debug)]
pub(crate) struct Call {
    pub(crate) operation: &'static Operation,
    pub(crate) uri: String,
    pub(crate) body: Option<Bytes>,
    pub(crate) options: RequestOptions,
}

impl Call {
    /// A call to `operation` at `base` followed by the operation's path template, each
    /// parameter replaced by its value in `params` (by name), percent-encoded as one
    /// segment. The URI is built in one string, which becomes the request's URI.
    ///
    /// # Errors
    ///
    /// A parameter of the template with no value in `params` (nothing is sent).
    pub(crate) fn new(
        operation: &'static Operation,
        base: &str,
        params: &[(&str, &str)],
    ) -> Result<Self, ValidationError> {
        let mut uri = String::with_capacity(base.len() + 96);
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
        Ok(Self { operation, uri, body: None, options: RequestOptions::default() })
    }

    /// Adds a query string built from `pairs`, form-encoded.
    pub(crate) fn query<'a>(mut self, pairs: impl IntoIterator<Item = (&'a str, String)>) -> Self {
        let mut pairs = pairs.into_iter().peekable();
        if pairs.peek().is_some() {
            self.uri.push('?');
            let start = self.uri.len();
            let mut query = url::form_urlencoded::Serializer::for_suffix(std::mem::take(&mut self.uri), start);
            query.extend_pairs(pairs);
            self.uri = query.finish();
        }
        self
    }

    /// Adds a JSON body.
    pub(crate) fn json(mut self, body: &impl Serialize) -> Result<Self, ValidationError> {
        let bytes =
            serde_json::to_vec(body).map_err(|e| ValidationError::new("body", format!("cannot be serialized: {e}")))?;
        self.body = Some(Bytes::from(bytes));
        Ok(self)
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
        Call::new(operation, base, params).unwrap().uri
    }

    #[test]
    fn params_are_percent_encoded() {
        let uri = render(&operations::GET_USER, "http://h/v4", &[("account_id", "a b/c?d#e%f.."), ("user_id", "u")]);
        assert_eq!(uri, "http://h/v4/accounts/a%20b%2Fc%3Fd%23e%25f../access/users/u");
        // Unreserved characters pass as they are; anything else, ASCII or not, is encoded.
        let nonce = &[("account_id", "aZ09-._~"), ("user_id", "é"), ("nonce", "a+b")];
        let uri = render(&operations::GET_ACTIVE_SESSION, "http://h", nonce);
        assert_eq!(uri, "http://h/accounts/aZ09-._~/access/users/%C3%A9/active_sessions/a%2Bb");
        let call = Call::new(&operations::LIST_USERS, "http://h", &[("account_id", "x")]).unwrap();
        let call = call.query([("search", "jane doe&x=1".to_string()), ("page", "2".into())]);
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
        let missing = Call::new(&operations::GET_USER, "", &[("account_id", "A")]).unwrap_err();
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
