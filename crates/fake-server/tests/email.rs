//! The fake server refuses the emails the SDK refuses, by the same rule
//! (`cfzt_models::validate_email`), with a 400 in the API's error shape, and stores nothing.

mod common;

use cfzt_fake_server::{DEMO_USER_EMAIL, FakeServer, codes};
use common::{Client, jane_path, users_path};
use serde_json::json;

/// Emails that hold a control character, whitespace or an invisible formatting character.
const BAD: &[(&str, &str)] = &[
    ("jdoe\0@example.com", "U+0000"),
    ("jdoe@example.com\r", "U+000D"),
    ("jdoe@example.com\n", "U+000A"),
    ("jdoe@example.com\r\nX-Injected: 1", "U+000D"),
    ("jdoe@exa\tmple.com", "U+0009"),
    ("jdoe@example.com\u{7f}", "U+007F"),
    ("jdoe@example.com\u{1b}", "U+001B"),
    ("jdoe@example.com\u{a0}", "U+00A0"),
    ("jdoe@example.com\u{2028}", "U+2028"),
    ("jdoe\u{200b}@example.com", "U+200B"),
];

fn assert_refused(answer: &common::Answer, what: &str, code_point: &str) {
    assert_eq!(answer.status, 400, "{what}: {}", answer.text);
    let body = answer.json();
    assert_eq!(body["success"], false, "{what}");
    assert_eq!(body["result"], serde_json::Value::Null, "{what}");
    assert_eq!(answer.code(), codes::INVALID_REQUEST, "{what}");
    assert_eq!(body["errors"][0]["source"]["pointer"], "/email", "{what}");
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains(code_point), "{what}: the message names the character: {message}");
}

#[tokio::test]
async fn create_refuses_an_email_with_a_control_or_whitespace_and_stores_nothing() {
    let server = FakeServer::start().await.unwrap();
    let client = Client::new(server.base_url());
    let account = cfzt_fake_server::DEMO_ACCOUNT_ID.parse().unwrap();
    let before = server.users(&account).len();
    for (email, code_point) in BAD {
        let answer = client.post(&users_path(), json!({ "email": email, "name": "X" })).await;
        assert_refused(&answer, &format!("create {email:?}"), code_point);
    }
    assert_eq!(server.users(&account).len(), before, "no user was stored");
    assert!(server.users(&account).iter().all(|u| !u.email.as_deref().unwrap_or_default().contains('\0')));
}

#[tokio::test]
async fn update_refuses_an_email_with_a_control_or_whitespace() {
    let server = FakeServer::start().await.unwrap();
    let client = Client::new(server.base_url());
    for (email, code_point) in BAD {
        let answer = client.put(&jane_path(), json!({ "email": email, "name": "X" })).await;
        assert_refused(&answer, &format!("update {email:?}"), code_point);
    }
    // Jane's own email followed by a NUL is not Jane's email: it is refused, not matched.
    let answer = client.put(&jane_path(), json!({ "email": format!("{DEMO_USER_EMAIL}\0"), "name": "X" })).await;
    assert_refused(&answer, "update with a trailing NUL", "U+0000");
    assert_eq!(client.get(&jane_path()).await.json()["result"]["name"], "Jane Doe", "the name is unchanged");
}

#[tokio::test]
async fn add_user_takes_the_same_rule() {
    let server = FakeServer::start().await.unwrap();
    let account = cfzt_fake_server::DEMO_ACCOUNT_ID.parse().unwrap();
    for (email, _) in BAD {
        assert!(server.add_user(&account, cfzt_models::CreateUserParams::new(*email)).is_none(), "{email:?}");
    }
    assert!(server.add_user(&account, cfzt_models::CreateUserParams::new("ok@example.com")).is_some());
}
