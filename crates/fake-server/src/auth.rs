//! Authentication: which credentials a request carries, whether the server accepts them,
//! and how they are recorded without their values.

use axum::http::{HeaderMap, StatusCode, header};

use crate::codes;
use crate::failure::Failure;
use crate::journal::AuthScheme;
use crate::ratelimit::Credential;

/// What the journal records instead of a credential's value.
const REDACTED: &str = "[REDACTED]";

/// The token of an `Authorization: Bearer <token>` header: `Ok(None)` without the header,
/// `Err(())` when the header is there but malformed.
pub(crate) fn bearer_token(headers: &HeaderMap) -> Result<Option<&str>, ()> {
    let Some(value) = headers.get(header::AUTHORIZATION) else { return Ok(None) };
    let value = value.to_str().map_err(|_| ())?;
    let (scheme, token) = value.split_once(' ').ok_or(())?;
    let token = token.trim();
    if scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && !token.contains(char::is_whitespace) {
        Ok(Some(token))
    } else {
        Err(())
    }
}

fn has_key_pair(headers: &HeaderMap) -> bool {
    let present = |name: &str| headers.get(name).is_some_and(|v| !v.as_bytes().trim_ascii().is_empty());
    present("x-auth-email") && present("x-auth-key")
}

/// The credential the rate limit counts a request against: the bearer token, else the
/// email/key pair; `None` for a request without usable credentials.
pub(crate) fn credential(headers: &HeaderMap) -> Option<Credential<'_>> {
    if let Ok(Some(token)) = bearer_token(headers) {
        return Some(Credential::Token(token));
    }
    let value = |name: &str| headers.get(name)?.to_str().ok().map(str::trim).filter(|v| !v.is_empty());
    Some(Credential::Key { email: value("x-auth-email")?, key: value("x-auth-key")? })
}

/// Which credentials `headers` carry.
pub(crate) fn auth_scheme(headers: &HeaderMap) -> AuthScheme {
    match (bearer_token(headers), has_key_pair(headers)) {
        (Err(()), _) => AuthScheme::Malformed,
        (Ok(Some(_)), true) => AuthScheme::Both,
        (Ok(Some(_)), false) => AuthScheme::Token,
        (Ok(None), true) => AuthScheme::ApiKey,
        (Ok(None), false) => AuthScheme::None,
    }
}

/// Whether the request may go on: any well-formed credentials, or only `required` when
/// the server was built with `require_token`.
pub(crate) fn check(required: Option<&str>, headers: &HeaderMap) -> Result<(), Failure> {
    let auth_error = |status| Failure::new(status, codes::AUTHENTICATION_ERROR, "Authentication error");
    match auth_scheme(headers) {
        AuthScheme::Malformed => {
            Err(Failure::invalid_header(codes::INVALID_AUTHORIZATION_FORMAT, "Invalid format for Authorization header"))
        }
        AuthScheme::None => Err(auth_error(StatusCode::UNAUTHORIZED)),
        _ => match required {
            Some(required) if bearer_token(headers) != Ok(Some(required)) => Err(auth_error(StatusCode::FORBIDDEN)),
            _ => Ok(()),
        },
    }
}

/// The request headers as the journal records them: names in lower case, and the values
/// of credential headers replaced, since the journal is printed in test failures and must
/// not leak a real token.
pub(crate) fn recorded_headers(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(n, v)| {
            let value = if matches!(n.as_str(), "authorization" | "x-auth-key") {
                REDACTED.to_string()
            } else {
                String::from_utf8_lossy(v.as_bytes()).into_owned()
            };
            (n.as_str().to_string(), value)
        })
        .collect()
}
