//! Masking the client's own secrets in what a server sends back, before it becomes an error
//! or a response the caller holds.

use std::borrow::Cow;

use cfzt_models::ResponseInfo;
use http::{HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use crate::error::{ApiError, DecodeError, Error};
use crate::response::ApiResponse;

/// What stands in for a masked value.
const REDACTED: &str = "[REDACTED]";

/// Response headers whose values are credentials whatever they hold: masked whole.
const CREDENTIAL_HEADERS: [&str; 7] = [
    "authorization",
    "proxy-authorization",
    "x-auth-key",
    "x-auth-email",
    "x-auth-user-service-key",
    "cookie",
    "set-cookie",
];

/// Masks the client's own secrets in what a server sends back, before it becomes an error.
///
/// Built once per client from its credentials; applied to every [`ApiError`] and
/// [`DecodeError`] the client makes. A secret is masked where it stands whole: bounded on
/// both sides by a character that cannot be part of a token (see [`is_token_char`]) or
/// by the text's ends, as in `Bearer <token>`, a JSON string or a whole header value. A
/// secret of [`MASK_ANYWHERE_FROM`] characters or more is masked wherever it appears,
/// glued to other characters too (percent-encoded, concatenated), since no message holds
/// one by chance; a shorter one (a test token such as `t`) is masked only where it stands
/// whole, so that it does not garble every word that holds it ("user no[REDACTED]
/// found"). It finds a secret by exact match only: a server that sends back a transformed
/// secret (encoded, split, truncated) is not caught, which is why credential headers are
/// masked whole whatever they hold.
#[derive(Clone, Default)]
pub(crate) struct Redactor {
    /// The secrets, longest first so that a secret holding another is masked whole.
    secrets: Vec<SecretString>,
}

impl Redactor {
    /// A redactor for these secrets; empty ones are ignored.
    pub(crate) fn new<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Self {
        let mut secrets: Vec<&str> = secrets.into_iter().filter(|s| !s.is_empty()).collect();
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Self { secrets: secrets.into_iter().map(SecretString::from).collect() }
    }

    /// `text` with every secret replaced by `[REDACTED]` where it stands whole, and a long
    /// secret wherever it appears (see [`Redactor`]).
    pub(crate) fn text<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut out = Cow::Borrowed(text);
        for secret in &self.secrets {
            if let Some(masked) = mask(&out, secret.expose_secret()) {
                out = Cow::Owned(masked);
            }
        }
        out
    }

    fn string(&self, text: &mut String) {
        if let Cow::Owned(masked) = self.text(text) {
            *text = masked;
        }
    }

    fn json(&self, value: &mut serde_json::Value) {
        match value {
            serde_json::Value::String(s) => self.string(s),
            serde_json::Value::Array(items) => items.iter_mut().for_each(|v| self.json(v)),
            serde_json::Value::Object(map) => self.map(map),
            _ => {}
        }
    }

    fn map(&self, map: &mut serde_json::Map<String, serde_json::Value>) {
        if map.keys().any(|k| matches!(self.text(k), Cow::Owned(_))) {
            *map = std::mem::take(map).into_iter().map(|(k, v)| (self.text(&k).into_owned(), v)).collect();
        }
        map.values_mut().for_each(|v| self.json(v));
    }

    pub(crate) fn infos(&self, infos: &mut [ResponseInfo]) {
        for info in infos {
            self.string(&mut info.message);
            if let Some(url) = &mut info.documentation_url {
                self.string(url);
            }
            if let Some(pointer) = info.source.as_mut().and_then(|s| s.pointer.as_mut()) {
                self.string(pointer);
            }
            self.map(&mut info.extra);
        }
    }

    /// The headers with credential headers masked whole and secrets masked in the others.
    fn headers(&self, headers: &HeaderMap) -> HeaderMap {
        let masked = || {
            let mut v = HeaderValue::from_static(REDACTED);
            v.set_sensitive(true);
            v
        };
        let mut out = HeaderMap::with_capacity(headers.len());
        for (name, value) in headers {
            let value = if is_credential_header(name) {
                masked()
            } else {
                match self.text(&String::from_utf8_lossy(value.as_bytes())) {
                    Cow::Borrowed(_) => value.clone(),
                    Cow::Owned(text) => HeaderValue::from_str(&text).unwrap_or_else(|_| masked()),
                }
            };
            out.append(name.clone(), value);
        }
        out
    }
}

/// The length (in characters) from which a secret is masked wherever it appears, not only
/// where it stands whole: real Cloudflare tokens (40 characters) and API keys (37) are far
/// longer, and a string this long does not turn up in a message by chance.
const MASK_ANYWHERE_FROM: usize = 12;

