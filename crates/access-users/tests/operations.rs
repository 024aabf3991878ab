//! The exact request each operation builds, and how the documented responses decode,
//! asserted with the capture transport of `cfzt_transport::test_util`.

use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;
use cfzt_access_users::{
    AccountId, ApiRequest, Client, CreateUserParams, Credentials, Error, SessionNonce, UpdateUserParams, UserId, Users,
};
use cfzt_models::examples;
use cfzt_transport::test_util::{CaptureReceiver, capture_request, infallible_transport, json_response};
use cfzt_transport::{RequestOptions, RetryPolicy};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

const A: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const U: &str = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415";
const TOKEN: &str = "Sn3lZJTBX6kkg7OdcBUAxOO963GEIyGQqnFTOFYY";

fn user() -> String {
    examples::envelope(examples::USER)
}
fn list() -> String {
    examples::list_envelope(&[examples::USER], 50)
}
fn deleted() -> String {
    examples::envelope(examples::DELETED_USER)
}

fn response(status: u16, content_type: &str, body: &str) -> http::Response<Bytes> {
    let mut response = json_response(status, Bytes::copy_from_slice(body.as_bytes()));
    let headers = response.headers_mut();
    headers.insert("content-type", content_type.parse().unwrap());
    headers.insert("cf-ray", "8f0c1d2e3a4b5c6d-SJC".parse().unwrap());
    response
}

