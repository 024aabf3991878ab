//! The two calls next to the nine that offboarding needs: *edit seats* and *revoke a
//! user*, with their effect on the state (seats as `get` and `list` show them; sessions
//! ended; devices revoked).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use cfzt_models::{Envelope, ResultInfo, Seat};
use serde_json::{Map, Value};

use crate::codes;
use crate::failure::{Failure, json_response};
use crate::request::{AccountPath, json_object, known_keys_only, ok, required_email};
use crate::state::Shared;

/// The keys of one item of the seat-edit array.
const SEAT_KEYS: &[&str] = &["seat_uid", "access_seat", "gateway_seat"];

/// The keys of the *revoke a user* body. (Some SDK versions send `body_devices` for
/// `devices`: ignored as any unknown key, or refused in strict mode.)
const REVOKE_KEYS: &[&str] = &["email", "user_uid", "devices", "warp_session_reauth"];

/// One validated item of the seat-edit array.
struct Change {
    seat_uid: String,
    access_seat: bool,
    gateway_seat: bool,
}

fn required_bool(item: &Map<String, Value>, at: usize, field: &str) -> Result<bool, Failure> {
    match item.get(field) {
        Some(Value::Bool(b)) => Ok(*b),
        None | Some(Value::Null) => Err(Failure::bad_field(&format!("/{at}/{field}"), format!("{field} is required"))),
        Some(_) => Err(Failure::bad_field(&format!("/{at}/{field}"), format!("{field} must be a boolean"))),
    }
}

/// The body of *edit seats*: a non-empty JSON array of complete seat changes.
fn seat_changes(body: &[u8], strict: bool) -> Result<Vec<Change>, Failure> {
    let items = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Array(items)) => items,
        // What cloudflare-go v0.86.0 got for sending one object (issue #1479).
        Ok(_) => return Err(Failure::bad_request("API expects an Array of seat updates")),
        Err(e) => return Err(Failure::bad_request(format!("request body is not valid JSON: {e}"))),
    };
    if items.is_empty() {
        return Err(Failure::bad_request("at least one seat update is required"));
    }
    items
        .iter()
        .enumerate()
        .map(|(at, item)| {
            let item = item.as_object().ok_or_else(|| Failure::bad_field(&format!("/{at}"), "must be an object"))?;
            known_keys_only(item, &format!("/{at}"), SEAT_KEYS, strict)?;
            let seat_uid = match item.get("seat_uid") {
                Some(Value::String(s)) if !s.is_empty() && s.len() <= cfzt_models::MAX_SEAT_UID_LEN => s.clone(),
                _ => return Err(Failure::bad_field(&format!("/{at}/seat_uid"), "seat_uid is required (1-36 chars)")),
            };
            let access_seat = required_bool(item, at, "access_seat")?;
            let gateway_seat = required_bool(item, at, "gateway_seat")?;
            Ok(Change { seat_uid, access_seat, gateway_seat })
        })
        .collect()
}

/// `PATCH /accounts/{account_id}/access/seats`: every seat must exist, else nothing
/// changes; each user holding one of the seats gets its flags.
pub(crate) async fn edit_seats(
    State(shared): State<Arc<Shared>>,
    AccountPath(account): AccountPath,
    body: Bytes,
) -> Result<Response, Failure> {
    let changes = seat_changes(&body, shared.strict_body_keys)?;
    let mut store = shared.store();
    let ids: Vec<String> = changes
        .iter()
        .map(|change| {
            store
                .users(account.as_str())
                .iter()
                .find(|r| r.user.seat_uid.as_deref() == Some(change.seat_uid.as_str()))
                .and_then(|r| r.user.id.clone())
                .ok_or_else(|| {
                    Failure::new(
                        StatusCode::NOT_FOUND,
                        codes::SEAT_NOT_FOUND,
                        format!("seat {} not found", change.seat_uid),
                    )
                })
        })
        .collect::<Result<_, _>>()?;
    let now = chrono::Utc::now();
    let mut seats = Vec::with_capacity(changes.len());
    for (change, id) in changes.iter().zip(&ids) {
        let Some(record) = store.find_mut(account.as_str(), id) else { continue };
        record.user.access_seat = Some(change.access_seat);
        record.user.gateway_seat = Some(change.gateway_seat);
        record.user.updated_at = Some(now);
        let mut seat = Seat::default();
        seat.seat_uid = Some(change.seat_uid.clone());
        seat.access_seat = Some(change.access_seat);
        seat.gateway_seat = Some(change.gateway_seat);
        seat.created_at = record.user.created_at;
        seat.updated_at = Some(now);
        seats.push(seat);
    }
    let count = seats.len() as u64;
    let info = ResultInfo::new(1, count.max(20), count, count, 1);
    Ok(ok(StatusCode::OK, Envelope::success(seats).with_result_info(info)))
}