/// Whether `c` can be part of a token, so that a secret next to it is part of a longer
/// word or token rather than standing whole: letters, digits, `-` and `_`.
fn is_token_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '_'
}

/// `text` with each occurrence of `secret` that counts (see [`Redactor`]) replaced by
/// `[REDACTED]`, or `None` when there is none.
fn mask(text: &str, secret: &str) -> Option<String> {
    let anywhere = secret.chars().count() >= MASK_ANYWHERE_FROM;
    let mut out = String::new();
    let (mut copied, mut from) = (0, 0);
    while let Some(at) = text[from..].find(secret).map(|i| from + i) {
        let end = at + secret.len();
        let whole = !text[..at].chars().next_back().is_some_and(is_token_char)
            && !text[end..].chars().next().is_some_and(is_token_char);
        if anywhere || whole {
            out.push_str(&text[copied..at]);
            out.push_str(REDACTED);
            (copied, from) = (end, end);
        } else {
            // Look again from the next character: an occurrence may overlap this one.
            from = at + text[at..].chars().next().map_or(1, char::len_utf8);
        }
    }
    if copied == 0 {
        return None;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

fn is_credential_header(name: &HeaderName) -> bool {
    CREDENTIAL_HEADERS.contains(&name.as_str())
}

impl ApiError {
    /// The same error with every secret of `redactor` and every credential header masked.
    pub(crate) fn redact(mut self, redactor: &Redactor) -> Self {
        redactor.infos(&mut self.errors);
        redactor.infos(&mut self.messages);
        if let Some(ray) = &mut self.cf_ray {
            redactor.string(ray);
        }
        if let Some(excerpt) = &mut self.body_excerpt {
            redactor.string(excerpt);
        }
        self.headers = redactor.headers(&self.headers);
        self
    }
}

impl<T> ApiResponse<T> {
    /// The same response with every credential header and every secret of `redactor`
    /// masked in its headers and messages (its errors are masked when the call decodes
    /// them, before they are logged). The result is the API's data and is left as it came.
    pub(crate) fn redact(mut self, redactor: &Redactor) -> Self {
        self.headers = redactor.headers(&self.headers);
        redactor.infos(&mut self.messages);
        self
    }
}

impl DecodeError {
    /// The same error with every secret of `redactor` masked.
    pub(crate) fn redact(mut self, redactor: &Redactor) -> Self {
        for text in [&mut self.path, &mut self.reason, &mut self.body_excerpt] {
            redactor.string(text);
        }
        if let Some(ray) = &mut self.cf_ray {
            redactor.string(ray);
        }
        self
    }
}

impl Error {
    /// The same error with what the server sent back masked (see [`Redactor`]).
    pub(crate) fn redact(self, redactor: &Redactor) -> Self {
        match self {
            Self::Api(e) => Self::Api(Box::new(e.redact(redactor))),
            Self::Decode(e) => Self::Decode(Box::new(e.redact(redactor))),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use http::StatusCode;

    use super::*;

    const TOKEN: &str = "tok-SECRET-1234";
    const KEY: &str = "key-SECRET-5678";

    fn redactor() -> Redactor {
        Redactor::new([TOKEN, KEY, ""])
    }

    /// (secret, text, what is shown): a secret is masked where it stands whole, a long one
    /// wherever it appears, and a short one never inside a longer word or token.
    #[test]
    fn whole_secrets_table() {
        const LONG: &str = "SENTINEL-token-7c1d0e";
        let cases = [
            ("t", "user not found", "user not found"),
            ("t", "application/json", "application/json"),
            ("t", "t", "[REDACTED]"),
            ("t", "Bearer t", "Bearer [REDACTED]"),
            ("t", r#"{"token":"t"}"#, r#"{"token":"[REDACTED]"}"#),
            ("t", "token t.", "token [REDACTED]."),
            ("t", "?t=t&x=1", "?[REDACTED]=[REDACTED]&x=1"),
            ("t", "tt t-t t_t t1 ét", "tt t-t t_t t1 ét"),
            ("t", "", ""),
            ("test-token", "test-token-2 is not test-token", "test-token-2 is not [REDACTED]"),
            ("test-token", "atest-token, test-tokens", "atest-token, test-tokens"),
            ("abcdefghijk", "xabcdefghijkx abcdefghijk", "xabcdefghijkx [REDACTED]"),
            ("abcdefghijkl", "xabcdefghijklx", "x[REDACTED]x"),
            (LONG, "Bearer SENTINEL-token-7c1d0e", "Bearer [REDACTED]"),
            (LONG, "?t=%22SENTINEL-token-7c1d0e%22", "?t=%22[REDACTED]%22"),
            (LONG, "xSENTINEL-token-7c1d0eSENTINEL-token-7c1d0e", "x[REDACTED][REDACTED]"),
            (LONG, "SENTINEL-token-7c1d0", "SENTINEL-token-7c1d0"),
            ("é", "café é", "café [REDACTED]"),
            ("aa", "aaa aa", "aaa [REDACTED]"),
        ];
        for (secret, text, want) in cases {
            assert_eq!(Redactor::new([secret]).text(text), want, "{secret:?} in {text:?}");
        }
    }

    #[test]
    fn text_table() {
        let cases = [
            ("nothing to hide", "nothing to hide"),
            ("Bearer tok-SECRET-1234", "Bearer [REDACTED]"),
            ("tok-SECRET-1234tok-SECRET-1234 and key-SECRET-5678", "[REDACTED][REDACTED] and [REDACTED]"),
            ("tok-SECRET-123", "tok-SECRET-123"),
            ("", ""),
        ];
        for (text, want) in cases {
            assert_eq!(redactor().text(text), want, "{text:?}");
        }
        assert_eq!(Redactor::default().text(TOKEN), TOKEN);
    }

    #[test]
    fn api_error_masks_every_field_a_server_fills() {
        let mut headers = HeaderMap::new();
        for name in CREDENTIAL_HEADERS {
            headers.append(name, HeaderValue::from_static("anything at all"));
        }
        headers.append("set-cookie", HeaderValue::from_static("second=1"));
        headers.append("www-authenticate", HeaderValue::from_str(&format!("Bearer realm={TOKEN}")).unwrap());
        headers.append("x-echo", HeaderValue::from_str(KEY).unwrap());
        headers.append("content-type", HeaderValue::from_static("text/html"));
        let mut info = ResponseInfo::new(6111, format!("Invalid format for Authorization header: Bearer {TOKEN}"));
        info.documentation_url = Some(format!("https://x/?t={TOKEN}"));
        info.source = Some(serde_json::from_value(serde_json::json!({ "pointer": format!("/{KEY}") })).unwrap());
        info.extra.insert(
            "error_chain".into(),
            serde_json::json!([{ "message": KEY, TOKEN: [1, { "deep": format!("x{TOKEN}x") }] }]),
        );
        let err = ApiError {
            operation: "get_user",
            status: StatusCode::BAD_REQUEST,
            errors: vec![info.clone()],
            messages: vec![info],
            cf_ray: Some(TOKEN.into()),
            retry_after: None,
            pacing_wait: None,
            body_excerpt: Some(format!("<html>{TOKEN} {KEY}</html>")),
            headers,
            attempts: 1,
        }
        .redact(&redactor());
        for text in [err.to_string(), format!("{err:?}"), format!("{err:#?}"), format!("{:?}", err.headers)] {
            assert!(!text.contains(TOKEN) && !text.contains(KEY), "{text}");
            assert!(!text.contains("anything at all"), "a credential header's value: {text}");
        }
        for name in CREDENTIAL_HEADERS {
            assert!(err.headers.get_all(name).iter().all(|v| v == REDACTED && v.is_sensitive()), "{name}");
        }
        assert_eq!(err.headers.get_all("set-cookie").iter().count(), 2, "every value is kept, masked");
        assert_eq!(err.headers["www-authenticate"], "Bearer realm=[REDACTED]");
        assert_eq!(err.headers["content-type"], "text/html");
        assert!(err.to_string().starts_with("Invalid format for Authorization header: Bearer [REDACTED] (code 6111)"));
    }

    #[test]
    fn decode_error_masks_every_field_a_server_fills() {
        let err = Error::Decode(Box::new(DecodeError {
            operation: "get_user",
            status: StatusCode::OK,
            path: format!("result.{TOKEN}"),
            reason: format!("invalid type: string \"{KEY}\", expected u64"),
            body_excerpt: format!("{{\"result\":{{\"{TOKEN}\":\"{KEY}\"}}}}"),
            cf_ray: Some(KEY.into()),
        }))
        .redact(&redactor());
        for text in [err.to_string(), format!("{err:?}"), format!("{err:#?}")] {
            assert!(!text.contains(TOKEN) && !text.contains(KEY), "{text}");
        }
        assert!(err.to_string().contains("at `result.[REDACTED]`"), "{err}");
    }
}
