//! The axum router: the operations over the in-memory [`Store`](crate::store::Store).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use cfzt_models::{
    AccountId, DeleteUserResult, Envelope, ResponseInfo, ResultInfo, SessionNonce, UserId, email_key, emails_match,
};
use serde::Serialize;

use crate::failure::{Failure, json_response};
use crate::state::Shared;
use crate::store::CreateError;
use crate::{adjacent, codes};

/// The page size of the users list when `per_page` is absent, and the `per_page` reported
/// by the single-page lists.
const DEFAULT_PER_PAGE: u64 = 20;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    const USERS: &str = "/client/v4/accounts/{account_id}/access/users";
    const USER: &str = "/client/v4/accounts/{account_id}/access/users/{user_id}";
    Router::new()
        .route(USERS, get(list_users).post(create_user))
        .route(USER, get(get_user).put(update_user).delete(delete_user))
        .route(&format!("{USER}/active_sessions"), get(list_active_sessions))
        .route(&format!("{USER}/active_sessions/{{nonce}}"), get(get_active_session))
        .route(&format!("{USER}/last_seen_identity"), get(get_last_seen_identity))
        .route(&format!("{USER}/failed_logins"), get(list_failed_logins))
        .route("/client/v4/accounts/{account_id}/access/seats", patch(adjacent::edit_seats))
        .route("/client/v4/accounts/{account_id}/access/organizations/revoke_user", post(adjacent::revoke_user))
        .fallback(no_route)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(shared)
}

pub(crate) fn ok<T: Serialize>(status: StatusCode, envelope: Envelope<T>) -> Response {
    match serde_json::to_string(&envelope) {
        Ok(body) => json_response(status, body),
        Err(e) => {
            Failure::new(StatusCode::INTERNAL_SERVER_ERROR, codes::INJECTED_FAILURE, e.to_string()).into_response()
        }
    }
}

async fn no_route() -> Failure {
    Failure::new(StatusCode::NOT_FOUND, codes::NO_ROUTE, "No route for that URI")
}

