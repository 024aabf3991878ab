//! The nine operations and their rules, over plain HTTP.

mod common;

use cfzt_fake_server::{
    AccountId, DEMO_ACCOUNT_ID, DEMO_SESSION_NONCE, DEMO_USER_EMAIL, DEMO_USER_ID, FakeServer, UserId, codes,
};
use cfzt_models::{
    ActiveSession, ActiveSessionDetail, ActiveSessionMetadata, CreateUserParams, DeleteUserResult, Envelope,
    FailedLogin, Identity, ResultInfo, User, examples,
};
use common::{Auth, Client, TOKEN, jane_path, users_path};
use serde_json::json;

async fn setup() -> (FakeServer, Client) {
    let server = FakeServer::start().await.unwrap();
    let client = Client::new(server.base_url());
    (server, client)
}

fn demo_account() -> AccountId {
    DEMO_ACCOUNT_ID.parse().unwrap()
}

/// Each documented example of the API guide (§4.3, §4.6–§4.9) decodes to the same value as
/// the fake's answer.
#[tokio::test]
async fn answers_match_the_documented_examples() {
    let (server, client) = setup().await;
    assert!(server.base_url().starts_with("http://127.0.0.1:"));
    assert!(server.base_url().ends_with("/client/v4"));

    let got = client.get(&jane_path()).await;
    assert_eq!(got.status, 200);
    let want = examples::envelope(examples::USER);
    assert_eq!(got.decode::<Envelope<User>>(), serde_json::from_str::<Envelope<User>>(&want).unwrap());
    assert_eq!(got.json()["result"]["created_at"], "2014-01-01T05:20:00.123450Z");

    let got = client.get(&format!("{}/active_sessions", jane_path())).await;
    let want = examples::list_envelope(&[examples::ACTIVE_SESSION], 20);
    assert_eq!(got.json(), serde_json::from_str::<serde_json::Value>(&want).unwrap());

    let got = client.get(&format!("{}/active_sessions/{DEMO_SESSION_NONCE}", jane_path())).await;
    let want = examples::envelope(examples::ACTIVE_SESSION_DETAIL);
    let detail = got.decode::<Envelope<ActiveSessionDetail>>();
    assert_eq!(detail, serde_json::from_str::<Envelope<ActiveSessionDetail>>(&want).unwrap());
    assert_eq!(got.json()["result"]["isActive"], true);
    assert!(got.json()["result"]["devicePosture"]["rule-1"].is_object());

    let got = client.get(&format!("{}/last_seen_identity", jane_path())).await;
    let want = examples::envelope(examples::IDENTITY);
    assert_eq!(got.decode::<Envelope<Identity>>(), serde_json::from_str::<Envelope<Identity>>(&want).unwrap());

    let got = client.get(&format!("{}/failed_logins", jane_path())).await;
    let want = examples::list_envelope(&[examples::FAILED_LOGIN], 20);
    assert_eq!(got.json(), serde_json::from_str::<serde_json::Value>(&want).unwrap());
    let decoded = got.decode::<Envelope<Vec<FailedLogin>>>();
    assert_eq!(decoded.result_info, Some(ResultInfo::new(1, 20, 1, 1, 1)));
}

/// Every answer, success or failure, is JSON with a `cf-ray`, and failures use the
/// Cloudflare failure envelope with `result: null`.
#[tokio::test]
async fn every_answer_has_the_envelope_and_headers() {
    let (_server, client) = setup().await;
    let cases = [
        ("GET", users_path(), Auth::Token(TOKEN), 200),
        ("GET", jane_path(), Auth::None, 401),
        ("GET", format!("{}/00000000-0000-4000-8000-000000000000", users_path()), Auth::Key, 404),
        ("GET", "/nowhere".to_string(), Auth::Key, 404),
        ("PATCH", jane_path(), Auth::Key, 405),
        ("GET", "/accounts/bad!id/access/users".to_string(), Auth::Key, 400),
    ];
    for (method, path, auth, status) in cases {
        let got = client.send(method, &path, auth, None).await;
        assert_eq!(got.status, status, "{method} {path}: {}", got.text);
        assert_eq!(got.header("content-type"), Some("application/json"), "{method} {path}");
        let ray = got.header("cf-ray").unwrap_or_else(|| panic!("no cf-ray on {method} {path}"));
        assert!(ray.ends_with("-FAKE") && ray.len() == 21, "{ray}");
        let body = got.json();
        assert_eq!(body["success"], status == 200, "{method} {path}");
        assert!(body["messages"].as_array().is_some_and(Vec::is_empty));
        if status != 200 {
            assert!(body["result"].is_null() && body.as_object().unwrap().contains_key("result"));
            assert!(body["errors"][0]["code"].is_i64() && body["errors"][0]["message"].is_string());
        }
    }
    let no_route = client.send("GET", "/nowhere", Auth::Key, None).await;
    assert_eq!(no_route.code(), codes::NO_ROUTE);
}

