//! The Access Users API guide's documented example payloads, as JSON text.
//!
//! Each constant is the `result` of one operation exactly as the guide shows it. They are
//! public so that tests, mocks and fakes (this project's and yours) share one copy of the
//! documented shapes instead of pasting them again:
//!
//! ```
//! use cfzt_models::{Envelope, User, examples};
//!
//! let body = examples::envelope(examples::USER);
//! let user = serde_json::from_str::<Envelope<User>>(&body)?.result.expect("a user");
//! assert_eq!(user.email.as_deref(), Some("jdoe@example.com"));
//! # Ok::<(), serde_json::Error>(())
//! ```

/// A user, as *get a user* and *list users* return it.
pub const USER: &str = r#"{"id":"f174e90a-fafe-4643-bbbc-4a0ed4fc8415","access_seat":false,"active_device_count":2,
"created_at":"2014-01-01T05:20:00.12345Z","email":"jdoe@example.com","gateway_seat":false,
"last_successful_login":"2020-07-01T05:20:00Z","name":"Jane Doe","seat_uid":"seat_uid",
"uid":"uid","updated_at":"2014-01-01T05:20:00.12345Z"}"#;

/// The user *create a user* returns for `{"email":"jdoe@example.com","name":"Jane Doe"}`.
pub const CREATED_USER: &str = r#"{"id":"f174e90a-fafe-4643-bbbc-4a0ed4fc8415","access_seat":false,"active_device_count":0,
"created_at":"2024-05-01T12:00:00Z","email":"jdoe@example.com","gateway_seat":false,
"name":"Jane Doe","uid":"uid","updated_at":"2024-05-01T12:00:00Z"}"#;

/// The user *update a user* returns for `{"email":"jdoe@example.com","name":"Jane Q. Doe"}`.
pub const UPDATED_USER: &str = r#"{"id":"f174e90a-fafe-4643-bbbc-4a0ed4fc8415","email":"jdoe@example.com","name":"Jane Q. Doe",
"access_seat":false,"active_device_count":2,"gateway_seat":false,"seat_uid":"seat_uid","uid":"uid",
"created_at":"2014-01-01T05:20:00.12345Z","last_successful_login":"2020-07-01T05:20:00Z",
"updated_at":"2024-05-02T09:30:00Z"}"#;

/// An item of *list active sessions*; its nonce is `X1aXj1lFVcqqyoXF`.
pub const ACTIVE_SESSION: &str = r#"{"expiration":1694813506,"name":"name",
"metadata":{"apps":{"cc2a8145-0128-4429-87f3-872c4d380c4e":{"hostname":"test.example.com","name":"app name",
"type":"self_hosted","uid":"cc2a8145-0128-4429-87f3-872c4d380c4e"}},
"expires":1694813506,"iat":1694791905,"nonce":"X1aXj1lFVcqqyoXF","ttl":21600}}"#;

/// The result of *get an active session*.
pub const ACTIVE_SESSION_DETAIL: &str = r#"{"account_id":"1234567890","auth_status":"NONE","common_name":"","device_id":"",
"device_sessions":{"device-1":{"last_authenticated":1638832687}},
"devicePosture":{"rule-1":{"id":"rule-1","check":{"exists":true,"path":"/usr/bin/example"},"data":{},
"description":"Example posture rule","error":"","rule_name":"Example rule",
"success":true,"timestamp":"2023-09-15T15:31:45Z","type":"file"}},
"email":"test@cloudflare.com","geo":{"country":"US"},"iat":1694791905,
"idp":{"id":"2b6a3c1d-0000-4000-8000-000000000001","type":"onetimepin"},"ip":"127.0.0.0",
"is_gateway":false,"is_warp":false,"isActive":true,
"mtls_auth":{"auth_status":"NONE","cert_issuer_dn":"","cert_issuer_ski":"","cert_presented":false,"cert_serial":""},
"service_token_id":"","service_token_status":false,
"user_uuid":"57cf8cf2-f55a-4588-9ac9-f5e41e9f09b4","version":2}"#;

/// The result of *get last seen identity*.
pub const IDENTITY: &str = r#"{"account_id":"1234567890","auth_status":"NONE","common_name":"","device_id":"",
"device_sessions":{"device-1":{"last_authenticated":1638832687}},"devicePosture":{},
"email":"test@cloudflare.com","geo":{"country":"US"},"iat":1694791905,
"idp":{"id":"2b6a3c1d-0000-4000-8000-000000000001","type":"onetimepin"},"ip":"127.0.0.0",
"is_gateway":false,"is_warp":false,"mtls_auth":{"auth_status":"NONE","cert_presented":false},
"service_token_id":"","service_token_status":false,
"user_uuid":"57cf8cf2-f55a-4588-9ac9-f5e41e9f09b4","version":2}"#;

/// An item of *list failed logins*.
pub const FAILED_LOGIN: &str = r#"{"expiration":0,
"metadata":{"app_name":"Test App","aud":"39691c1480a2352a18ece567debc2b32552686cbd38eec0887aa18d5d3f00c04",
"datetime":"2022-02-02T21:54:34.914Z","ray_id":"6d76a8a42ead4133",
"user_email":"test@cloudflare.com","user_uuid":"57171132-e453-4ee8-b2a5-8cbaad333207"}}"#;

/// The result of *delete a user*.
pub const DELETED_USER: &str = "{}";

/// A successful v4 envelope around `result` (JSON text).
pub fn envelope(result: &str) -> String {
    format!(r#"{{"success":true,"errors":[],"messages":[],"result":{result}}}"#)
}

/// A successful v4 list envelope around `items`, as one page of `per_page` holding all of
/// them, with its `result_info`.
pub fn list_envelope(items: &[&str], per_page: u64) -> String {
    let count = items.len();
    format!(
        r#"{{"success":true,"errors":[],"messages":[],"result":[{}],"result_info":{{"page":1,"per_page":{per_page},"count":{count},"total_count":{count},"total_pages":1}}}}"#,
        items.join(",")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ActiveSession, ActiveSessionDetail, DeleteUserResult, Envelope, FailedLogin, Identity, User};

    #[test]
    fn every_example_decodes_into_its_model() {
        fn ok<T: serde::de::DeserializeOwned>(body: String) {
            let env: Envelope<T> = serde_json::from_str(&body).unwrap();
            assert!(env.result.is_some());
        }
        ok::<User>(envelope(USER));
        ok::<User>(envelope(CREATED_USER));
        ok::<User>(envelope(UPDATED_USER));
        ok::<ActiveSessionDetail>(envelope(ACTIVE_SESSION_DETAIL));
        ok::<Identity>(envelope(IDENTITY));
        ok::<DeleteUserResult>(envelope(DELETED_USER));
        ok::<Vec<ActiveSession>>(list_envelope(&[ACTIVE_SESSION], 20));
        ok::<Vec<FailedLogin>>(list_envelope(&[FAILED_LOGIN], 20));
        let env: Envelope<Vec<User>> = serde_json::from_str(&list_envelope(&[USER], 50)).unwrap();
        assert_eq!(env.result_info.unwrap().per_page, Some(50));
    }
}
