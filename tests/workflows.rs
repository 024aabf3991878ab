//! The two calls next to the nine, and the workflows over them, through the facade, over
//! both backends, against the fake server.

mod common;

use cfzt::workflows::{ApplyOptions, OffboardOptions, Workflows};
use cfzt::{RevokeUserParams, SeatChange, UserId};
use cfzt_fake_server::{DEMO_USER_EMAIL, DEMO_USER_ID, FakeServer};
use common::{backends, demo_account, fast_client};

#[tokio::test]
async fn edit_seats_and_revoke_user_over_both_backends() {
    for (backend, transport) in backends() {
        let server = FakeServer::start().await.unwrap();
        let users = fast_client(server.base_url(), &transport).users(&demo_account());
        let jane: UserId = DEMO_USER_ID.parse().unwrap();

        // Give Jane both seats, then free them: get and list follow.
        let seats = users.edit_seats(vec![SeatChange::new("seat_uid", true, true)]).await.unwrap();
        assert_eq!((seats[0].access_seat, seats[0].gateway_seat), (Some(true), Some(true)), "{backend}");
        let got = users.get(&jane).await.unwrap();
        assert_eq!((got.access_seat, got.gateway_seat), (Some(true), Some(true)), "{backend}");
        users.edit_seats(vec![SeatChange::free("seat_uid")]).await.unwrap();
        let listed = users.list().email(DEMO_USER_EMAIL).await.unwrap();
        assert_eq!((listed[0].access_seat, listed[0].gateway_seat), (Some(false), Some(false)), "{backend}");
        let unknown = users.edit_seats(vec![SeatChange::free("no-such-seat")]).await.unwrap_err();
        assert!(unknown.is_not_found(), "{backend}: {unknown:?}");

        // Revoke: the session is gone, and with both devices flags the devices too.
        let params = RevokeUserParams::new(DEMO_USER_EMAIL).devices(true).devices_query(true);
        assert!(users.revoke_user(params).await.unwrap(), "{backend}");
        assert!(users.active_sessions(&jane).list().await.unwrap().is_empty(), "{backend}");
        assert_eq!(users.get(&jane).await.unwrap().active_device_count, Some(0), "{backend}");
        let journal = server.journal();
        let sent = journal.iter().find(|e| e.path.ends_with("/revoke_user")).unwrap();
        assert_eq!(sent.query.as_deref(), Some("devices=true"), "{backend}");
        assert_eq!(
            sent.body_json().unwrap(),
            serde_json::json!({"email": DEMO_USER_EMAIL, "devices": true}),
            "{backend}"
        );
        let err = users.revoke_user(RevokeUserParams::new("nobody@example.com")).await.unwrap_err();
        assert!(err.is_not_found(), "{backend}: {err:?}");
    }
}

#[tokio::test]
async fn offboarding_through_the_facade_over_both_backends() {
    for (backend, transport) in backends() {
        let server = FakeServer::start().await.unwrap();
        let workflows = Workflows::new(fast_client(server.base_url(), &transport).users(&demo_account()));
        let plan = workflows.plan_offboard([DEMO_USER_EMAIL], OffboardOptions::default().delete(true)).await;
        let report = workflows.apply(&plan, ApplyOptions::default()).await;
        assert_eq!((report.steps_done(), report.people_failed()), (2, 0), "{backend}: {report}");
        assert!(server.user(&demo_account(), &DEMO_USER_ID.parse().unwrap()).is_none(), "{backend}");
        assert!(workflows.apply(&plan, ApplyOptions::default()).await.is_noop(), "{backend}");
    }
}