#[tokio::test]
async fn authentication() {
    let (_server, client) = setup().await;
    let cases = [
        (Auth::None, 401, Some(codes::AUTHENTICATION_ERROR)),
        (Auth::Token("anything"), 200, None),
        (Auth::Key, 200, None),
        (Auth::Raw("Basic dXNlcjpwYXNz"), 400, Some(codes::INVALID_REQUEST_HEADERS)),
        (Auth::Raw("Bearer "), 400, Some(codes::INVALID_REQUEST_HEADERS)),
    ];
    for (auth, status, code) in cases {
        let got = client.send("GET", &jane_path(), auth, None).await;
        assert_eq!(got.status, status, "{auth:?}: {}", got.text);
        if let Some(code) = code {
            assert_eq!(got.code(), code, "{auth:?}");
        }
    }
    let got = client.send("GET", &jane_path(), Auth::None, None).await;
    assert_eq!(
        got.text,
        r#"{"success":false,"errors":[{"code":10000,"message":"Authentication error"}],"messages":[],"result":null}"#
    );
    let malformed = client.send("GET", &jane_path(), Auth::Raw("Token abc"), None).await;
    assert_eq!(malformed.json()["errors"][0]["error_chain"][0]["code"], codes::INVALID_AUTHORIZATION_FORMAT);
    // Only one of the key headers is not enough.
    let half = client.http.get(format!("{}{}", client.base, jane_path())).header("x-auth-email", "a@b.c");
    assert_eq!(half.send().await.unwrap().status().as_u16(), 401);
}

#[tokio::test]
async fn require_token_accepts_only_that_token() {
    let server = FakeServer::builder().require_token("s3cret").start().await.unwrap();
    let client = Client::new(server.base_url());
    let cases = [(Auth::Token("s3cret"), 200), (Auth::Token("wrong"), 403), (Auth::Key, 403), (Auth::None, 401)];
    for (auth, status) in cases {
        let got = client.send("GET", &users_path(), auth, None).await;
        assert_eq!(got.status, status, "{auth:?}: {}", got.text);
        if status != 200 {
            assert_eq!(got.code(), codes::AUTHENTICATION_ERROR);
        }
    }
    // A refused request changes nothing.
    let got = client.send("POST", &users_path(), Auth::Token("wrong"), Some(json!({"email": "x@example.com"}))).await;
    assert_eq!(got.status, 403);
    assert_eq!(server.users(&demo_account()).len(), 5);
}

#[tokio::test]
async fn create_then_read_it_back() {
    let (server, client) = setup().await;
    let before = chrono::Utc::now();
    let got = client.post(&users_path(), json!({"email": "new@example.com", "name": "New Person"})).await;
    assert_eq!(got.status, 201, "{}", got.text);
    let user = got.decode::<Envelope<User>>().result.unwrap();
    let id = user.user_id().expect("a UUID id");
    assert_eq!(uuid_version(id.as_str()), '4');
    assert_eq!(user.email.as_deref(), Some("new@example.com"));
    assert_eq!(user.name.as_deref(), Some("New Person"));
    assert_eq!((user.access_seat, user.gateway_seat, user.active_device_count), (Some(false), Some(false), Some(0)));
    assert!(user.uid.is_some() && user.seat_uid.is_some());
    assert!(user.created_at.unwrap() >= before && user.created_at == user.updated_at);
    assert_eq!(user.last_successful_login, None);

    let path = format!("{}/{}", users_path(), id);
    assert_eq!(client.get(&path).await.decode::<Envelope<User>>().result, Some(user.clone()));
    assert_eq!(server.user(&demo_account(), &id), Some(user.clone()));
    // Last in creation order.
    assert_eq!(server.users(&demo_account()).last(), Some(&user));

    // A new user has no sessions, no failed logins and no last seen identity.
    let sessions = client.get(&format!("{path}/active_sessions")).await;
    assert_eq!((sessions.status, sessions.json()["result"].clone()), (200, json!([])));
    assert_eq!(sessions.decode::<Envelope<Vec<ActiveSession>>>().result_info, Some(ResultInfo::new(1, 20, 0, 0, 1)));
    assert_eq!(client.get(&format!("{path}/failed_logins")).await.json()["result"], json!([]));
    let identity = client.get(&format!("{path}/last_seen_identity")).await;
    assert_eq!((identity.status, identity.code()), (404, codes::IDENTITY_NOT_FOUND));

    // Email only is fine; any valid account id works and starts empty.
    let got = client.post("/accounts/abc123/access/users", json!({"email": "solo@example.com"})).await;
    assert_eq!(got.status, 201);
    assert_eq!(got.json()["result"].get("name"), None);
    assert_eq!(server.users(&"abc123".parse().unwrap()).len(), 1);
}