async fn method_not_allowed() -> Failure {
    Failure::new(StatusCode::METHOD_NOT_ALLOWED, codes::METHOD_NOT_ALLOWED, "Method not allowed")
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
struct UserPath(AccountId, UserId);
/// `{account_id}`, `{user_id}` and `{nonce}`.
struct SessionPath(AccountId, UserId, SessionNonce);

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

fn session_not_found() -> Failure {
    Failure::new(StatusCode::NOT_FOUND, codes::SESSION_NOT_FOUND, "session not found")
}

// ---------------------------------------------------------------------------------------
// Bodies
// ---------------------------------------------------------------------------------------

/// The keys of *create a user* and *update a user* bodies.
const USER_KEYS: &[&str] = &["email", "name"];

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
fn required_string(body: &serde_json::Map<String, serde_json::Value>, field: &str) -> Result<String, Failure> {
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

// ---------------------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------------------

async fn create_user(
    State(shared): State<Arc<Shared>>,
    AccountPath(account): AccountPath,
    body: Bytes,
) -> Result<Response, Failure> {
    let body = json_object(&body, USER_KEYS, shared.strict_body_keys)?;
    let email = required_email(&body)?;
    let name = match body.get("name") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(Failure::bad_field("/name", "name must be a string")),
    };
    let created = shared.store().create(account.as_str(), &email, name);
    match created {
        Ok(user) => Ok(ok(StatusCode::CREATED, Envelope::success(user))),
        Err(CreateError::EmailTaken) => Err(Failure::with_info(
            StatusCode::CONFLICT,
            ResponseInfo::new(codes::EMAIL_TAKEN, "a user with this email already exists").with_pointer("/email"),
        )),
    }
}

/// Parses a positive integer query parameter.
fn positive(name: &str, value: Option<&str>, default: u64) -> Result<u64, Failure> {
    match value {
        None => Ok(default),
        Some(v) => match v.trim().parse::<u64>() {
            Ok(n) if n >= 1 => Ok(n),
            _ => Err(Failure::bad_request(format!("{name} must be a positive integer, got {v:?}"))),
        },
    }
}

async fn list_users(
    State(shared): State<Arc<Shared>>,
    AccountPath(account): AccountPath,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, Failure> {
    let Query(pairs) = query.map_err(|e| Failure::bad_request(format!("invalid query string: {}", e.body_text())))?;
    let param = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let filter = |name: &str| param(name).filter(|v| !v.is_empty());
    let page = positive("page", param("page"), 1)?;
    let per_page = positive("per_page", param("per_page"), DEFAULT_PER_PAGE)?;
    if shared.strict_per_page && !codes::ALLOWED_PER_PAGE.contains(&per_page) {
        return Err(Failure::new(
            StatusCode::BAD_REQUEST,
            codes::PER_PAGE_NOT_ALLOWED,
            "per_page must be one of 1, 5, 10, 20, 25, 50, 100, 1000",
        ));
    }
    let (email, name) = (filter("email"), filter("name"));
    // `search` folds case as emails are compared, ASCII only: a lookalike of the text
    // (KELVIN SIGN for `k`) finds no one, in a name or in an email.
    let search = filter("search").map(email_key);

    let store = shared.store();
    let all = store.users(account.as_str());
    let matching: Vec<_> = all
        .iter()
        .map(|r| &r.user)
        .filter(|u| email.is_none_or(|e| u.email.as_deref().is_some_and(|x| emails_match(x, e))))
        .filter(|u| name.is_none_or(|n| u.name.as_deref() == Some(n)))
        .filter(|u| {
            search
                .as_deref()
                .is_none_or(|s| [&u.name, &u.email].into_iter().flatten().any(|field| email_key(field).contains(s)))
        })
        .collect();
    let filtered = matching.len() as u64;
    let skip = usize::try_from((page - 1).saturating_mul(per_page)).unwrap_or(usize::MAX);
    let take = usize::try_from(per_page).unwrap_or(usize::MAX);
    let items: Vec<_> = matching.into_iter().skip(skip).take(take).cloned().collect();
    let info = ResultInfo::new(page, per_page, items.len() as u64, all.len() as u64, filtered.div_ceil(per_page));
    Ok(ok(StatusCode::OK, Envelope::success(items).with_result_info(info)))
}

async fn get_user(State(shared): State<Arc<Shared>>, UserPath(account, user): UserPath) -> Result<Response, Failure> {
    let store = shared.store();
    let record = store.find(account.as_str(), user.as_str()).ok_or_else(Failure::user_not_found)?;
    Ok(ok(StatusCode::OK, Envelope::success(record.user.clone())))
}

async fn update_user(
    State(shared): State<Arc<Shared>>,
    UserPath(account, user): UserPath,
    body: Bytes,
) -> Result<Response, Failure> {
    let mut store = shared.store();
    let record = store.find_mut(account.as_str(), user.as_str()).ok_or_else(Failure::user_not_found)?;
    let body = json_object(&body, USER_KEYS, shared.strict_body_keys)?;
    let email = required_email(&body)?;
    let name = required_string(&body, "name")?;
    if name.trim().is_empty() {
        return Err(Failure::bad_field("/name", "name must not be empty"));
    }
    if !emails_match(&email, record.email()) {
        return Err(Failure::with_info(
            StatusCode::BAD_REQUEST,
            ResponseInfo::new(codes::EMAIL_MISMATCH, "email does not match the user's current email")
                .with_pointer("/email"),
        ));
    }
    record.user.name = Some(name);
    record.user.updated_at = Some(chrono::Utc::now());
    Ok(ok(StatusCode::OK, Envelope::success(record.user.clone())))
}

async fn delete_user(
    State(shared): State<Arc<Shared>>,
    UserPath(account, user): UserPath,
) -> Result<Response, Failure> {
    let removed = shared.store().delete(account.as_str(), user.as_str()).ok_or_else(Failure::user_not_found)?;
    let mut result = DeleteUserResult::default();
    result.id = removed.user.id;
    Ok(ok(StatusCode::ACCEPTED, Envelope::success(result)))
}

/// `result_info` of a list that is always one page.
fn single_page(count: usize) -> ResultInfo {
    let count = count as u64;
    ResultInfo::new(1, count.max(DEFAULT_PER_PAGE), count, count, 1)
}

async fn list_active_sessions(
    State(shared): State<Arc<Shared>>,
    UserPath(account, user): UserPath,
) -> Result<Response, Failure> {
    let store = shared.store();
    let record = store.find(account.as_str(), user.as_str()).ok_or_else(Failure::user_not_found)?;
    let items: Vec<_> = record.sessions.iter().map(|s| s.summary.clone()).collect();
    let info = single_page(items.len());
    Ok(ok(StatusCode::OK, Envelope::success(items).with_result_info(info)))
}

async fn get_active_session(
    State(shared): State<Arc<Shared>>,
    SessionPath(account, user, nonce): SessionPath,
) -> Result<Response, Failure> {
    let store = shared.store();
    let record = store.find(account.as_str(), user.as_str()).ok_or_else(Failure::user_not_found)?;
    let session = record.sessions.iter().find(|s| s.nonce == nonce.as_str()).ok_or_else(session_not_found)?;
    Ok(ok(StatusCode::OK, Envelope::success(session.detail.clone())))
}

async fn get_last_seen_identity(
    State(shared): State<Arc<Shared>>,
    UserPath(account, user): UserPath,
) -> Result<Response, Failure> {
    let store = shared.store();
    let record = store.find(account.as_str(), user.as_str()).ok_or_else(Failure::user_not_found)?;
    let identity = record
        .identity
        .clone()
        .ok_or_else(|| Failure::new(StatusCode::NOT_FOUND, codes::IDENTITY_NOT_FOUND, "no last seen identity"))?;
    Ok(ok(StatusCode::OK, Envelope::success(identity)))
}

async fn list_failed_logins(
    State(shared): State<Arc<Shared>>,
    UserPath(account, user): UserPath,
) -> Result<Response, Failure> {
    let store = shared.store();
    let record = store.find(account.as_str(), user.as_str()).ok_or_else(Failure::user_not_found)?;
    let items = record.failed_logins.clone();
    let info = single_page(items.len());
    Ok(ok(StatusCode::OK, Envelope::success(items).with_result_info(info)))
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
