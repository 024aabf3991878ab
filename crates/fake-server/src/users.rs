//! The handlers of the nine Access Users operations over the in-memory
//! [`Store`](crate::store::Store).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use cfzt_models::{DeleteUserResult, Envelope, ResponseInfo, ResultInfo, email_key, emails_match};

use crate::codes;
use crate::failure::Failure;
use crate::request::{
    AccountPath, SessionPath, UserPath, json_object, ok, required_email, required_string, session_not_found,
};
use crate::state::Shared;
use crate::store::CreateError;

/// The page size of the users list when `per_page` is absent, and the `per_page` reported
/// by the single-page lists.
const DEFAULT_PER_PAGE: u64 = 20;

/// The keys of *create a user* and *update a user* bodies.
const USER_KEYS: &[&str] = &["email", "name"];

pub(crate) async fn create_user(
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

pub(crate) async fn list_users(
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

pub(crate) async fn get_user(
    State(shared): State<Arc<Shared>>,
    UserPath(account, user): UserPath,
) -> Result<Response, Failure> {
    let store = shared.store();
    let record = store.find(account.as_str(), user.as_str()).ok_or_else(Failure::user_not_found)?;
    Ok(ok(StatusCode::OK, Envelope::success(record.user.clone())))
}

pub(crate) async fn update_user(
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

pub(crate) async fn delete_user(
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

pub(crate) async fn list_active_sessions(
    State(shared): State<Arc<Shared>>,
    UserPath(account, user): UserPath,
) -> Result<Response, Failure> {
    let store = shared.store();
    let record = store.find(account.as_str(), user.as_str()).ok_or_else(Failure::user_not_found)?;
    let items: Vec<_> = record.sessions.iter().map(|s| s.summary.clone()).collect();
    let info = single_page(items.len());
    Ok(ok(StatusCode::OK, Envelope::success(items).with_result_info(info)))
}

pub(crate) async fn get_active_session(
    State(shared): State<Arc<Shared>>,
    SessionPath(account, user, nonce): SessionPath,
) -> Result<Response, Failure> {
    let store = shared.store();
    let record = store.find(account.as_str(), user.as_str()).ok_or_else(Failure::user_not_found)?;
    let session = record.sessions.iter().find(|s| s.nonce == nonce.as_str()).ok_or_else(session_not_found)?;
    Ok(ok(StatusCode::OK, Envelope::success(session.detail.clone())))
}

pub(crate) async fn get_last_seen_identity(
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

pub(crate) async fn list_failed_logins(
    State(shared): State<Arc<Shared>>,
    UserPath(account, user): UserPath,
) -> Result<Response, Failure> {
    let store = shared.store();
    let record = store.find(account.as_str(), user.as_str()).ok_or_else(Failure::user_not_found)?;
    let items = record.failed_logins.clone();
    let info = single_page(items.len());
    Ok(ok(StatusCode::OK, Envelope::success(items).with_result_info(info)))
}
