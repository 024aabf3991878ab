//! The two calls next to the nine, and the workflows over them, through the facade, over
//! both backends, against the fake server.

mod common;

use cfzt::workflows::{ApplyOptions, OffboardOptions, Workflows};
use cfzt::{RevokeUserParams, SeatChange, UserId};
use cfzt_fake_server::{DEMO_USER_EMAIL, DEMO_USER_ID, FakeServer, Fault, FaultRule, Operation, Route, Times};
use common::{backends, demo_account, fast_client};

#[tokio::test]
async fn edit_seats_and_revoke_user_are_retried_after_a_transient_failure() {
    for (backend, transport) in backends() {
        let server = FakeServer::start().await.unwrap();
        let users = fast_client(server.base_url(), &transport).users(&demo_account());
        let once = |operation| FaultRule::new(Route::Operation(operation), Fault::status(503)).times(Times::Next(1));
        let sent =
            |server: &FakeServer, suffix: &str| server.journal().iter().filter(|e| e.path.ends_with(suffix)).count();

        // Setting a seat's flags, or revoking, twice does what doing it once does: a 503
        // is retried though the methods are PATCH and POST.
        server.inject(once(Operation::EditSeats));
        users.edit_seats(vec![SeatChange::free("seat_uid")]).await.unwrap();
        assert_eq!(sent(&server, "/access/seats"), 2, "{backend}");
        server.inject(once(Operation::RevokeUser));
        assert!(users.revoke_user(RevokeUserParams::new(DEMO_USER_EMAIL)).await.unwrap(), "{backend}");
        assert_eq!(sent(&server, "/revoke_user"), 2, "{backend}");

        // The call's own options override the client's: no retry, the 503 is the answer.
        server.clear_journal();
        server.inject(once(Operation::EditSeats));
        let err = users.edit_seats(vec![SeatChange::free("seat_uid")]).max_retries(0).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(503), "{backend}: {err:?}");
        assert_eq!(sent(&server, "/access/seats"), 1, "{backend}");
    }
}

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
