//! What a call sends: list filters and pages, the credential headers, the base URL's
//! path, the API version, per-call options; and nothing at all for bad input.

mod support;

use cfzt_access_users::{Client, CreateUserParams, Credentials, Error, UpdateUserParams};
use cfzt_transport::RequestOptions;
use cfzt_transport::test_util::capture_request;
use serde_json::json;

use support::*;

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
