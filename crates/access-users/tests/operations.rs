//! The exact request each operation builds, and how the documented responses decode,
//! asserted with `MockHttpTransport`.

use std::fmt::Debug;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use cfzt_access_users::{
    AccountId, ApiRequest, Client, CreateUserParams, Credentials, Error, SessionNonce, UpdateUserParams, UserId, Users,
};
use cfzt_models::{Envelope, examples};
use cfzt_transport::{MockHttpTransport, RequestOptions, RetryPolicy};
use serde::de::DeserializeOwned;

const A: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const U: &str = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415";
const TOKEN: &str = "Sn3lZJTBX6kkg7OdcBUAxOO963GEIyGQqnFTOFYY";

fn user() -> String {
    examples::envelope(examples::USER)
}
fn created() -> String {
    examples::envelope(examples::CREATED_USER)
}
fn updated() -> String {
    examples::envelope(examples::UPDATED_USER)
}
fn list() -> String {
    examples::list_envelope(&[examples::USER], 50)
}
fn deleted() -> String {
    examples::envelope(examples::DELETED_USER)
}
fn sessions() -> String {
    examples::list_envelope(&[examples::ACTIVE_SESSION], 20)
}
fn session() -> String {
    examples::envelope(examples::ACTIVE_SESSION_DETAIL)
}
fn identity() -> String {
    examples::envelope(examples::IDENTITY)
}
fn failed() -> String {
    examples::list_envelope(&[examples::FAILED_LOGIN], 20)
}

/// The requests a mock transport received.
type Seen = Arc<Mutex<Vec<http::Request<Bytes>>>>;

fn response(status: u16, content_type: &str, body: &str) -> http::Response<Bytes> {
    http::Response::builder()
        .status(status)
        .header("content-type", content_type)
        .header("cf-ray", "8f0c1d2e3a4b5c6d-SJC")
        .body(Bytes::copy_from_slice(body.as_bytes()))
        .unwrap()
}

/// A client whose transport records each request and answers `status` with `body`.
fn mocked(
    credentials: Credentials,
    status: u16,
    content_type: &'static str,
    body: impl Into<String>,
) -> (Client, Seen) {
    let body: String = body.into();
    let seen: Seen = Arc::default();
    let mut mock = MockHttpTransport::new();
    let log = seen.clone();
    mock.expect_send().returning(move |req| {
        log.lock().unwrap().push(req);
        Ok(response(status, content_type, &body))
    });
    // Retries have their own tests in cfzt-transport; here one response is one call.
    let client = Client::builder()
        .credentials(credentials)
        .transport(mock)
        .retry_policy(RetryPolicy::no_retries())
        .build()
        .unwrap();
    (client, seen)
}

fn users(client: &Client) -> Users {
    client.users(&A.parse::<AccountId>().unwrap())
}

fn user_id() -> UserId {
    U.parse().unwrap()
}

/// The one request that was sent, as (method, URL, headers, body).
fn only_request(seen: &Seen) -> http::Request<Bytes> {
    let mut seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "exactly one request");
    seen.pop().unwrap()
}

fn documented_result<T: DeserializeOwned>(fixture: &str) -> T {
    serde_json::from_str::<Envelope<T>>(fixture).unwrap().result.unwrap()
}

/// Runs one operation against a mock that answers `fixture` and checks the exact request
/// and the decoded result.
async fn check<T>(
    status: u16,
    fixture: &str,
    op: impl FnOnce(&Users) -> ApiRequest<T>,
    method: &str,
    url: &str,
    body: Option<&str>,
) where
    T: DeserializeOwned + Default + Send + PartialEq + Debug + 'static,
{
    let (client, seen) = mocked(Credentials::api_token(TOKEN), status, "application/json", fixture);
    let got = op(&users(&client)).await.unwrap();
    assert_eq!(got, documented_result::<T>(fixture), "{method} {url}");
    let req = only_request(&seen);
    assert_eq!(req.method().as_str(), method);
    assert_eq!(req.uri().to_string(), url);
    let h = req.headers();
    assert_eq!(h["authorization"], format!("Bearer {TOKEN}").as_str());
    assert!(h["authorization"].is_sensitive());
    assert_eq!(h["accept"], "application/json");
    assert!(h["user-agent"].to_str().unwrap().starts_with("cfzt-access-users/"));
    assert!(!h.contains_key("x-auth-key") && !h.contains_key("x-auth-email"));
    match body {
        Some(body) => {
            assert_eq!(h["content-type"], "application/json");
            assert_eq!(req.body(), body);
        }
        None => {
            assert!(!h.contains_key("content-type"));
            assert!(req.body().is_empty());
        }
    }
}

const USERS_URL: &str = "https://api.cloudflare.com/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/access/users";