/// A client whose transport records each request and answers `status` with `body`.
fn mocked(
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

fn users(client: &Client) -> Users {
    client.users(&A.parse::<AccountId>().unwrap())
}

fn user_id() -> UserId {
    U.parse().unwrap()
}

/// A call in flight, its result turned into JSON so that one table holds every operation.
type Pending = Pin<Box<dyn Future<Output = Result<Value, Error>> + Send>>;

fn as_json<T>(request: ApiRequest<T>) -> Pending
where
    T: DeserializeOwned + Serialize + Default + Send + 'static,
{
    Box::pin(async move { request.await.map(|got| serde_json::to_value(got).unwrap()) })
}

/// Checks that `got` has every field of `want` with the same value (objects may hold more
/// fields than `want` names; arrays must have the same length).
fn assert_fields(got: &Value, want: &Value, at: &str) {
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

const USERS_URL: &str = "https://api.cloudflare.com/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/access/users";

/// The user of `examples::USER`, as `get` decodes it.
fn jane() -> Value {
    json!({
        "id": U, "access_seat": false, "active_device_count": 2, "created_at": "2014-01-01T05:20:00.123450Z",
        "email": "jdoe@example.com", "gateway_seat": false, "last_successful_login": "2020-07-01T05:20:00Z",
        "name": "Jane Doe", "seat_uid": "seat_uid", "uid": "uid", "updated_at": "2014-01-01T05:20:00.123450Z",
    })
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

#[tokio::test]
async fn list_users_sends_filters_and_pages() {
    let (client, requests) = mocked(Credentials::api_token(TOKEN), 200, "application/json", list());
    let response = users(&client)
        .list()
        .email("jdoe@example.com")
        .name("Jane Doe")
        .search("jdoe & co")
        .page(2)
        .per_page(100)
        .send_with_response()
        .await
        .unwrap();
    assert_fields(&serde_json::to_value(&response.result).unwrap(), &json!([jane()]), "list");
    assert_eq!(response.result_info.unwrap().total_pages, Some(1));
    let req = requests.expect_only_request();
    assert_eq!(req.method(), "GET");
    assert_eq!(
        req.uri().to_string(),
        format!("{USERS_URL}?email=jdoe%40example.com&name=Jane+Doe&search=jdoe+%26+co&page=2&per_page=100")
    );
    assert!(req.body().is_empty());
}

#[tokio::test]
async fn list_users_defaults_to_page_one_of_fifty_when_streamed() {
    use futures_util::TryStreamExt;
    let (client, requests) = mocked(Credentials::api_token(TOKEN), 200, "application/json", list());
    let all: Vec<_> = users(&client).list().items().try_collect().await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(requests.expect_only_request().uri().to_string(), format!("{USERS_URL}?page=1&per_page=50"));
    // Awaited directly, one page without an explicit page number.
    let (client, requests) = mocked(Credentials::api_token(TOKEN), 200, "application/json", list());
    assert_eq!(users(&client).list().await.unwrap().len(), 1);
    assert_eq!(requests.expect_only_request().uri().to_string(), format!("{USERS_URL}?per_page=50"));
}

#[tokio::test]
async fn global_api_key_sends_exactly_the_two_headers() {
    let creds = Credentials::global_api_key("admin@example.com", "144c9defac04969c7bfad8efaa8ea194");
    let (client, requests) = mocked(creds, 200, "application/json", user());
    users(&client).get(&user_id()).await.unwrap();
    let req = requests.expect_only_request();
    let h = req.headers();
    assert_eq!(h["x-auth-email"], "admin@example.com");
    assert_eq!(h["x-auth-key"], "144c9defac04969c7bfad8efaa8ea194");
    assert!(h["x-auth-key"].is_sensitive());
    assert!(!h.contains_key("authorization"));
}

#[tokio::test]
async fn base_url_path_is_kept_and_api_version_is_sent_when_pinned() {
    let (transport, requests) = capture_request(Some(response(200, "application/json", &user())));
    let client = Client::builder()
        .base_url("http://127.0.0.1:8787/client/v4/")
        .api_token(TOKEN)
        .api_version(chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap())
        .transport(transport)
        .build()
        .unwrap();
    users(&client).get(&user_id()).await.unwrap();
    let req = requests.expect_only_request();
    assert_eq!(
        req.uri(),
        "http://127.0.0.1:8787/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/access/users/f174e90a-fafe-4643-bbbc-4a0ed4fc8415"
    );
    assert_eq!(req.headers()["api-version"], "2025-06-01");
}

#[tokio::test]
async fn send_with_response_exposes_status_and_cf_ray() {
    let (client, _) = mocked(Credentials::api_token(TOKEN), 202, "application/json", deleted());
    let response = users(&client).delete(&user_id()).send_with_response().await.unwrap();
    assert_eq!(response.status, 202);
    assert_eq!(response.cf_ray(), Some("8f0c1d2e3a4b5c6d-SJC"));
}

/// Bad input is refused with a typed error naming the field, and nothing is sent.
#[tokio::test]
async fn bad_input_sends_nothing() {
    let (transport, requests) = capture_request(None);
    let client = Client::builder().api_token(TOKEN).transport(transport).build().unwrap();
    let u = users(&client);
    let cases: Vec<(Result<(), Error>, &str)> = vec![
        (u.update(&user_id(), UpdateUserParams::new("", "Jane")).await.map(drop), "email"),
        (u.update(&user_id(), UpdateUserParams::new("jdoe@example.com", " ")).await.map(drop), "name"),
        (u.create(CreateUserParams::new("not-an-email")).await.map(drop), "email"),
        (u.list().per_page(0).await.map(drop), "per_page"),
        (u.list().page(0).await.map(drop), "page"),
    ];
    for (got, field) in cases {
        let err = got.unwrap_err();
        assert!(err.is_validation(), "{err:?}");
        assert!(err.to_string().contains(&format!("`{field}`")), "{err}");
    }
    use futures_util::StreamExt;
    let first = u.list().per_page(0).items().next().await.unwrap();
    assert!(first.unwrap_err().is_validation());
    requests.expect_no_request();
}

#[tokio::test]
async fn decoding_failures_and_api_errors() {
    struct Case {
        status: u16,
        content_type: &'static str,
        body: &'static str,
        check: fn(&Error),
    }
    let cases = [
        // A 2xx with `success: false` is an API error.
        Case {
            status: 200,
            content_type: "application/json",
            body: r#"{"success":false,"errors":[{"code":1001,"message":"something is off"}],"messages":[],"result":null}"#,
            check: |e| {
                assert_eq!(e.status().map(|s| s.as_u16()), Some(200));
                assert_eq!(e.api_errors()[0].code, 1001);
                assert!(e.to_string().starts_with("something is off (code 1001)"), "{e}");
            },
        },
        // A 4xx envelope, with a nested error_chain kept.
        Case {
            status: 400,
            content_type: "application/json",
            body: r#"{"success":false,"errors":[{"code":6003,"message":"Invalid request headers","error_chain":[{"code":6111,"message":"Invalid format for Authorization header"}]}]}"#,
            check: |e| {
                let api = e.as_api().unwrap();
                assert_eq!(api.code(), Some(6003));
                assert_eq!(api.errors[0].extra["error_chain"][0]["code"], 6111);
                assert_eq!(e.cf_ray(), Some("8f0c1d2e3a4b5c6d-SJC"));
                assert!(!e.is_retryable());
                assert_eq!(
                    e.to_string(),
                    "Invalid request headers (code 6003) [get_user HTTP 400] (cf-ray 8f0c1d2e3a4b5c6d-SJC)"
                );
            },
        },
        Case {
            status: 404,
            content_type: "application/json",
            body: r#"{"success":false,"errors":[{"code":12128,"message":"user not found"}],"messages":[],"result":null}"#,
            check: |e| assert!(e.is_not_found() && !e.is_retryable()),
        },
        Case {
            status: 429,
            content_type: "application/json",
            body: r#"{"success":false,"errors":[{"code":971,"message":"Please wait and consider throttling your request speed"}]}"#,
            check: |e| assert!(e.is_rate_limited() && e.is_retryable()),
        },
        Case {
            status: 403,
            content_type: "application/json",
            body: r#"{"success":false,"errors":[{"code":10000,"message":"Authentication error"}]}"#,
            check: |e| assert!(e.is_auth()),
        },
        // A non-JSON 5xx page from the edge: status kept, a short excerpt.
        Case {
            status: 502,
            content_type: "text/html",
            body: "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>cloudflare</body></html>",
            check: |e| {
                assert_eq!(e.status().unwrap(), 502);
                assert!(e.api_errors().is_empty());
                assert!(e.is_retryable());
                let api = e.as_api().unwrap();
                assert!(api.body_excerpt.as_deref().unwrap().contains("<title>502 Bad Gateway</title>"));
                assert!(e.to_string().starts_with("get_user failed with HTTP 502 Bad Gateway"), "{e}");
            },
        },
        // A flat `{"code", "error"}` body instead of the envelope.
        Case {
            status: 400,
            content_type: "application/json",
            body: r#"{"code":7003,"error":"Could not route to /accounts/x, perhaps your object identifier is invalid?"}"#,
            check: |e| {
                assert_eq!(e.api_errors()[0].code, 7003);
                assert!(e.to_string().starts_with("Could not route"), "{e}");
            },
        },
        // 2xx, but the body is not what the API documents.
        Case {
            status: 200,
            content_type: "application/json",
            body: r#"{"success":true,"errors":[],"messages":[],"result":{"created_at":"yesterday"}}"#,
            check: |e| {
                let Error::Decode(d) = e else { panic!("{e:?}") };
                assert_eq!(d.path, "result.created_at");
                assert!(e.to_string().contains("at `result.created_at`"), "{e}");
            },
        },
        Case {
            status: 200,
            content_type: "application/json",
            body: r#"{"success":true,"errors":[],"result":{"id":"x"#,
            check: |e| assert!(e.is_decode()),
        },
        Case {
            status: 200,
            content_type: "text/html",
            body: "<html>hi</html>",
            check: |e| {
                assert!(e.is_decode());
                assert!(e.to_string().contains("text/html"), "{e}");
            },
        },
        Case {
            status: 200,
            content_type: "application/json",
            body: r#"{"success":true,"errors":[],"messages":[],"result":null}"#,
            check: |e| assert!(e.to_string().contains("no result"), "{e}"),
        },
    ];
    for case in cases {
        let (client, _) = mocked(Credentials::api_token(TOKEN), case.status, case.content_type, case.body);
        let err = users(&client).get(&user_id()).await.unwrap_err();
        (case.check)(&err);
    }
}

#[tokio::test]
async fn null_results_of_lists_and_delete_are_empty() {
    let body = r#"{"success":true,"errors":[],"messages":[],"result":null}"#;
    let (client, _) = mocked(Credentials::api_token(TOKEN), 200, "application/json", body);
    assert!(users(&client).failed_logins(&user_id()).await.unwrap().is_empty());
    assert!(users(&client).active_sessions(&user_id()).list().await.unwrap().is_empty());
    assert_eq!(users(&client).delete(&user_id()).await.unwrap(), Default::default());
}

/// A sentinel secret never shows in any Debug or Display output.
#[tokio::test]
async fn secrets_never_appear_in_debug_or_display() {
    const SENTINEL: &str = "SENTINEL-s3cr3t-9f8e7d";
    let builders =
        [Client::builder().api_token(SENTINEL), Client::builder().global_api_key("admin@example.com", SENTINEL)];
    for builder in builders {
        let mut outputs = vec![format!("{builder:?}")];
        let transport = infallible_transport(|req| {
            // What a careless transport might log.
            assert!(!format!("{req:?}").contains(SENTINEL));
            response(
                401,
                "application/json",
                r#"{"success":false,"errors":[{"code":10000,"message":"Authentication error"}]}"#,
            )
        });
        let client = builder.transport(transport).build().unwrap();
        outputs.push(format!("{client:?}"));
        let u = users(&client);
        outputs.push(format!("{:?}", u.get(&user_id())));
        let err = u.get(&user_id()).await.unwrap_err();
        outputs.push(format!("{err:?}"));
        outputs.push(format!("{err}"));
        for out in outputs {
            assert!(!out.contains(SENTINEL), "leaked in {out}");
        }
    }
    let bad = Client::builder().api_token(format!("{SENTINEL}\n")).build().unwrap_err();
    assert!(!format!("{bad:?}{bad}").contains(SENTINEL));
}

#[tokio::test]
async fn per_call_options_reach_the_transport() {
    use std::time::Duration;
    let (client, requests) = mocked(Credentials::api_token(TOKEN), 200, "application/json", user());
    users(&client).get(&user_id()).max_retries(4).attempt_timeout(Duration::from_secs(3)).await.unwrap();
    let req = requests.expect_only_request();
    let want = RequestOptions::new().max_retries(4).attempt_timeout(Duration::from_secs(3));
    assert_eq!(req.extensions().get::<RequestOptions>(), Some(&want));
    // No options, no extension.
    users(&client).get(&user_id()).await.unwrap();
    assert!(requests.expect_only_request().extensions().get::<RequestOptions>().is_none());
}

#[tokio::test]
async fn a_long_retry_after_is_reported_on_the_error() {
    let mut answer = response(
        429,
        "application/json",
        r#"{"success":false,"errors":[{"code":971,"message":"Please wait and consider throttling your request speed"}]}"#,
    );
    answer.headers_mut().insert("retry-after", "3600".parse().unwrap());
    let (transport, requests) = capture_request(Some(answer.clone()));
    // Without a request budget, the retry policy retries 429s, but not when the server
    // demands an hour.
    let client = Client::builder().api_token(TOKEN).transport(transport).no_request_budget().build().unwrap();
    let err = users(&client).get(&user_id()).await.unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), Some(std::time::Duration::from_secs(3600)));
    requests.expect_only_request();

    // With the default budget, the retry waits in the budget (a pause of at most
    // MAX_PAUSE): a call with a deadline fails at once, saying how long it would wait.
    let (transport, requests) = capture_request(Some(answer));
    let client = Client::builder().api_token(TOKEN).transport(transport).build().unwrap();
    let err = users(&client).get(&user_id()).deadline(std::time::Duration::from_secs(1)).await.unwrap_err();
    assert!(err.is_rate_limited() && err.is_transport(), "{err:?}");
    let wait = err.retry_after().unwrap();
    assert!(wait <= cfzt_access_users::MAX_PAUSE && wait > cfzt_access_users::MAX_PAUSE / 2, "{wait:?}");
    requests.expect_only_request();
}