fn uuid_version(id: &str) -> char {
    id.chars().nth(14).unwrap()
}

#[tokio::test]
async fn create_refuses_duplicates_and_bad_bodies() {
    let (server, client) = setup().await;
    let cases = [
        (json!({"email": "JDOE@Example.com"}), 409, codes::EMAIL_TAKEN),
        (json!({"email": DEMO_USER_EMAIL, "name": "Other"}), 409, codes::EMAIL_TAKEN),
        (json!({}), 400, codes::INVALID_REQUEST),
        (json!({"name": "No Email"}), 400, codes::INVALID_REQUEST),
        (json!({"email": null}), 400, codes::INVALID_REQUEST),
        (json!({"email": "not-an-email"}), 400, codes::INVALID_REQUEST),
        (json!({"email": "a b@example.com"}), 400, codes::INVALID_REQUEST),
        (json!({"email": 42}), 400, codes::INVALID_REQUEST),
        (json!({"email": "ok@example.com", "name": 7}), 400, codes::INVALID_REQUEST),
        (json!(["email"]), 400, codes::INVALID_REQUEST),
    ];
    for (body, status, code) in cases {
        let got = client.post(&users_path(), body.clone()).await;
        assert_eq!((got.status, got.code()), (status, code), "{body}: {}", got.text);
    }
    let dup = client.post(&users_path(), json!({"email": "JDOE@example.com"})).await;
    assert_eq!(dup.json()["errors"][0]["source"]["pointer"], "/email");
    let missing = client.post(&users_path(), json!({})).await;
    assert_eq!(missing.json()["errors"][0]["source"]["pointer"], "/email");
    let not_json = client.http.post(format!("{}{}", client.base, users_path())).bearer_auth(TOKEN);
    let not_json = not_json.header("content-type", "application/json").body("{oops").send().await.unwrap();
    assert_eq!(not_json.status().as_u16(), 400);
    assert!(not_json.text().await.unwrap().contains("not valid JSON"));
    assert_eq!(server.users(&demo_account()).len(), 5, "nothing was created");
}

#[tokio::test]
async fn update_needs_the_current_email() {
    let (server, client) = setup().await;
    let cases = [
        (json!({"email": "someone@example.com", "name": "X"}), 400, Some(codes::EMAIL_MISMATCH)),
        (json!({"email": DEMO_USER_EMAIL}), 400, Some(codes::INVALID_REQUEST)),
        (json!({"email": DEMO_USER_EMAIL, "name": "  "}), 400, Some(codes::INVALID_REQUEST)),
        (json!({"name": "Jane"}), 400, Some(codes::INVALID_REQUEST)),
        (json!({"email": "JDoe@Example.com", "name": "Jane Q. Doe"}), 200, None),
    ];
    for (body, status, code) in cases {
        let got = client.put(&jane_path(), body.clone()).await;
        assert_eq!(got.status, status, "{body}: {}", got.text);
        if let Some(code) = code {
            assert_eq!(got.code(), code, "{body}");
            assert_eq!(server.user(&demo_account(), &DEMO_USER_ID.parse().unwrap()).unwrap().name.unwrap(), "Jane Doe");
        }
    }
    let mismatch = client.put(&jane_path(), json!({"email": "x@example.com", "name": "X"})).await;
    assert_eq!(mismatch.json()["errors"][0]["message"], "email does not match the user's current email");

    let user = client.get(&jane_path()).await.decode::<Envelope<User>>().result.unwrap();
    assert_eq!(user.name.as_deref(), Some("Jane Q. Doe"));
    assert_eq!(user.email.as_deref(), Some(DEMO_USER_EMAIL), "the email never changes");
    assert!(user.updated_at > user.created_at);
    let unknown = format!("{}/00000000-0000-4000-8000-000000000000", users_path());
    let got = client.put(&unknown, json!({"email": DEMO_USER_EMAIL, "name": "X"})).await;
    assert_eq!((got.status, got.code()), (404, codes::USER_NOT_FOUND));
}

