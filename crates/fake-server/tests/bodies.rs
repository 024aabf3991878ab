//! What a request body must be: declared as JSON, and free to carry keys the operation
//! does not define (ignored, as Cloudflare ignores them) unless the server is strict.

mod common;

use cfzt_fake_server::{AccountId, DEMO_ACCOUNT_ID, DEMO_USER_EMAIL, FakeServer, codes};
use common::{Answer, Auth, Client, TOKEN, jane_path, users_path};
use serde_json::{Value, json};

fn demo_account() -> AccountId {
    DEMO_ACCOUNT_ID.parse().unwrap()
}

fn seats_path() -> String {
    format!("/accounts/{DEMO_ACCOUNT_ID}/access/seats")
}

fn revoke_path() -> String {
    format!("/accounts/{DEMO_ACCOUNT_ID}/access/organizations/revoke_user")
}

/// Sends `body` as it is, with this `Content-Type` (or none).
async fn send_typed(client: &Client, method: &str, path: &str, content_type: Option<&str>, body: &Value) -> Answer {
    let mut request = client.request(method, path, Auth::Token(TOKEN)).body(body.to_string());
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    Answer { status, headers, text: response.text().await.unwrap() }
}

/// One request of each operation that takes a body, each of which would succeed.
fn operations_with_a_body() -> [(&'static str, String, Value); 4] {
    [
        ("POST", users_path(), json!({"email": "typed@example.com"})),
        ("PUT", jane_path(), json!({"email": DEMO_USER_EMAIL, "name": "Jane Typed"})),
        ("PATCH", seats_path(), json!([{"seat_uid": "seat_uid_3", "access_seat": true, "gateway_seat": true}])),
        ("POST", revoke_path(), json!({"email": DEMO_USER_EMAIL})),
    ]
}

#[tokio::test]
async fn a_body_that_is_not_declared_json_is_refused_as_the_api_refuses_it() {
    let server = FakeServer::start().await.unwrap();
    let client = Client::new(server.base_url());
    let (users, sessions) =
        (server.users(&demo_account()), client.get(&format!("{}/active_sessions", jane_path())).await);
    let refused = [
        None,
        Some("text/plain"),
        Some("text/plain; charset=utf-8"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
    ];
    for (method, path, body) in operations_with_a_body() {
        for content_type in refused {
            let what = format!("{method} {path} as {content_type:?}");
            let answer = send_typed(&client, method, &path, content_type, &body).await;
            assert_eq!(
                (answer.status, answer.code()),
                (400, codes::INVALID_REQUEST_HEADERS),
                "{what}: {}",
                answer.text
            );
            let chain = &answer.json()["errors"][0]["error_chain"][0];
            assert_eq!(chain["code"], codes::INVALID_CONTENT_TYPE, "{what}: {}", answer.text);
            assert!(chain["message"].as_str().unwrap().contains("application/json"), "{what}: {}", answer.text);
            assert_eq!(answer.header("content-type"), Some("application/json"), "{what}");
        }
    }
    // Nothing was created, renamed, re-seated or revoked.
    assert_eq!(server.users(&demo_account()), users);
    assert_eq!(client.get(&format!("{}/active_sessions", jane_path())).await.text, sessions.text);

    // `application/json`, in any case and with parameters, is accepted.
    for content_type in ["application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8"] {
        for (method, path, body) in operations_with_a_body() {
            let body = if method == "POST" && path == users_path() {
                json!({ "email": format!("{}@example.com", content_type.len()) })
            } else {
                body
            };
            let answer = send_typed(&client, method, &path, Some(content_type), &body).await;
            assert!((200..300).contains(&answer.status), "{method} {path} as {content_type}: {}", answer.text);
        }
    }
    // A request without a body needs no content type.
    assert_eq!(client.get(&users_path()).await.status, 200);
}

#[tokio::test]
async fn unknown_body_keys_are_ignored_as_the_api_does_and_refused_when_strict() {
    // Each operation's body with a key it does not define, and where strict mode points.
    let cases = [
        ("POST", users_path(), json!({"email": "extra@example.com", "extra": 1}), "/extra"),
        ("PUT", jane_path(), json!({"email": DEMO_USER_EMAIL, "name": "Jane", "nickname": "J"}), "/nickname"),
        (
            "PATCH",
            seats_path(),
            json!([{"seat_uid": "seat_uid_3", "access_seat": true, "gateway_seat": false, "note": "x"}]),
            "/0/note",
        ),
        ("POST", revoke_path(), json!({"email": "asmith@example.com", "body_devices": true}), "/body_devices"),
        ("POST", revoke_path(), json!({"email": "asmith@example.com", "a/b~c": 1}), "/a~1b~0c"),
    ];
    for strict in [false, true] {
        let server = FakeServer::builder().strict_body_keys(strict).start().await.unwrap();
        let client = Client::new(server.base_url());
        let before = server.users(&demo_account());
        for (method, path, body, pointer) in &cases {
            let what = format!("strict {strict}: {method} {path} {body}");
            let answer = client.send(method, path, Auth::Token(TOKEN), Some(body.clone())).await;
            if strict {
                assert_eq!((answer.status, answer.code()), (400, codes::INVALID_REQUEST), "{what}: {}", answer.text);
                assert_eq!(answer.json()["errors"][0]["source"]["pointer"], *pointer, "{what}");
            } else {
                assert!((200..300).contains(&answer.status), "{what}: {}", answer.text);
            }
        }
        if strict {
            assert_eq!(server.users(&demo_account()), before, "strict: nothing changed");
        }
    }
}

/// The official TypeScript SDK's `revokeUsers` sends the body flag as `body_devices`: the
/// call works, as against Cloudflare, and the flag has no effect, as the API guide says.
#[tokio::test]
async fn the_typescript_sdks_revoke_body_works_and_its_flag_does_nothing() {
    let server = FakeServer::start().await.unwrap();
    let client = Client::new(server.base_url());
    let answer = client.post(&revoke_path(), json!({"email": DEMO_USER_EMAIL, "body_devices": true})).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.json(), json!({"result": true, "success": true}));
    assert_eq!(client.get(&format!("{}/active_sessions", jane_path())).await.json()["result"], json!([]));
    assert_eq!(client.get(&jane_path()).await.json()["result"]["active_device_count"], 2, "devices kept");
    // Its query flag is the API's own, and revokes them.
    let query = format!("{}?devices=true", revoke_path());
    let answer = client.post(&query, json!({"email": DEMO_USER_EMAIL, "body_devices": true})).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(client.get(&jane_path()).await.json()["result"]["active_device_count"], 0);
}
