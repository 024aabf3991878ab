//! What a call makes of an answer: the status and `cf-ray` of a success, decoding
//! failures and API errors, `null` results, a long `Retry-After`.

mod support;

use cfzt_access_users::{Client, Credentials, Error, Pacing};
use cfzt_transport::test_util::capture_request;

use support::*;

#[tokio::test]
async fn send_with_response_exposes_status_and_cf_ray() {
    let (client, _) = mocked(Credentials::api_token(TOKEN), 202, "application/json", deleted());
    let response = users(&client).delete(&user_id()).send_with_response().await.unwrap();
    assert_eq!(response.status, 202);
    assert_eq!(response.cf_ray(), Some("8f0c1d2e3a4b5c6d-SJC"));
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
    let client = Client::builder().api_token(TOKEN).transport(transport).pacing(Pacing::Off).build().unwrap();
    let err = users(&client).get(&user_id()).await.unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), Some(std::time::Duration::from_secs(3600)));
    requests.expect_only_request();

    // With the default budget, the retry waits in the budget (a pause of at most
    // MAX_PAUSE): a call with a deadline ends at once with the 429 itself, saying how long
    // the retry would wait.
    let (transport, requests) = capture_request(Some(answer));
    let client = Client::builder().api_token(TOKEN).transport(transport).build().unwrap();
    let err = users(&client).get(&user_id()).deadline(std::time::Duration::from_secs(1)).await.unwrap_err();
    assert!(err.is_rate_limited() && !err.is_transport(), "{err:?}");
    assert_eq!(err.as_api().and_then(|api| api.code()), Some(971), "{err:?}");
    let wait = err.retry_after().unwrap();
    assert!(wait <= cfzt_access_users::MAX_PAUSE && wait > cfzt_access_users::MAX_PAUSE / 2, "{wait:?}");
    requests.expect_only_request();
}