#[tokio::test]
async fn delete_removes_the_user_and_everything_about_them() {
    let (server, client) = setup().await;
    let got = client.delete(&jane_path()).await;
    assert_eq!(got.status, 202, "{}", got.text);
    let result = got.decode::<Envelope<DeleteUserResult>>().result.unwrap();
    assert_eq!(result.id.as_deref(), Some(DEMO_USER_ID));
    for suffix in ["", "/active_sessions", "/last_seen_identity", "/failed_logins"] {
        let got = client.get(&format!("{}{suffix}", jane_path())).await;
        assert_eq!((got.status, got.code()), (404, codes::USER_NOT_FOUND), "{suffix}");
    }
    let session = client.get(&format!("{}/active_sessions/{DEMO_SESSION_NONCE}", jane_path())).await;
    assert_eq!(session.status, 404);
    assert_eq!(client.delete(&jane_path()).await.status, 404, "a second delete finds nothing");
    let jane: UserId = DEMO_USER_ID.parse().unwrap();
    assert!(server.active_sessions(&demo_account(), &jane).is_none());
    assert_eq!(server.users(&demo_account()).len(), 4);
    // The email is free again, and the new user starts without Jane's sessions.
    let again = client.post(&users_path(), json!({"email": DEMO_USER_EMAIL, "name": "Jane Doe"})).await;
    assert_eq!(again.status, 201);
    assert_ne!(again.json()["result"]["id"], DEMO_USER_ID);
}

#[tokio::test]
async fn ids_are_validated_and_unknown_ones_are_404() {
    let (_server, client) = setup().await;
    let a = DEMO_ACCOUNT_ID;
    let u = DEMO_USER_ID;
    let unknown_user = "00000000-0000-4000-8000-000000000000";
    let cases = [
        (format!("/accounts/{a}/access/users/{unknown_user}"), 404, codes::USER_NOT_FOUND),
        (format!("/accounts/{a}/access/users/{unknown_user}/active_sessions"), 404, codes::USER_NOT_FOUND),
        (format!("/accounts/{a}/access/users/{u}/active_sessions/NoSuchNonce"), 404, codes::SESSION_NOT_FOUND),
        (
            format!("/accounts/{a}/access/users/{unknown_user}/active_sessions/{DEMO_SESSION_NONCE}"),
            404,
            codes::USER_NOT_FOUND,
        ),
        (format!("/accounts/{a}/access/users/not-a-uuid"), 400, codes::INVALID_IDENTIFIER),
        (format!("/accounts/{a}/access/users/{u}x"), 400, codes::INVALID_IDENTIFIER),
        (format!("/accounts/{a}/access/users/{u}/failed_logins"), 200, 0),
        (format!("/accounts/{a}/access/users/{u}/active_sessions/bad+nonce"), 400, codes::INVALID_IDENTIFIER),
        (format!("/accounts/{a}/access/users/{u}/active_sessions/..."), 400, codes::INVALID_IDENTIFIER),
        (format!("/accounts/{a}0/access/users"), 400, codes::INVALID_IDENTIFIER),
        ("/accounts/a%2Fb/access/users".to_string(), 400, codes::INVALID_IDENTIFIER),
        ("/accounts/a-b/access/users".to_string(), 400, codes::INVALID_IDENTIFIER),
        // A valid but unknown account simply has no users.
        ("/accounts/ffffffffffffffffffffffffffffffff/access/users".to_string(), 200, 0),
        (format!("/accounts/ffffffffffffffffffffffffffffffff/access/users/{u}"), 404, codes::USER_NOT_FOUND),
    ];
    for (path, status, code) in cases {
        let got = client.get(&path).await;
        assert_eq!(got.status, status, "{path}: {}", got.text);
        if code != 0 {
            assert_eq!(got.code(), code, "{path}");
        }
    }
    // Upper-case UUIDs address the same user.
    assert_eq!(client.get(&format!("/accounts/{a}/access/users/{}", u.to_uppercase())).await.status, 200);
}

