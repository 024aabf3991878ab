use super::*;
use crate::Envelope;

/// `SeatEdited` of the OpenAPI file: the envelope *edit seats* answers with.
const SEAT_EDITED: &str = r#"{"success":true,"errors":[],"messages":[],
"result":[{"seat_uid":"f174e90a-fafe-4643-bbbc-4a0ed4fc8415","access_seat":false,"gateway_seat":false,
"created_at":"2014-01-01T05:20:00.12345Z","updated_at":"2024-05-02T09:30:00Z"}],
"result_info":{"page":1,"per_page":20,"count":1,"total_count":1,"total_pages":1}}"#;

fn ts(s: &str) -> Timestamp {
    chrono::DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&chrono::Utc)
}

#[test]
fn decodes_the_documented_seat_edit_reply() {
    let envelope: Envelope<Vec<Seat>> = serde_json::from_str(SEAT_EDITED).unwrap();
    let want = Seat {
        seat_uid: Some("f174e90a-fafe-4643-bbbc-4a0ed4fc8415".into()),
        access_seat: Some(false),
        gateway_seat: Some(false),
        created_at: Some(ts("2014-01-01T05:20:00.12345Z")),
        updated_at: Some(ts("2024-05-02T09:30:00Z")),
    };
    assert_eq!(envelope.result, Some(vec![want]));
}

#[test]
fn a_seat_tolerates_nulls_and_unknown_fields() {
    let seat: Seat = serde_json::from_str(r#"{"seat_uid":null,"created_at":null,"future":[1]}"#).unwrap();
    assert_eq!(seat, Seat::default());
}

/// The request example `free-one-seat`: an array even for one seat, all three fields.
#[test]
fn encodes_the_documented_seat_edit_body() {
    let body = serde_json::to_value(vec![SeatChange::free("f174e90a-fafe-4643-bbbc-4a0ed4fc8415")]).unwrap();
    let want = serde_json::json!([
        {"seat_uid": "f174e90a-fafe-4643-bbbc-4a0ed4fc8415", "access_seat": false, "gateway_seat": false}
    ]);
    assert_eq!(body, want);
}

#[test]
fn seat_changes_validation_names_the_field() {
    let long = "a".repeat(MAX_SEAT_UID_LEN + 1);
    let cases: [(Vec<SeatChange>, Option<&str>); 7] = [
        (vec![], Some("seats")),
        (vec![SeatChange::free("seat_uid")], None),
        (vec![SeatChange::new("a".repeat(MAX_SEAT_UID_LEN), true, false)], None),
        (vec![SeatChange::free("ok"), SeatChange::free("")], Some("seat_uid")),
        (vec![SeatChange::free(long)], Some("seat_uid")),
        (vec![SeatChange::free("a b")], Some("seat_uid")),
        (vec![SeatChange::free("a/../b")], Some("seat_uid")),
    ];
    for (i, (changes, field)) in cases.into_iter().enumerate() {
        assert_eq!(SeatChange::validate_all(&changes).err().map(|e| e.field()), field, "case {i}");
    }
}

/// The request examples `email-only` and `full`; the body key is `devices`, never
/// `body_devices`, and the query flag stays out of the body.
#[test]
fn encodes_the_documented_revoke_bodies() {
    let email_only = serde_json::to_value(RevokeUserParams::new("test@example.com")).unwrap();
    assert_eq!(email_only, serde_json::json!({"email": "test@example.com"}));

    let full = RevokeUserParams::new("test@example.com")
        .user_uid("699d98642c564d2e855e9661899b7252")
        .devices(true)
        .warp_session_reauth(true)
        .devices_query(true);
    let body = serde_json::to_value(&full).unwrap();
    let want = serde_json::json!({
        "email": "test@example.com",
        "user_uid": "699d98642c564d2e855e9661899b7252",
        "devices": true,
        "warp_session_reauth": true
    });
    assert_eq!(body, want);
    assert!(!serde_json::to_string(&full).unwrap().contains("body_devices"));
    assert_eq!(full.query_pairs().collect::<Vec<_>>(), [("devices", "true".to_string())]);
    assert_eq!(RevokeUserParams::new("a@b").query_pairs().count(), 0);
    assert_eq!(
        RevokeUserParams::new("a@b").devices_query(false).query_pairs().collect::<Vec<_>>(),
        [("devices", "false".to_string())]
    );
    // What comes back in decodes to the same body fields; the query flag is not in JSON.
    let back: RevokeUserParams = serde_json::from_value(body).unwrap();
    assert_eq!(back, RevokeUserParams { devices_query: None, ..full });
}

#[test]
fn revoke_validation_names_the_field() {
    let cases: [(RevokeUserParams, Option<&str>); 8] = [
        (RevokeUserParams::new("test@example.com"), None),
        (RevokeUserParams::new(""), Some("email")),
        (RevokeUserParams::new("not-an-email"), Some("email")),
        (RevokeUserParams::new(" test@example.com"), Some("email")),
        (RevokeUserParams::new("test@example.com").user_uid(""), Some("user_uid")),
        (RevokeUserParams::new("test@example.com").user_uid("a\nb"), Some("user_uid")),
        (RevokeUserParams::new("test@example.com").devices(true).devices_query(false), Some("devices")),
        (RevokeUserParams::new("test@example.com").devices(true).devices_query(true), None),
    ];
    for (i, (params, field)) in cases.into_iter().enumerate() {
        assert_eq!(params.validate().err().map(|e| e.field()), field, "case {i}");
    }
}