#[tokio::test]
async fn create_user() {
    let params = CreateUserParams::new("jdoe@example.com").name("Jane Doe");
    check(
        201,
        &created(),
        |u| u.create(params),
        "POST",
        USERS_URL,
        Some(r#"{"email":"jdoe@example.com","name":"Jane Doe"}"#),
    )
    .await;
    let params = CreateUserParams::new("jdoe@example.com");
    check(201, &created(), |u| u.create(params), "POST", USERS_URL, Some(r#"{"email":"jdoe@example.com"}"#)).await;
}

#[tokio::test]
async fn get_user() {
    check(200, &user(), |u| u.get(&user_id()), "GET", &format!("{USERS_URL}/{U}"), None).await;
}

#[tokio::test]
async fn update_user() {
    let params = UpdateUserParams::new("jdoe@example.com", "Jane Q. Doe");
    let url = format!("{USERS_URL}/{U}");
    check(
        200,
        &updated(),
        |u| u.update(&user_id(), params),
        "PUT",
        &url,
        Some(r#"{"email":"jdoe@example.com","name":"Jane Q. Doe"}"#),
    )
    .await;
}

#[tokio::test]
async fn delete_user() {
    check(202, &deleted(), |u| u.delete(&user_id()), "DELETE", &format!("{USERS_URL}/{U}"), None).await;
}

#[tokio::test]
async fn list_active_sessions() {
    let url = format!("{USERS_URL}/{U}/active_sessions");
    check(200, &sessions(), |u| u.active_sessions(&user_id()).list(), "GET", &url, None).await;
}

#[tokio::test]
async fn get_active_session() {
    let nonce: SessionNonce = "X1aXj1lFVcqqyoXF".parse().unwrap();
    let url = format!("{USERS_URL}/{U}/active_sessions/X1aXj1lFVcqqyoXF");
    check(200, &session(), |u| u.active_sessions(&user_id()).get(&nonce), "GET", &url, None).await;
}

#[tokio::test]
async fn get_last_seen_identity() {
    let url = format!("{USERS_URL}/{U}/last_seen_identity");
    check(200, &identity(), |u| u.last_seen_identity(&user_id()), "GET", &url, None).await;
}

#[tokio::test]
async fn list_failed_logins() {
    let url = format!("{USERS_URL}/{U}/failed_logins");
    check(200, &failed(), |u| u.failed_logins(&user_id()), "GET", &url, None).await;
}

#[tokio::test]
async fn list_users_sends_filters_and_pages() {
    let (client, seen) = mocked(Credentials::api_token(TOKEN), 200, "application/json", list());
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
    assert_eq!(response.result, documented_result::<Vec<cfzt_access_users::User>>(&list()));
    assert_eq!(response.result_info.unwrap().total_pages, Some(1));
    let req = only_request(&seen);
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
    let (client, seen) = mocked(Credentials::api_token(TOKEN), 200, "application/json", list());
    let all: Vec<_> = users(&client).list().items().try_collect().await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(only_request(&seen).uri().to_string(), format!("{USERS_URL}?page=1&per_page=50"));
    // Awaited directly, one page without an explicit page number.
    let (client, seen) = mocked(Credentials::api_token(TOKEN), 200, "application/json", list());
    assert_eq!(users(&client).list().await.unwrap().len(), 1);
    assert_eq!(only_request(&seen).uri().to_string(), format!("{USERS_URL}?per_page=50"));
}

#[tokio::test]
async fn global_api_key_sends_exactly_the_two_headers() {
    let creds = Credentials::global_api_key("admin@example.com", "144c9defac04969c7bfad8efaa8ea194");
    let (client, seen) = mocked(creds, 200, "application/json", user());
    users(&client).get(&user_id()).await.unwrap();
    let req = only_request(&seen);
    let h = req.headers();
    assert_eq!(h["x-auth-email"], "admin@example.com");
    assert_eq!(h["x-auth-key"], "144c9defac04969c7bfad8efaa8ea194");
    assert!(h["x-auth-key"].is_sensitive());
    assert!(!h.contains_key("authorization"));
}

#[tokio::test]
async fn base_url_path_is_kept_and_api_version_is_sent_when_pinned() {
    let mut mock = MockHttpTransport::new();
    mock.expect_send()
        .withf(|req| {
            req.uri() == "http://127.0.0.1:8787/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/access/users/f174e90a-fafe-4643-bbbc-4a0ed4fc8415"
                && req.headers()["api-version"] == "2025-06-01"
        })
        .times(1)
        .returning(|_| Ok(response(200, "application/json", &user())));
    let client = Client::builder()
        .base_url("http://127.0.0.1:8787/client/v4/")
        .api_token(TOKEN)
        .api_version(chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap())
        .transport(mock)
        .build()
        .unwrap();
    users(&client).get(&user_id()).await.unwrap();
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
    let mut mock = MockHttpTransport::new();
    mock.expect_send().never();
    let client = Client::builder().api_token(TOKEN).transport(mock).build().unwrap();
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
        let mut mock = MockHttpTransport::new();
        mock.expect_send().returning(|req| {
            // What a careless transport might log.
            assert!(!format!("{req:?}").contains(SENTINEL));
            Ok(response(
                401,
                "application/json",
                r#"{"success":false,"errors":[{"code":10000,"message":"Authentication error"}]}"#,
            ))
        });
        let client = builder.transport(mock).build().unwrap();
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
    let (client, seen) = mocked(Credentials::api_token(TOKEN), 200, "application/json", user());
    users(&client).get(&user_id()).max_retries(4).attempt_timeout(Duration::from_secs(3)).await.unwrap();
    let req = only_request(&seen);
    let want = RequestOptions::new().max_retries(4).attempt_timeout(Duration::from_secs(3));
    assert_eq!(req.extensions().get::<RequestOptions>(), Some(&want));
    // No options, no extension.
    users(&client).get(&user_id()).await.unwrap();
    assert!(only_request(&seen).extensions().get::<RequestOptions>().is_none());
}

#[tokio::test]
async fn a_long_retry_after_is_reported_on_the_error() {
    let mut mock = MockHttpTransport::new();
    mock.expect_send().times(1).returning(|_| {
        Ok(http::Response::builder()
            .status(429)
            .header("retry-after", "3600")
            .header("content-type", "application/json")
            .body(Bytes::from_static(br#"{"success":false,"errors":[{"code":971,"message":"Please wait and consider throttling your request speed"}]}"#))
            .unwrap())
    });
    // The default policy retries 429s, but not when the server demands an hour.
    let client = Client::builder().api_token(TOKEN).transport(mock).build().unwrap();
    let err = users(&client).get(&user_id()).await.unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), Some(std::time::Duration::from_secs(3600)));
}