/// A page of the users list: its emails and `result_info`.
async fn page(client: &Client, query: &str) -> (Vec<String>, ResultInfo) {
    let got = client.get(&format!("{}?{query}", users_path())).await;
    assert_eq!(got.status, 200, "{query}: {}", got.text);
    let envelope = got.decode::<Envelope<Vec<User>>>();
    let emails = envelope.result.unwrap().into_iter().map(|u| u.email.unwrap()).collect();
    (emails, envelope.result_info.unwrap())
}

#[tokio::test]
async fn pagination_walks_the_users_in_creation_order() {
    let (_server, client) = setup().await;
    let all = ["jdoe", "rroe", "asmith", "bjones", "cgarcia"].map(|u| format!("{u}@example.com"));
    let cases: [(&str, &[String], ResultInfo); 7] = [
        ("per_page=2", &all[0..2], ResultInfo::new(1, 2, 2, 5, 3)),
        ("per_page=2&page=1", &all[0..2], ResultInfo::new(1, 2, 2, 5, 3)),
        ("per_page=2&page=2", &all[2..4], ResultInfo::new(2, 2, 2, 5, 3)),
        ("per_page=2&page=3", &all[4..5], ResultInfo::new(3, 2, 1, 5, 3)),
        ("per_page=2&page=4", &[], ResultInfo::new(4, 2, 0, 5, 3)),
        ("page=1", &all[..], ResultInfo::new(1, 20, 5, 5, 1)),
        ("per_page=1000&page=99999999999", &[], ResultInfo::new(99_999_999_999, 1000, 0, 5, 1)),
    ];
    for (query, emails, info) in cases {
        assert_eq!(page(&client, query).await, (emails.to_vec(), info), "{query}");
    }
    // No query at all: page 1 of 20.
    let got = client.get(&users_path()).await.decode::<Envelope<Vec<User>>>();
    assert_eq!(got.result_info, Some(ResultInfo::new(1, 20, 5, 5, 1)));
    // Walking page by page until an empty page yields every user once.
    let mut seen = Vec::new();
    for n in 1.. {
        let (emails, _) = page(&client, &format!("per_page=2&page={n}")).await;
        if emails.is_empty() {
            break;
        }
        seen.extend(emails);
    }
    assert_eq!(seen, all);
}

#[tokio::test]
async fn list_filters() {
    let (_server, client) = setup().await;
    let cases: [(&str, &[&str], u64); 10] = [
        ("email=JDOE%40example.com", &["jdoe@example.com"], 1),
        ("email=jdoe", &[], 0),
        ("name=Jane%20Doe", &["jdoe@example.com"], 1),
        ("name=jane%20doe", &[], 0),
        ("search=DOE", &["jdoe@example.com"], 1),
        ("search=smith", &["asmith@example.com"], 1),
        ("search=example.com&per_page=2", &["jdoe@example.com", "rroe@example.com"], 3),
        ("search=ro", &["rroe@example.com"], 1),
        ("search=nobody", &[], 0),
        (
            "email=&name=&search=",
            &[
                "jdoe@example.com",
                "rroe@example.com",
                "asmith@example.com",
                "bjones@example.com",
                "cgarcia@example.com",
            ],
            1,
        ),
    ];
    for (query, want, total_pages) in cases {
        let (emails, info) = page(&client, query).await;
        assert_eq!(emails, want, "{query}");
        assert_eq!(info.count, Some(want.len() as u64), "{query}");
        assert_eq!(info.total_count, Some(5), "{query}: total_count ignores filters");
        assert_eq!(info.total_pages, Some(total_pages), "{query}");
    }
}

#[tokio::test]
async fn bad_page_parameters_are_400() {
    let (_server, client) = setup().await;
    for query in ["page=0", "per_page=0", "page=x", "per_page=-1", "page=1.5", "per_page="] {
        let got = client.get(&format!("{}?{query}", users_path())).await;
        assert_eq!((got.status, got.code()), (400, codes::INVALID_REQUEST), "{query}: {}", got.text);
    }
    // Without strict mode any positive per_page is served.
    assert_eq!(page(&client, "per_page=3").await.1.total_pages, Some(2));
}

