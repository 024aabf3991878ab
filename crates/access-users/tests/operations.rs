//! The exact request each operation builds, and how its documented response decodes: one
//! table of every operation, asserted with the capture transport of
//! `cfzt_transport::test_util`.

mod support;

use std::future::Future;
use std::pin::Pin;

use cfzt_access_users::{ApiRequest, CreateUserParams, Credentials, Error, SessionNonce, UpdateUserParams, Users};
use cfzt_models::examples;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use support::*;

/// A call in flight, its result turned into JSON so that one table holds every operation.
type Pending = Pin<Box<dyn Future<Output = Result<Value, Error>> + Send>>;

fn as_json<T>(request: ApiRequest<T>) -> Pending
where
    T: DeserializeOwned + Serialize + Default + Send + 'static,
{
    Box::pin(async move { request.await.map(|got| serde_json::to_value(got).unwrap()) })
}

/// One operation: what the fake transport answers, the call, the request it must build and
/// what it must decode, all written out here rather than derived from the fixture.
struct Case {
    name: &'static str,
    status: u16,
    answer: String,
    call: fn(&Users) -> Pending,
    method: &'static str,
    url: String,
    /// The JSON body, or `None` for no body and no `content-type`.
    body: Option<Value>,
    /// Fields of the decoded result, as it serializes.
    decoded: Value,
}

