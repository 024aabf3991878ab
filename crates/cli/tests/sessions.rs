//! `cfzt sessions ...`, `cfzt identity` and `cfzt failed-logins` end to end against the
//! fake server, in every output format.

mod common;

use common::*;

#[test]
fn sessions_list_in_every_format() {
    let fake = Fake::start();
    let nonces = |values: &[serde_json::Value]| -> Vec<String> {
        values.iter().map(|v| v["metadata"]["nonce"].as_str().unwrap().to_string()).collect()
    };
    let out = run(&mut fake.cfzt(&["sessions", "list", DEMO_USER_ID]), 0);
    assert_eq!(nonces(&ndjson(&out)), [DEMO_SESSION_NONCE]);
    let out = run(&mut fake.cfzt(&["sessions", "list", DEMO_USER_ID, "-o", "json"]), 0);
    assert_eq!(nonces(json(&out).as_array().unwrap()), [DEMO_SESSION_NONCE]);
    let out = run(&mut fake.cfzt(&["sessions", "list", DEMO_USER_ID, "-o", "csv"]), 0);
    let (header, rows) = csv(&out);
    assert_eq!(header, ["nonce", "name", "issued_at", "expires_at", "ttl", "apps"]);
    assert_eq!(rows[0]["nonce"], DEMO_SESSION_NONCE);
    assert_eq!(rows[0]["apps"], "test.example.com");
    let out = run(&mut fake.cfzt(&["sessions", "list", DEMO_USER_ID, "-o", "table"]), 0);
    let (header, rows) = table(&out);
    assert_eq!(header[0], "NONCE");
    assert_eq!(rows[0][0], DEMO_SESSION_NONCE);
}

#[test]
fn sessions_get_in_every_format() {
    let fake = Fake::start();
    let args = |format: &'static str| ["sessions", "get", DEMO_USER_ID, DEMO_SESSION_NONCE, "-o", format];
    let out = run(&mut fake.cfzt(&args("json")), 0);
    let detail = json(&out);
    assert_eq!(detail["isActive"], true);
    assert_eq!(detail["email"], "test@cloudflare.com");
    let out = run(&mut fake.cfzt(&args("ndjson")), 0);
    assert_eq!(ndjson(&out).len(), 1);
    let out = run(&mut fake.cfzt(&args("csv")), 0);
    let (header, rows) = csv(&out);
    assert_eq!(header[..2], ["is_active", "email"]);
    assert_eq!(rows[0]["is_active"], "true");
    let out = run(&mut fake.cfzt(&args("table")), 0);
    assert_eq!(fields(&out)["country"], "US");
}

#[test]
fn an_unknown_session_is_an_error_with_a_hint() {
    let fake = Fake::start();
    let out = run(&mut fake.cfzt(&["sessions", "get", DEMO_USER_ID, "AAAAAAAAAAAAAAAA"]), 1);
    let err = stderr(&out);
    assert!(err.contains("HTTP 404"), "{err}");
    assert!(err.contains("sessions list"), "{err}");
}

#[test]
fn identity_in_every_format() {
    let fake = Fake::start();
    let args = |format: &'static str| ["identity", DEMO_USER_ID, "-o", format];
    assert_eq!(json(&run(&mut fake.cfzt(&args("json")), 0))["ip"], "127.0.0.0");
    assert_eq!(ndjson(&run(&mut fake.cfzt(&args("ndjson")), 0))[0]["geo"]["country"], "US");
    let (header, rows) = csv(&run(&mut fake.cfzt(&args("csv")), 0));
    assert_eq!(header[0], "email");
    assert_eq!(rows[0]["idp_type"], "onetimepin");
    assert_eq!(fields(&run(&mut fake.cfzt(&args("table")), 0))["ip"], "127.0.0.0");
}

#[test]
fn failed_logins_in_every_format() {
    let fake = Fake::start();
    let args = |format: &'static str| ["failed-logins", DEMO_USER_ID, "-o", format];
    let out = json(&run(&mut fake.cfzt(&args("json")), 0));
    assert_eq!(out[0]["metadata"]["app_name"], "Test App");
    assert_eq!(ndjson(&run(&mut fake.cfzt(&args("ndjson")), 0)).len(), 1);
    let (header, rows) = csv(&run(&mut fake.cfzt(&args("csv")), 0));
    assert_eq!(header, ["datetime", "app_name", "user_email", "user_uuid", "ray_id", "expiration", "metadata"]);
    assert_eq!(rows[0]["ray_id"], "6d76a8a42ead4133");
    let metadata: serde_json::Value = serde_json::from_str(&rows[0]["metadata"]).unwrap();
    assert_eq!(metadata["user_email"], "test@cloudflare.com");
    let (header, rows) = table(&run(&mut fake.cfzt(&args("table")), 0));
    assert_eq!(header, ["DATETIME", "APP_NAME", "USER_EMAIL", "RAY_ID"]);
    assert_eq!(rows[0][1], "Test App");
}