#[tokio::test]
async fn strict_per_page_refuses_other_sizes() {
    let server = FakeServer::builder().strict_per_page(true).start().await.unwrap();
    let client = Client::new(server.base_url());
    for per_page in [2, 3, 7, 30, 999, 1001] {
        let got = client.get(&format!("{}?per_page={per_page}", users_path())).await;
        assert_eq!((got.status, got.code()), (400, codes::PER_PAGE_NOT_ALLOWED), "{per_page}");
        assert!(got.json()["errors"][0]["message"].as_str().unwrap().contains("1, 5, 10, 20, 25, 50, 100, 1000"));
    }
    for per_page in codes::ALLOWED_PER_PAGE {
        assert_eq!(client.get(&format!("{}?per_page={per_page}", users_path())).await.status, 200, "{per_page}");
    }
    assert_eq!(client.get(&users_path()).await.status, 200, "the default of 20 is allowed");
}

#[tokio::test]
async fn empty_server_and_state_helpers() {
    let server = FakeServer::builder().empty().start().await.unwrap();
    let client = Client::new(server.base_url());
    let account = demo_account();
    assert!(server.users(&account).is_empty());
    let got = client.get(&users_path()).await.decode::<Envelope<Vec<User>>>();
    assert_eq!(got.result, Some(vec![]));
    assert_eq!(got.result_info, Some(ResultInfo::new(1, 20, 0, 0, 0)), "total_pages is 0 when nothing matches");
    assert_eq!(client.get(&jane_path()).await.status, 404);

    let user = server.add_user(&account, CreateUserParams::new("t@example.com").name("Tess")).unwrap();
    assert!(server.add_user(&account, CreateUserParams::new("T@EXAMPLE.com")).is_none(), "duplicate");
    assert!(server.add_user(&account, CreateUserParams::new("nope")).is_none(), "invalid");
    let id = user.user_id().unwrap();
    let base = format!("{}/{}", users_path(), id);

    // A session given a nonce keeps it; one without gets a random one.
    let mut meta = ActiveSessionMetadata::default();
    meta.nonce = Some("MyNonce123".into());
    let mut session = ActiveSession::default();
    session.name = Some("CF_Authorization".into());
    session.metadata = Some(meta);
    let mut detail = ActiveSessionDetail::default();
    detail.is_active = Some(true);
    let nonce = server.add_active_session(&account, &id, session, detail.clone()).unwrap();
    assert_eq!(nonce.as_str(), "MyNonce123");
    let generated = server.add_active_session(&account, &id, ActiveSession::default(), detail).unwrap();
    assert_eq!(generated.as_str().len(), 16);
    let unknown: UserId = "00000000-0000-4000-8000-000000000000".parse().unwrap();
    assert!(server.add_active_session(&account, &unknown, ActiveSession::default(), Default::default()).is_none());

    let list = client.get(&format!("{base}/active_sessions")).await.decode::<Envelope<Vec<ActiveSession>>>();
    let nonces: Vec<_> = list.result.unwrap().into_iter().map(|s| s.metadata.unwrap().nonce.unwrap()).collect();
    assert_eq!(nonces, [nonce.as_str(), generated.as_str()]);
    for n in [&nonce, &generated] {
        let got = client.get(&format!("{base}/active_sessions/{n}")).await;
        assert_eq!(got.decode::<Envelope<ActiveSessionDetail>>().result.unwrap().is_active, Some(true));
    }

    let mut identity = Identity::default();
    identity.email = Some("t@example.com".into());
    assert!(server.set_last_seen_identity(&account, &id, Some(identity.clone())));
    let got = client.get(&format!("{base}/last_seen_identity")).await;
    assert_eq!(got.decode::<Envelope<Identity>>().result, Some(identity));
    assert!(server.set_last_seen_identity(&account, &id, None));
    assert_eq!(client.get(&format!("{base}/last_seen_identity")).await.status, 404);

    let mut failed = FailedLogin::default();
    failed.expiration = Some(5);
    assert!(server.add_failed_login(&account, &id, failed.clone()));
    assert!(!server.add_failed_login(&account, &unknown, failed.clone()));
    assert_eq!(server.failed_logins(&account, &id), Some(vec![failed.clone()]));
    let got = client.get(&format!("{base}/failed_logins")).await.decode::<Envelope<Vec<FailedLogin>>>();
    assert_eq!(got.result, Some(vec![failed]));
    assert!(server.journal().iter().all(|e| e.method == "GET"), "helpers make no requests");
}
