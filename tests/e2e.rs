//! Every operation, over both backends, against the fake server on loopback.

mod common;

use cfzt::{CreateUserParams, SessionNonce, UpdateUserParams, UserId};
use cfzt_fake_server::{DEMO_SESSION_NONCE, DEMO_USER_EMAIL, DEMO_USER_ID, FakeServer};
use common::{backends, builder, demo_account, fast_client};
use futures_util::TryStreamExt;

#[tokio::test]
async fn the_whole_api_over_both_backends() {
    for (backend, transport) in backends() {
        // Strict about body keys: the SDK sends only the API's own.
        let server = FakeServer::builder().strict_body_keys(true).start().await.unwrap();
        let client = fast_client(server.base_url(), &transport);
        let users = client.users(&demo_account());

        // create -> update -> get
        let created = users.create(CreateUserParams::new("e2e@example.com").name("End To End")).await.unwrap();
        assert_eq!(created.email.as_deref(), Some("e2e@example.com"), "{backend}");
        assert!(created.created_at.is_some(), "{backend}");
        let id = created.user_id().unwrap();
        let renamed = users.update(&id, UpdateUserParams::new("e2e@example.com", "Renamed")).await.unwrap();
        assert_eq!(renamed.name.as_deref(), Some("Renamed"), "{backend}");
        let fetched = users.get(&id).send_with_response().await.unwrap();
        assert_eq!(fetched.status, 200, "{backend}");
        assert!(fetched.cf_ray().is_some(), "{backend}");
        assert_eq!(fetched.result, renamed, "{backend}");

        // list: the stream walks every page; one page carries result_info
        let all: Vec<_> = users.list().per_page(2).items().try_collect().await.unwrap();
        assert_eq!(all.len(), server.users(&demo_account()).len(), "{backend}");
        assert!(all.iter().any(|u| u.id == created.id), "{backend}");
        let page = users.list().per_page(2).page(1).send_with_response().await.unwrap();
        let info = page.result_info.unwrap();
        assert_eq!((info.page, info.per_page, info.count), (Some(1), Some(2), Some(2)), "{backend}");
        let found = users.list().email("e2e@example.com").await.unwrap();
        assert_eq!(found.len(), 1, "{backend}");

        // the demo user's sessions, identity and failed logins
        let jane: UserId = DEMO_USER_ID.parse().unwrap();
        let sessions = users.active_sessions(&jane).list().await.unwrap();
        let nonce = sessions[0].metadata.as_ref().unwrap().nonce.clone().unwrap();
        assert_eq!(nonce, DEMO_SESSION_NONCE, "{backend}");
        let nonce: SessionNonce = nonce.parse().unwrap();
        let detail = users.active_sessions(&jane).get(&nonce).await.unwrap();
        assert_eq!(detail.is_active, Some(true), "{backend}");
        let identity = users.last_seen_identity(&jane).await.unwrap();
        assert!(identity.email.is_some(), "{backend}");
        assert!(!users.failed_logins(&jane).await.unwrap().is_empty(), "{backend}");

        // delete -> gone
        users.delete(&id).await.unwrap();
        let err = users.get(&id).await.unwrap_err();
        assert!(err.is_not_found(), "{backend}: {err:?}");
        let err = users.delete(&id).await.unwrap_err();
        assert!(err.is_not_found(), "{backend}: {err:?}");
    }
}

#[tokio::test]
async fn rules_surface_as_typed_errors() {
    for (backend, transport) in backends() {
        let server = FakeServer::start().await.unwrap();
        let users = fast_client(server.base_url(), &transport).users(&demo_account());
        let jane: UserId = DEMO_USER_ID.parse().unwrap();

        let dup = users.create(CreateUserParams::new(DEMO_USER_EMAIL)).await.unwrap_err();
        assert!(dup.is_conflict(), "{backend}: {dup:?}");
        assert!(!dup.api_errors().is_empty(), "{backend}");

        let wrong_email =
            users.update(&jane, UpdateUserParams::new("someone-else@example.com", "X")).await.unwrap_err();
        assert_eq!(wrong_email.status().unwrap(), 400, "{backend}");
        assert_eq!(users.get(&jane).await.unwrap().name.as_deref(), Some("Jane Doe"), "{backend}: name unchanged");

        let unknown: SessionNonce = "nope".parse().unwrap();
        assert!(users.active_sessions(&jane).get(&unknown).await.unwrap_err().is_not_found(), "{backend}");
    }
}

#[tokio::test]
async fn both_credential_schemes_and_a_wrong_token() {
    for (backend, transport) in backends() {
        let server = FakeServer::builder().require_token(common::TOKEN).start().await.unwrap();
        let account = demo_account();
        let ok = builder(server.base_url(), &transport).build().unwrap();
        ok.users(&account).list().await.unwrap();

        let wrong = cfzt::Client::builder()
            .base_url(server.base_url())
            .api_token("not-the-token")
            .transport(transport.clone())
            .build()
            .unwrap();
        assert!(wrong.users(&account).list().await.unwrap_err().is_auth(), "{backend}");

        let open = FakeServer::start().await.unwrap();
        let key = cfzt::Client::builder()
            .base_url(open.base_url())
            .global_api_key("admin@example.com", common::KEY)
            .transport(transport.clone())
            .build()
            .unwrap();
        key.users(&account).list().await.unwrap();
    }
}
