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

/// Emails that only Unicode case rules would take for one another are two users to every
/// operation: create, the `email` and `search` filters, update, revoke and delete compare
/// by `cfzt_models::emails_match`, ASCII case only.
#[tokio::test]
async fn lookalike_emails_are_two_users_to_every_operation() {
    let server = FakeServer::start().await.unwrap();
    let client = Client::new(server.base_url());
    let account: cfzt_models::AccountId = cfzt_fake_server::DEMO_ACCOUNT_ID.parse().unwrap();
    let (mark, kelvin) = ("mark@example.com", "mar\u{212A}@example.com"); // KELVIN SIGN
    let mut ids = Vec::new();
    for (email, name) in [(mark, "Mark"), (kelvin, "Another")] {
        let answer = client.post(&users_path(), json!({ "email": email, "name": name })).await;
        assert_eq!(answer.status, 201, "{email}: {}", answer.text);
        ids.push(answer.json()["result"]["id"].as_str().unwrap().to_string());
    }
    let taken = client.post(&users_path(), json!({ "email": "MARK@Example.COM", "name": "X" })).await;
    assert_eq!((taken.status, taken.code()), (409, codes::EMAIL_TAKEN), "the same email in ASCII case is taken");

    let emails = |answer: common::Answer| -> Vec<String> {
        assert_eq!(answer.status, 200, "{}", answer.text);
        answer.json()["result"].as_array().unwrap().iter().map(|u| u["email"].as_str().unwrap().to_string()).collect()
    };
    let list = |query: String| {
        let client = &client;
        async move { emails(client.get(&format!("{}?{query}", users_path())).await) }
    };
    assert_eq!(list("email=MARK@example.com".into()).await, [mark]);
    assert_eq!(list(format!("email={kelvin}")).await, [kelvin]);
    assert_eq!(list("search=MARK".into()).await, [mark], "search ignores ASCII case only");
    assert_eq!(list("search=AR\u{212A}@".into()).await, [kelvin]);
    assert_eq!(list("search=mar".into()).await, [mark, kelvin]);

    // Update confirms the user's own email only.
    let path = format!("{}/{}", users_path(), ids[0]);
    let answer = client.put(&path, json!({ "email": kelvin, "name": "Not Mark" })).await;
    assert_eq!((answer.status, answer.code()), (400, codes::EMAIL_MISMATCH), "{}", answer.text);
    assert_eq!(client.put(&path, json!({ "email": "Mark@Example.com", "name": "Mark" })).await.status, 200);

    // Revoking one ends their sessions only.
    let user_ids: Vec<cfzt_models::UserId> = ids.iter().map(|id| id.parse().unwrap()).collect();
    for id in &user_ids {
        let session: cfzt_models::ActiveSession = serde_json::from_str(cfzt_models::examples::ACTIVE_SESSION).unwrap();
        server.add_active_session(&account, id, session, Default::default()).unwrap();
    }
    let revoke = format!("/accounts/{}/access/organizations/revoke_user", cfzt_fake_server::DEMO_ACCOUNT_ID);
    assert_eq!(client.post(&revoke, json!({ "email": kelvin })).await.status, 200);
    let sessions = |i: usize| server.active_sessions(&account, &user_ids[i]).unwrap().len();
    assert_eq!((sessions(0), sessions(1)), (1, 0), "only the lookalike's session ended");

    // Deleting one frees their email, not the other's.
    let deleted = client.delete(&format!("{}/{}", users_path(), ids[1])).await;
    assert!((200..300).contains(&deleted.status), "{}", deleted.text);
    assert_eq!(client.post(&users_path(), json!({ "email": kelvin, "name": "X" })).await.status, 201);
    assert_eq!(client.post(&users_path(), json!({ "email": mark, "name": "X" })).await.status, 409);
}
