//! The fake server explains a malformed id with the models' own message: the shape the id
//! must have, then what is wrong.

mod common;

use cfzt_fake_server::{DEMO_ACCOUNT_ID, FakeServer, codes};
use cfzt_models::{AccountId, UserId};
use common::{Client, users_path};

#[tokio::test]
async fn a_malformed_id_is_explained_as_the_sdk_explains_it() {
    let server = FakeServer::start().await.unwrap();
    let client = Client::new(server.base_url());
    let cases = [
        (format!("{}/not-a-uuid", users_path()), UserId::new("not-a-uuid").unwrap_err()),
        (
            format!("{}/f174e90a-fafe-4643-bbbc-4a0ed4fc841g", users_path()),
            UserId::new("f174e90a-fafe-4643-bbbc-4a0ed4fc841g").unwrap_err(),
        ),
        ("/accounts/not-an-account-id/access/users".to_string(), AccountId::new("not-an-account-id").unwrap_err()),
        (
            format!("/accounts/{}x/access/users", DEMO_ACCOUNT_ID),
            AccountId::new(format!("{DEMO_ACCOUNT_ID}x")).unwrap_err(),
        ),
    ];
    for (path, want) in cases {
        let answer = client.get(&path).await;
        assert_eq!(answer.status, 400, "{path}: {}", answer.text);
        assert_eq!(answer.code(), codes::INVALID_IDENTIFIER, "{path}");
        let message = answer.json()["errors"][0]["message"].as_str().unwrap_or_default().to_string();
        assert!(message.contains(&want.to_string()), "{path}: {message}\nwant: {want}");
        assert!(message.contains("must be a"), "{path}: the message says what an id looks like: {message}");
    }
}
