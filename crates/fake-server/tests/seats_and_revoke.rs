//! *Edit seats* and *revoke a user* in the fake server: what they accept, what they
//! answer, and their effect as `get`, `list` and the session list then show it.

mod common;

use cfzt_fake_server::{DEMO_ACCOUNT_ID, DEMO_USER_EMAIL, FakeServer, codes};
use common::{Auth, Client, TOKEN, jane_path, users_path};
use serde_json::{Value, json};

fn seats_path() -> String {
    format!("/accounts/{DEMO_ACCOUNT_ID}/access/seats")
}

fn revoke_path() -> String {
    format!("/accounts/{DEMO_ACCOUNT_ID}/access/organizations/revoke_user")
}

/// Alice of the demo data: an Access seat `seat_uid_3`.
const ALICE: &str = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

async fn patch(client: &Client, body: Value) -> common::Answer {
    client.send("PATCH", &seats_path(), Auth::Token(TOKEN), Some(body)).await
}

#[tokio::test]
async fn editing_seats_changes_them_as_get_and_list_show_them() {
    let server = FakeServer::start().await.unwrap();
    let client = Client::new(server.base_url());
    let answer = patch(&client, json!([{"seat_uid": "seat_uid_3", "access_seat": false, "gateway_seat": true}])).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let body = answer.json();
    assert_eq!(body["success"], true);
    assert_eq!(body["result"][0]["seat_uid"], "seat_uid_3");
    assert_eq!(
        (body["result"][0]["access_seat"].clone(), body["result"][0]["gateway_seat"].clone()),
        (json!(false), json!(true))
    );
    assert!(body["result"][0]["updated_at"].is_string());
    assert_eq!(body["result_info"]["count"], 1);

    let alice = client.get(&format!("{}/{ALICE}", users_path())).await.json();
    assert_eq!(
        (alice["result"]["access_seat"].clone(), alice["result"]["gateway_seat"].clone()),
        (json!(false), json!(true))
    );
    let listed = client.get(&format!("{}?email=asmith@example.com", users_path())).await.json();
    assert_eq!(listed["result"][0]["gateway_seat"], true);
}

#[tokio::test]
async fn seat_edits_must_be_arrays_of_known_seats_and_change_nothing_otherwise() {
    let server = FakeServer::start().await.unwrap();
    let client = Client::new(server.base_url());
    let before = server.users(&DEMO_ACCOUNT_ID.parse().unwrap());
    // The object cloudflare-go v0.86.0 sent.
    let object = patch(&client, json!({"seat_uid": "seat_uid_3", "access_seat": false, "gateway_seat": false})).await;
    assert_eq!(object.status, 400, "{}", object.text);
    assert!(object.text.contains("Array"), "{}", object.text);
    assert_eq!(patch(&client, json!([])).await.status, 400);
    let missing = patch(&client, json!([{"seat_uid": "seat_uid_3", "access_seat": false}])).await;
    assert_eq!(missing.status, 400);
    assert_eq!(missing.json()["errors"][0]["source"]["pointer"], "/0/gateway_seat", "{}", missing.text);
    // One unknown seat: a 404, and the known one before it is not changed either.
    let unknown = patch(
        &client,
        json!([
            {"seat_uid": "seat_uid_3", "access_seat": false, "gateway_seat": false},
            {"seat_uid": "no-such-seat", "access_seat": false, "gateway_seat": false}
        ]),
    )
    .await;
    assert_eq!((unknown.status, unknown.code()), (404, codes::SEAT_NOT_FOUND));
    assert_eq!(server.users(&DEMO_ACCOUNT_ID.parse().unwrap()), before);
}

#[tokio::test]
async fn revoking_ends_the_users_sessions_and_optionally_their_devices() {
    let server = FakeServer::start().await.unwrap();
    let client = Client::new(server.base_url());
    assert_eq!(
        client.get(&format!("{}/active_sessions", jane_path())).await.json()["result"].as_array().unwrap().len(),
        1
    );

    let answer = client.post(&revoke_path(), json!({"email": "JDOE@example.com"})).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    // The documented body: only `result` and `success`.
    assert_eq!(answer.json(), json!({"result": true, "success": true}));
    let sessions = client.get(&format!("{}/active_sessions", jane_path())).await.json();
    assert_eq!(sessions["result"], json!([]));
    // Without `devices`, the devices stay.
    assert_eq!(client.get(&jane_path()).await.json()["result"]["active_device_count"], 2);

    // `devices` in the query revokes them.
    let path = format!("{}?devices=true", revoke_path());
    assert_eq!(client.post(&path, json!({"email": DEMO_USER_EMAIL})).await.status, 200);
    assert_eq!(client.get(&jane_path()).await.json()["result"]["active_device_count"], 0);
    // As does `devices` in the body, for Alice.
    let body = json!({"email": "asmith@example.com", "devices": true, "warp_session_reauth": true});
    assert_eq!(client.post(&revoke_path(), body).await.status, 200);
    let alice = client.get(&format!("{}/{ALICE}", users_path())).await.json();
    assert_eq!(alice["result"]["active_device_count"], 0);
}

#[tokio::test]
async fn revoke_refuses_what_it_cannot_honour() {
    let server = FakeServer::start().await.unwrap();
    let client = Client::new(server.base_url());
    let cases = [
        (json!({}), 400),
        (json!({"email": "not-an-email"}), 400),
        (json!({"email": DEMO_USER_EMAIL, "devices": "yes"}), 400),
        (json!({"email": DEMO_USER_EMAIL, "user_uid": "00000000000000000000000000000000"}), 400),
        (json!({"email": "nobody@example.com"}), 404),
    ];
    for (body, status) in cases {
        let answer = client.post(&revoke_path(), body.clone()).await;
        assert_eq!(answer.status, status, "{body}: {}", answer.text);
    }
    let bad_query = client.post(&format!("{}?devices=yes", revoke_path()), json!({"email": DEMO_USER_EMAIL})).await;
    assert_eq!(bad_query.status, 400);
    // Nothing above ended Jane's session; her own id as `user_uid` is accepted.
    let sessions = client.get(&format!("{}/active_sessions", jane_path())).await.json();
    assert_eq!(sessions["result"].as_array().unwrap().len(), 1);
    let uid = json!({"email": DEMO_USER_EMAIL, "user_uid": "f174e90afafe4643bbbc4a0ed4fc8415"});
    assert_eq!(client.post(&revoke_path(), uid).await.status, 200);
}
