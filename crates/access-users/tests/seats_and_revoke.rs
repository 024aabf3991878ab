//! The exact requests of *edit seats* and *revoke a user*, and how their documented
//! answers decode, asserted with the capture transport of `cfzt_transport::test_util`.

use bytes::Bytes;
use cfzt_access_users::{AccountId, Client, RevokeUserParams, SEAT_CHUNK, SeatChange, Users};
use cfzt_transport::RetryPolicy;
use cfzt_transport::test_util::{CaptureReceiver, capture_request, json_response};
use serde_json::{Value, json};

const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const BASE: &str = "https://api.cloudflare.com/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353";

/// The documented answer of *edit seats* (`SeatEdited` in the OpenAPI file).
const SEAT_EDITED: &str = r#"{"success":true,"errors":[],"messages":[],
"result":[{"seat_uid":"f174e90a-fafe-4643-bbbc-4a0ed4fc8415","access_seat":false,"gateway_seat":false,
"created_at":"2014-01-01T05:20:00.12345Z","updated_at":"2024-05-02T09:30:00Z"}],
"result_info":{"page":1,"per_page":20,"count":1,"total_count":1,"total_pages":1}}"#;

fn mocked(body: &str) -> (Users, CaptureReceiver) {
    let (transport, requests) = capture_request(Some(json_response(200, Bytes::copy_from_slice(body.as_bytes()))));
    let client = Client::builder()
        .api_token("adjacent-test-token")
        .transport(transport)
        .retry_policy(RetryPolicy::no_retries())
        .build()
        .unwrap();
    (client.users(&ACCOUNT.parse::<AccountId>().unwrap()), requests)
}

fn body(request: &http::Request<Bytes>) -> Value {
    serde_json::from_slice(request.body()).unwrap()
}

#[tokio::test]
async fn edit_seats_patches_an_array_and_decodes_the_seats() {
    let (users, requests) = mocked(SEAT_EDITED);
    let seats = users.edit_seats(vec![SeatChange::free("f174e90a-fafe-4643-bbbc-4a0ed4fc8415")]).await.unwrap();
    assert_eq!(seats.len(), 1);
    assert_eq!(seats[0].seat_uid.as_deref(), Some("f174e90a-fafe-4643-bbbc-4a0ed4fc8415"));
    assert_eq!((seats[0].access_seat, seats[0].gateway_seat), (Some(false), Some(false)));
    assert!(seats[0].updated_at.is_some());

    let request = requests.expect_only_request();
    assert_eq!(request.method(), "PATCH");
    assert_eq!(request.uri().to_string(), format!("{BASE}/access/seats"));
    assert_eq!(request.headers()["content-type"], "application/json");
    assert_eq!(
        body(&request),
        json!([{"seat_uid": "f174e90a-fafe-4643-bbbc-4a0ed4fc8415", "access_seat": false, "gateway_seat": false}])
    );
}

#[tokio::test]
async fn long_seat_lists_go_in_chunks_in_order() {
    let (users, requests) = mocked(SEAT_EDITED);
    let changes: Vec<_> =
        (0..SEAT_CHUNK * 2 + 3).map(|i| SeatChange::new(format!("seat-{i}"), i % 2 == 0, false)).collect();
    let seats = users.edit_seats(changes).await.unwrap();
    // One seat per answer here, so one per request.
    assert_eq!(seats.len(), 3);
    let sent: Vec<Value> = requests.take_all().iter().map(body).collect();
    let lengths: Vec<usize> = sent.iter().map(|b| b.as_array().unwrap().len()).collect();
    assert_eq!(lengths, [SEAT_CHUNK, SEAT_CHUNK, 3]);
    assert_eq!(sent[0][0], json!({"seat_uid": "seat-0", "access_seat": true, "gateway_seat": false}));
    assert_eq!(sent[2][2]["seat_uid"], format!("seat-{}", SEAT_CHUNK * 2 + 2));
}

#[tokio::test]
async fn bad_seat_lists_send_nothing() {
    let (users, requests) = mocked(SEAT_EDITED);
    let err = users.edit_seats(vec![]).await.unwrap_err();
    assert!(err.is_validation(), "{err:?}");
    let mut changes: Vec<_> = (0..SEAT_CHUNK + 1).map(|i| SeatChange::free(format!("seat-{i}"))).collect();
    changes.push(SeatChange::free("a/b"));
    let err = users.edit_seats(changes).await.unwrap_err();
    assert!(matches!(&err, cfzt_access_users::Error::Validation(v) if v.field() == "seat_uid"), "{err:?}");
    requests.expect_no_request();
}

#[tokio::test]
async fn a_null_seat_result_is_empty() {
    let (users, _requests) = mocked(r#"{"success":true,"errors":[],"messages":[],"result":null}"#);
    assert!(users.edit_seats(vec![SeatChange::free("s")]).await.unwrap().is_empty());
}

#[tokio::test]
async fn revoke_user_posts_the_body_and_the_devices_query() {
    let (users, requests) = mocked(r#"{"result":true,"success":true}"#);
    let params = RevokeUserParams::new("test@example.com")
        .user_uid("699d98642c564d2e855e9661899b7252")
        .devices(true)
        .devices_query(true)
        .warp_session_reauth(true);
    assert!(users.revoke_user(params).await.unwrap());
    let request = requests.expect_only_request();
    assert_eq!(request.method(), "POST");
    assert_eq!(request.uri().to_string(), format!("{BASE}/access/organizations/revoke_user?devices=true"));
    assert_eq!(request.headers()["content-type"], "application/json");
    assert_eq!(
        body(&request),
        json!({
            "email": "test@example.com", "user_uid": "699d98642c564d2e855e9661899b7252",
            "devices": true, "warp_session_reauth": true
        })
    );

    // Only the required field: no query, a one-key body.
    let (users, requests) = mocked(r#"{"result":true,"success":true}"#);
    assert!(users.revoke_user(RevokeUserParams::new("test@example.com")).await.unwrap());
    let request = requests.expect_only_request();
    assert_eq!(request.uri().to_string(), format!("{BASE}/access/organizations/revoke_user"));
    assert_eq!(body(&request), json!({"email": "test@example.com"}));
}

#[tokio::test]
async fn revoke_user_reads_an_unconfirmed_result_as_not_revoked() {
    for answer in [r#"{"result":false,"success":true}"#, r#"{"success":true}"#, r#"{"result":null,"success":true}"#] {
        let (users, _requests) = mocked(answer);
        assert!(!users.revoke_user(RevokeUserParams::new("test@example.com")).await.unwrap(), "{answer}");
    }
}

#[tokio::test]
async fn bad_revoke_params_send_nothing() {
    let (users, requests) = mocked(r#"{"result":true,"success":true}"#);
    let cases = [
        (RevokeUserParams::new("not-an-email"), "email"),
        (RevokeUserParams::new("test@example.com").devices(true).devices_query(false), "devices"),
        (RevokeUserParams::new("test@example.com").user_uid(""), "user_uid"),
    ];
    for (params, field) in cases {
        let err = users.revoke_user(params).await.unwrap_err();
        assert!(matches!(&err, cfzt_access_users::Error::Validation(v) if v.field() == field), "{err:?}");
    }
    requests.expect_no_request();
}
