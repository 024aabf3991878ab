//! What the request and response tests share: the documented examples as bodies, and a
//! client whose capture transport answers one fixed response.
// Each test file uses part of it.
#![allow(dead_code)]

use bytes::Bytes;
use cfzt_access_users::{AccountId, Client, Credentials, UserId, Users};
use cfzt_models::examples;
use cfzt_transport::RetryPolicy;
use cfzt_transport::test_util::{CaptureReceiver, capture_request, json_response};
use serde_json::{Value, json};

pub(crate) const A: &str = "023e105f4ecef8ad9ca31a8372d0c353";
pub(crate) const U: &str = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415";
pub(crate) const TOKEN: &str = "Sn3lZJTBX6kkg7OdcBUAxOO963GEIyGQqnFTOFYY";

pub(crate) fn user() -> String {
    examples::envelope(examples::USER)
}
pub(crate) fn list() -> String {
    examples::list_envelope(&[examples::USER], 50)
}
pub(crate) fn deleted() -> String {
    examples::envelope(examples::DELETED_USER)
}

pub(crate) fn response(status: u16, content_type: &str, body: &str) -> http::Response<Bytes> {
    let mut response = json_response(status, Bytes::copy_from_slice(body.as_bytes()));
    let headers = response.headers_mut();
    headers.insert("content-type", content_type.parse().unwrap());
    headers.insert("cf-ray", "8f0c1d2e3a4b5c6d-SJC".parse().unwrap());
    response
}

/// A client whose transport records each request and answers `status` with `body`.
pub(crate) fn mocked(
    credentials: Credentials,
    status: u16,
    content_type: &'static str,
    body: impl Into<String>,
) -> (Client, CaptureReceiver) {
    let (transport, requests) = capture_request(Some(response(status, content_type, &body.into())));
    // Retries have their own tests in cfzt-transport; here one response is one call.
    let client = Client::builder()
        .credentials(credentials)
        .transport(transport)
        .retry_policy(RetryPolicy::no_retries())
        .build()
        .unwrap();
    (client, requests)
}

pub(crate) fn users(client: &Client) -> Users {
    client.users(&A.parse::<AccountId>().unwrap())
}

pub(crate) fn user_id() -> UserId {
    U.parse().unwrap()
}

pub(crate) const USERS_URL: &str =
    "https://api.cloudflare.com/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/access/users";

/// Checks that `got` has every field of `want` with the same value (objects may hold more
/// fields than `want` names; arrays must have the same length).
pub(crate) fn assert_fields(got: &Value, want: &Value, at: &str) {
    match (got, want) {
        (Value::Object(got), Value::Object(want)) => {
            for (key, want) in want {
                let got = got.get(key).unwrap_or_else(|| panic!("{at}.{key} is missing"));
                assert_fields(got, want, &format!("{at}.{key}"));
            }
        }
        (Value::Array(got), Value::Array(want)) => {
            assert_eq!(got.len(), want.len(), "{at}: length");
            for (i, (got, want)) in got.iter().zip(want).enumerate() {
                assert_fields(got, want, &format!("{at}[{i}]"));
            }
        }
        _ => assert_eq!(got, want, "{at}"),
    }
}

/// The user of `examples::USER`, as `get` decodes it.
pub(crate) fn jane() -> Value {
    json!({
        "id": U, "access_seat": false, "active_device_count": 2, "created_at": "2014-01-01T05:20:00.123450Z",
        "email": "jdoe@example.com", "gateway_seat": false, "last_successful_login": "2020-07-01T05:20:00Z",
        "name": "Jane Doe", "seat_uid": "seat_uid", "uid": "uid", "updated_at": "2014-01-01T05:20:00.123450Z",
    })
}