fn cases() -> Vec<Case> {
    let user_url = format!("{USERS_URL}/{U}");
    vec![
        Case {
            name: "create a user with a name",
            status: 201,
            answer: examples::envelope(examples::CREATED_USER),
            call: |u| as_json(u.create(CreateUserParams::new("jdoe@example.com").name("Jane Doe"))),
            method: "POST",
            url: USERS_URL.into(),
            body: Some(json!({"email": "jdoe@example.com", "name": "Jane Doe"})),
            decoded: json!({
                "id": U, "access_seat": false, "active_device_count": 0, "created_at": "2024-05-01T12:00:00Z",
                "email": "jdoe@example.com", "gateway_seat": false, "name": "Jane Doe", "uid": "uid",
                "updated_at": "2024-05-01T12:00:00Z",
            }),
        },
        Case {
            name: "create a user without a name",
            status: 201,
            answer: examples::envelope(examples::CREATED_USER),
            call: |u| as_json(u.create(CreateUserParams::new("jdoe@example.com"))),
            method: "POST",
            url: USERS_URL.into(),
            body: Some(json!({"email": "jdoe@example.com"})),
            decoded: json!({"id": U, "email": "jdoe@example.com"}),
        },
        Case {
            name: "get a user",
            status: 200,
            answer: user(),
            call: |u| as_json(u.get(&user_id())),
            method: "GET",
            url: user_url.clone(),
            body: None,
            decoded: jane(),
        },
        Case {
            name: "update a user",
            status: 200,
            answer: examples::envelope(examples::UPDATED_USER),
            call: |u| as_json(u.update(&user_id(), UpdateUserParams::new("jdoe@example.com", "Jane Q. Doe"))),
            method: "PUT",
            url: user_url.clone(),
            body: Some(json!({"email": "jdoe@example.com", "name": "Jane Q. Doe"})),
            decoded: json!({
                "id": U, "access_seat": false, "active_device_count": 2, "created_at": "2014-01-01T05:20:00.123450Z",
                "email": "jdoe@example.com", "gateway_seat": false, "last_successful_login": "2020-07-01T05:20:00Z",
                "name": "Jane Q. Doe", "seat_uid": "seat_uid", "uid": "uid", "updated_at": "2024-05-02T09:30:00Z",
            }),
        },
        Case {
            name: "delete a user",
            status: 202,
            answer: deleted(),
            call: |u| as_json(u.delete(&user_id())),
            method: "DELETE",
            url: user_url.clone(),
            body: None,
            decoded: json!({}),
        },
        Case {
            name: "list active sessions",
            status: 200,
            answer: examples::list_envelope(&[examples::ACTIVE_SESSION], 20),
            call: |u| as_json(u.active_sessions(&user_id()).list()),
            method: "GET",
            url: format!("{user_url}/active_sessions"),
            body: None,
            decoded: json!([{
                "expiration": 1694813506, "name": "name",
                "metadata": {
                    "apps": {"cc2a8145-0128-4429-87f3-872c4d380c4e": {
                        "hostname": "test.example.com", "name": "app name", "type": "self_hosted",
                        "uid": "cc2a8145-0128-4429-87f3-872c4d380c4e",
                    }},
                    "expires": 1694813506, "iat": 1694791905, "nonce": "X1aXj1lFVcqqyoXF", "ttl": 21600,
                },
            }]),
        },
        Case {
            name: "get an active session",
            status: 200,
            answer: examples::envelope(examples::ACTIVE_SESSION_DETAIL),
            call: |u| as_json(u.active_sessions(&user_id()).get(&"X1aXj1lFVcqqyoXF".parse::<SessionNonce>().unwrap())),
            method: "GET",
            url: format!("{user_url}/active_sessions/X1aXj1lFVcqqyoXF"),
            body: None,
            decoded: json!({
                "account_id": "1234567890", "email": "test@cloudflare.com", "isActive": true, "iat": 1694791905.0,
                "version": 2.0, "geo": {"country": "US"}, "ip": "127.0.0.0", "is_warp": false,
                "device_sessions": {"device-1": {"last_authenticated": 1638832687.0}},
                "devicePosture": {"rule-1": {
                    "id": "rule-1", "check": {"exists": true, "path": "/usr/bin/example"}, "success": true,
                    "timestamp": "2023-09-15T15:31:45Z", "type": "file",
                }},
                "idp": {"id": "2b6a3c1d-0000-4000-8000-000000000001", "type": "onetimepin"},
                "mtls_auth": {"auth_status": "NONE", "cert_presented": false},
                "user_uuid": "57cf8cf2-f55a-4588-9ac9-f5e41e9f09b4",
            }),
        },
        Case {
            name: "get the last seen identity",
            status: 200,
            answer: examples::envelope(examples::IDENTITY),
            call: |u| as_json(u.last_seen_identity(&user_id())),
            method: "GET",
            url: format!("{user_url}/last_seen_identity"),
            body: None,
            decoded: json!({
                "account_id": "1234567890", "email": "test@cloudflare.com", "iat": 1694791905.0, "version": 2.0,
                "devicePosture": {}, "geo": {"country": "US"}, "service_token_status": false,
                "idp": {"id": "2b6a3c1d-0000-4000-8000-000000000001", "type": "onetimepin"},
                "user_uuid": "57cf8cf2-f55a-4588-9ac9-f5e41e9f09b4",
            }),
        },
        Case {
            name: "list failed logins",
            status: 200,
            answer: examples::list_envelope(&[examples::FAILED_LOGIN], 20),
            call: |u| as_json(u.failed_logins(&user_id())),
            method: "GET",
            url: format!("{user_url}/failed_logins"),
            body: None,
            decoded: json!([{
                "expiration": 0,
                "metadata": {
                    "app_name": "Test App", "datetime": "2022-02-02T21:54:34.914Z", "ray_id": "6d76a8a42ead4133",
                    "user_email": "test@cloudflare.com", "user_uuid": "57171132-e453-4ee8-b2a5-8cbaad333207",
                },
            }]),
        },
    ]
}
/// Each operation sends exactly the documented request, with the token's headers, and
/// decodes the documented response.
#[tokio::test]
async fn each_operation_builds_its_request_and_decodes_its_response() {
    for case in cases() {
        let name = case.name;
        let (client, requests) = mocked(Credentials::api_token(TOKEN), case.status, "application/json", case.answer);
        let got = (case.call)(&users(&client)).await.unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_fields(&got, &case.decoded, name);
        let req = requests.expect_only_request();
        assert_eq!(req.method().as_str(), case.method, "{name}");
        assert_eq!(req.uri().to_string(), case.url, "{name}");
        let h = req.headers();
        assert_eq!(h["authorization"], format!("Bearer {TOKEN}").as_str(), "{name}");
        assert!(h["authorization"].is_sensitive(), "{name}");
        assert_eq!(h["accept"], "application/json", "{name}");
        assert!(h["user-agent"].to_str().unwrap().starts_with("cfzt-access-users/"), "{name}");
        assert!(!h.contains_key("x-auth-key") && !h.contains_key("x-auth-email"), "{name}");
        match case.body {
            Some(body) => {
                assert_eq!(h["content-type"], "application/json", "{name}");
                assert_eq!(serde_json::from_slice::<Value>(req.body()).unwrap(), body, "{name}");
            }
            None => {
                assert!(!h.contains_key("content-type"), "{name}");
                assert!(req.body().is_empty(), "{name}");
            }
        }
    }
}
