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
            .map(|part| match part {
                PathPart::Literal(text) => text,
                PathPart::Param(name) => value(name),
            })
            .collect();
        let method = reqwest::Method::from_bytes(operation.method.as_bytes()).unwrap();
        let mut request =
            http.request(method, format!("{}{path}", server.base_url())).bearer_auth("catalogue-test-token");
        if matches!(operation.method, "POST" | "PUT") {
            let email = if operation.method == "POST" { "new@example.com" } else { DEMO_USER_EMAIL };
            let body = serde_json::json!({ "email": email, "name": "Catalogue Test" }).to_string();
            request = request.header("content-type", "application/json").body(body);
        }
        let status = request.send().await.unwrap().status();

        let journal = server.journal();
        let entry = journal.last().unwrap_or_else(|| panic!("{}: nothing reached the server", operation.name));
        assert_eq!(entry.method, operation.method, "{}", operation.name);
        assert_eq!(entry.operation.map(|o| o.name()), Some(operation.name), "{} {path}", operation.method);
        assert!(status.is_success(), "{} {path}: HTTP {status}", operation.method);
        server.shutdown().await;
    }
}