/// The `devices` query flag, if given; anything but `true` or `false` is refused.
fn devices_query(uri: &Uri) -> Result<Option<bool>, Failure> {
    let mut flag = None;
    for pair in uri.query().unwrap_or_default().split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=').unwrap_or((pair, "")) {
            ("devices", "true") => flag = Some(true),
            ("devices", "false") => flag = Some(false),
            ("devices", other) => {
                return Err(Failure::bad_request(format!("devices must be true or false, got {other:?}")));
            }
            _ => {}
        }
    }
    Ok(flag)
}

fn optional_bool(body: &Map<String, Value>, field: &str) -> Result<Option<bool>, Failure> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(Failure::bad_field(&format!("/{field}"), format!("{field} must be a boolean"))),
    }
}

/// `POST /accounts/{account_id}/access/organizations/revoke_user`: ends every active
/// session of the user with that email; with `devices` (query or body) also their devices.
pub(crate) async fn revoke_user(
    State(shared): State<Arc<Shared>>,
    AccountPath(account): AccountPath,
    uri: Uri,
    body: Bytes,
) -> Result<Response, Failure> {
    let query_devices = devices_query(&uri)?;
    let body = json_object(&body, REVOKE_KEYS, shared.strict_body_keys)?;
    let email = required_email(&body)?;
    let devices = optional_bool(&body, "devices")? == Some(true) || query_devices == Some(true);
    optional_bool(&body, "warp_session_reauth")?;
    let user_uid = match body.get("user_uid") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.replace('-', "").to_ascii_lowercase()),
        Some(_) => return Err(Failure::bad_field("/user_uid", "user_uid must be a string")),
    };
    let mut store = shared.store();
    let id = store
        .users(account.as_str())
        .iter()
        .find(|r| cfzt_models::emails_match(r.email(), &email))
        .and_then(|r| r.user.id.clone())
        .ok_or_else(Failure::user_not_found)?;
    let record = store.find_mut(account.as_str(), &id).ok_or_else(Failure::user_not_found)?;
    if let Some(uid) = user_uid {
        let matches = [&record.user.id, &record.user.uid]
            .into_iter()
            .flatten()
            .any(|known| known.replace('-', "").eq_ignore_ascii_case(&uid));
        if !matches {
            return Err(Failure::bad_field("/user_uid", "user_uid does not belong to the user with this email"));
        }
    }
    record.sessions.clear();
    if devices {
        record.user.active_device_count = Some(0);
    }
    // The documented success body: only `result` and `success`.
    Ok(json_response(StatusCode::OK, r#"{"result":true,"success":true}"#.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seat_bodies_must_be_non_empty_arrays_of_complete_items() {
        // (body, accepted, accepted in strict mode)
        let cases: [(&str, bool, bool); 9] = [
            (r#"[{"seat_uid":"s","access_seat":false,"gateway_seat":false}]"#, true, true),
            (r#"[{"seat_uid":"s","access_seat":false,"gateway_seat":false,"extra":1}]"#, true, false),
            (r#"{"seat_uid":"s","access_seat":false,"gateway_seat":false}"#, false, false),
            ("[]", false, false),
            (r#"[{"access_seat":false,"gateway_seat":false}]"#, false, false),
            (r#"[{"seat_uid":"s","gateway_seat":false}]"#, false, false),
            (r#"[{"seat_uid":"s","access_seat":"no","gateway_seat":false}]"#, false, false),
            (r#"[{"seat_uid":"","access_seat":false,"gateway_seat":false}]"#, false, false),
            ("not json", false, false),
        ];
        for (body, ok, strict_ok) in cases {
            assert_eq!(seat_changes(body.as_bytes(), false).is_ok(), ok, "{body}");
            assert_eq!(seat_changes(body.as_bytes(), true).is_ok(), strict_ok, "strict: {body}");
        }
    }

    #[test]
    fn the_devices_query_flag() {
        let uri = |q: &str| format!("/x?{q}").parse::<Uri>().unwrap();
        assert_eq!(devices_query(&uri("devices=true")).unwrap(), Some(true));
        assert_eq!(devices_query(&uri("devices=false&x=1")).unwrap(), Some(false));
        assert_eq!(devices_query(&uri("x=1")).unwrap(), None);
        assert!(devices_query(&uri("devices=1")).is_err());
    }
}
