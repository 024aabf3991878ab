//! The fake server routes every operation of the SDK's catalogue
//! (`cfzt_models::operations`): the same method and the path rendered from the same
//! template reach the operation of the same name, and are answered with a success.

use cfzt_fake_server::{DEMO_ACCOUNT_ID, DEMO_SESSION_NONCE, DEMO_USER_EMAIL, DEMO_USER_ID, FakeServer};
use cfzt_models::operations::{self, PathPart};

/// The demo data's value for each parameter of the templates.
fn value(param: &str) -> &'static str {
    match param {
        "account_id" => DEMO_ACCOUNT_ID,
        "user_id" => DEMO_USER_ID,
        "nonce" => DEMO_SESSION_NONCE,
        other => panic!("a parameter this test does not know: {other}"),
    }
}

#[tokio::test]
async fn every_catalogue_operation_is_routed_to_itself() {
    let http = reqwest::Client::new();
    for operation in operations::ALL {
        // A fresh server per row: a delete must not hide the user from the next row.
        let server = FakeServer::start().await.unwrap();
        let path: String = operation
            .parts()
            .iter()
            .map(|part| match *part {
                PathPart::Literal(text) => text,
                PathPart::Param(name) => value(name),
            })
            .collect();
        let method = reqwest::Method::from_bytes(operation.method.as_str().as_bytes()).unwrap();
        let mut request =
            http.request(method, format!("{}{path}", server.base_url())).bearer_auth("catalogue-test-token");
        let body = match operation.name {
            "create_user" => Some(serde_json::json!({ "email": "new@example.com", "name": "Catalogue Test" })),
            "update_user" => Some(serde_json::json!({ "email": DEMO_USER_EMAIL, "name": "Catalogue Test" })),
            "revoke_user" => Some(serde_json::json!({ "email": DEMO_USER_EMAIL })),
            // The demo user's seat.
            "edit_seats" => {
                Some(serde_json::json!([{ "seat_uid": "seat_uid", "access_seat": false, "gateway_seat": false }]))
            }
            _ => None,
        };
        assert_eq!(body.is_some(), matches!(operation.method.as_str(), "POST" | "PUT" | "PATCH"), "{}", operation.name);
        if let Some(body) = body {
            request = request.header("content-type", "application/json").body(body.to_string());
        }
        let status = request.send().await.unwrap().status();

        let journal = server.journal();
        let entry = journal.last().unwrap_or_else(|| panic!("{}: nothing reached the server", operation.name));
        assert_eq!(entry.method, operation.method.as_str(), "{}", operation.name);
        assert_eq!(entry.operation.map(|o| o.name()), Some(operation.name), "{} {path}", operation.method);
        assert!(status.is_success(), "{} {path}: HTTP {status}", operation.method);
        server.shutdown().await;
    }
}
