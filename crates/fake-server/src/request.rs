//! Reading a request and writing a success: the path's ids as the models' types, JSON
//! bodies checked key by key, and the success envelope. Shared by the handlers of
//! [`users`](crate::users) and [`seats_and_revoke`](crate::seats_and_revoke).

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Path};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use cfzt_models::{AccountId, Envelope, SessionNonce, UserId};
use serde::Serialize;

use crate::codes;
use crate::failure::{Failure, json_response};

/// A success: `envelope` as JSON with `status`.
pub(crate) fn ok<T: Serialize>(status: StatusCode, envelope: Envelope<T>) -> Response {
    match serde_json::to_string(&envelope) {
        Ok(body) => json_response(status, body),
        Err(e) => {
            Failure::new(StatusCode::INTERNAL_SERVER_ERROR, codes::INJECTED_FAILURE, e.to_string()).into_response()
        }
    }
}

// ---------------------------------------------------------------------------------------
// Path ids
// ---------------------------------------------------------------------------------------

/// The path parameters, each validated with the models' id types.
struct Ids {
    account: AccountId,
    user: Option<UserId>,
    nonce: Option<SessionNonce>,
}

async fn extract_ids(parts: &mut Parts) -> Result<Ids, Failure> {
    let path = parts.uri.path().to_string();
    let invalid = |detail: String| {
        Failure::new(
            StatusCode::BAD_REQUEST,
            codes::INVALID_IDENTIFIER,
            format!("Could not route to {path}, perhaps your object identifier is invalid? ({detail})"),
        )
    };
    let Path(params) =
        Path::<HashMap<String, String>>::from_request_parts(parts, &()).await.map_err(|e| invalid(e.body_text()))?;
    let get = |name: &str| params.get(name).cloned();
    let account = AccountId::new(get("account_id").unwrap_or_default()).map_err(|e| invalid(e.to_string()))?;
    let user = get("user_id").map(UserId::new).transpose().map_err(|e| invalid(e.to_string()))?;
    let nonce = get("nonce").map(SessionNonce::new).transpose().map_err(|e| invalid(e.to_string()))?;
    Ok(Ids { account, user, nonce })
}

/// `{account_id}`.
pub(crate) struct AccountPath(pub(crate) AccountId);
/// `{account_id}` and `{user_id}`.
pub(crate) struct UserPath(pub(crate) AccountId, pub(crate) UserId);
/// `{account_id}`, `{user_id}` and `{nonce}`.
pub(crate) struct SessionPath(pub(crate) AccountId, pub(crate) UserId, pub(crate) SessionNonce);

impl<S: Send + Sync> FromRequestParts<S> for AccountPath {
    type Rejection = Failure;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Failure> {
        Ok(AccountPath(extract_ids(parts).await?.account))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for UserPath {
    type Rejection = Failure;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Failure> {
        let ids = extract_ids(parts).await?;
        let user = ids.user.ok_or_else(Failure::user_not_found)?;
        Ok(UserPath(ids.account, user))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for SessionPath {
    type Rejection = Failure;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Failure> {
        let ids = extract_ids(parts).await?;
        let user = ids.user.ok_or_else(Failure::user_not_found)?;
        let nonce = ids.nonce.ok_or_else(session_not_found)?;
        Ok(SessionPath(ids.account, user, nonce))
    }
}

pub(crate) fn session_not_found() -> Failure {
    Failure::new(StatusCode::NOT_FOUND, codes::SESSION_NOT_FOUND, "session not found")
}

// ---------------------------------------------------------------------------------------
// Bodies
// ---------------------------------------------------------------------------------------

/// The body as a JSON object. Keys outside `known` are ignored, as the API ignores them,
/// unless `strict` (the server's [`strict_body_keys`](crate::FakeServerBuilder::strict_body_keys)).
pub(crate) fn json_object(
    body: &[u8],
    known: &[&str],
    strict: bool,
) -> Result<serde_json::Map<String, serde_json::Value>, Failure> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(Failure::bad_request("request body is required: a JSON object"));
    }
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(map)) => {
            known_keys_only(&map, "", known, strict)?;
            Ok(map)
        }
        Ok(_) => Err(Failure::bad_request("request body must be a JSON object")),
        Err(e) => Err(Failure::bad_request(format!("request body is not valid JSON: {e}"))),
    }
}

/// When `strict`, a 400 on the first key of `object` (found at `at`, a JSON Pointer) that
/// is not in `known`; otherwise nothing: unknown keys are ignored.
pub(crate) fn known_keys_only(
    object: &serde_json::Map<String, serde_json::Value>,
    at: &str,
    known: &[&str],
    strict: bool,
) -> Result<(), Failure> {
    if !strict {
        return Ok(());
    }
    match object.keys().find(|k| !known.contains(&k.as_str())) {
        Some(key) => {
            let pointer = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
            Err(Failure::bad_field(&pointer, format!("unknown field {key}")))
        }
        None => Ok(()),
    }
}

/// A required string field.
pub(crate) fn required_string(
    body: &serde_json::Map<String, serde_json::Value>,
    field: &str,
) -> Result<String, Failure> {
    match body.get(field) {
        None | Some(serde_json::Value::Null) => {
            Err(Failure::bad_field(&format!("/{field}"), format!("{field} is required")))
        }
        Some(serde_json::Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(Failure::bad_field(&format!("/{field}"), format!("{field} must be a string"))),
    }
}

/// Whether `email` is one the SDK would send: the models' rule ([`cfzt_models::validate_email`]).
pub(crate) fn is_valid_email(email: &str) -> bool {
    cfzt_models::validate_email(email).is_ok()
}

/// The body's `email`, refused with a 400 on `/email` by the models' one rule, whose
/// message (naming the offending character by code point) the answer carries.
pub(crate) fn required_email(body: &serde_json::Map<String, serde_json::Value>) -> Result<String, Failure> {
    let email = required_string(body, "email")?;
    match cfzt_models::validate_email(&email) {
        Ok(()) => Ok(email),
        Err(e) => Err(Failure::bad_field("/email", format!("email must be a valid email address: {}", e.reason()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_check_table() {
        let cases = [
            ("jdoe@example.com", true),
            ("a@b", true),
            ("", false),
            ("jdoe", false),
            ("@example.com", false),
            ("jdoe@", false),
            ("a@b@c", false),
            (" jdoe@example.com", false),
            ("j doe@example.com", false),
            ("jdoe\0@example.com", false),
            ("jdoe@example.com\r\n", false),
        ];
        for (email, want) in cases {
            assert_eq!(is_valid_email(email), want, "{email:?}");
        }
    }
}
