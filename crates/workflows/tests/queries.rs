//! find_by_email, inactive_since, seat_counts and ensure_user against the fake server,
//! over both backends.

mod common;

use cfzt_access_users::User;
use cfzt_fake_server::{DEMO_USER_EMAIL, DEMO_USER_ID, FakeServer, Fault, FaultRule, Operation, Route, Times};
use cfzt_models::{Envelope, Timestamp};
use cfzt_workflows::{Ensured, SeatCounts};
use common::{account, add, backends, requests, workflows};
use futures_util::TryStreamExt;

/// A list page holding exactly these users, as a fault that answers the next list call.
fn list_answer(users: &[User]) -> FaultRule {
    let body = serde_json::to_value(Envelope::success(users.to_vec())).unwrap();
    FaultRule::new(Route::Operation(Operation::ListUsers), Fault::json(200, body)).times(Times::Next(1))
}

fn user(email: &str, id: &str) -> User {
    serde_json::from_value(serde_json::json!({"id": id, "email": email})).unwrap()
}

#[tokio::test]
async fn find_by_email_is_exact_ignoring_case_and_refuses_to_guess() {
    for (backend, transport) in backends() {
        let server = FakeServer::start().await.unwrap();
        let wf = workflows(&server, &transport);

        let jane = wf.find_by_email("JDoe@EXAMPLE.com").await.unwrap().expect(backend);
        assert_eq!(jane.id.as_deref(), Some(DEMO_USER_ID), "{backend}");
        assert!(wf.find_by_email("nobody@example.com").await.unwrap().is_none(), "{backend}");

        // A filter that is not exact: only the user whose email is equal is kept.
        server.inject(list_answer(&[
            user("jdoe@example.com.evil.test", "4a1b5c3e-7d2f-4e8a-9b6c-0d1e2f3a4b5c"),
            user("JDOE@example.com", DEMO_USER_ID),
            user("xjdoe@example.com", "7c9e6679-7425-40de-944b-e07fc1f90ae7"),
        ]));
        let found = wf.find_by_email(DEMO_USER_EMAIL).await.unwrap().expect(backend);
        assert_eq!(found.id.as_deref(), Some(DEMO_USER_ID), "{backend}");

        // Two users with the same email ignoring case: an error, not a pick.
        server.inject(list_answer(&[
            user("jdoe@example.com", DEMO_USER_ID),
            user("JDOE@EXAMPLE.COM", "4a1b5c3e-7d2f-4e8a-9b6c-0d1e2f3a4b5c"),
        ]));
        let err = wf.find_by_email(DEMO_USER_EMAIL).await.unwrap_err();
        assert!(err.is_ambiguous(), "{backend}: {err:?}");

        // A malformed email is refused before anything is sent.
        server.clear_journal();
        let err = wf.find_by_email("not an email").await.unwrap_err();
        assert!(err.as_api().is_some_and(|e| e.is_validation()), "{backend}: {err:?}");
        assert!(server.journal().is_empty(), "{backend}");
    }
}

#[tokio::test]
async fn inactive_since_streams_users_who_never_or_long_ago_logged_in() {
    for (backend, transport) in backends() {
        let server = FakeServer::start().await.unwrap();
        let wf = workflows(&server, &transport);
        // Demo data: Jane last logged in 2020, Richard in 2024, three others never.
        let cutoff: Timestamp = "2022-01-01T00:00:00Z".parse().unwrap();
        let stale: Vec<User> = wf.inactive_since(cutoff).try_collect().await.unwrap();
        let mut emails: Vec<_> = stale.iter().map(|u| u.email.clone().unwrap()).collect();
        emails.sort();
        assert_eq!(
            emails,
            ["asmith@example.com", "bjones@example.com", "cgarcia@example.com", "jdoe@example.com"],
            "{backend}"
        );
        let later: Timestamp = "2024-03-07T00:00:00Z".parse().unwrap();
        assert_eq!(wf.inactive_since(later).try_collect::<Vec<_>>().await.unwrap().len(), 5, "{backend}");
    }
}

#[tokio::test]
async fn seat_counts_come_from_the_users_not_total_count() {
    for (backend, transport) in backends() {
        let server = FakeServer::start().await.unwrap();
        add(&server, "seatless@example.com");
        let wf = workflows(&server, &transport);
        let counts = wf.seat_counts().await.unwrap();
        // Demo data: three Access seats, one Gateway seat (Richard), Jane and the new user none.
        let mut want = SeatCounts::default();
        (want.users, want.access_seats, want.gateway_seats, want.any_seat, want.both_seats) = (6, 3, 1, 4, 0);
        assert_eq!(counts, want, "{backend}");
    }
}

#[tokio::test]
async fn ensure_user_creates_once_and_never_blindly_twice() {
    for (backend, transport) in backends() {
        let server = FakeServer::start().await.unwrap();
        let wf = workflows(&server, &transport);

        let created = wf.ensure_user("new@example.com", Some("New")).await.unwrap();
        assert!(matches!(created, Ensured::Created(_)), "{backend}: {created:?}");
        // Again: the create conflicts and the user is looked up, not created.
        let existed = wf.ensure_user("NEW@example.com", None).await.unwrap();
        assert!(matches!(&existed, Ensured::Existed(u) if u.id == created.user().id), "{backend}: {existed:?}");

        // The create takes effect but its answer is lost: the user is found, not created again.
        server.clear_journal();
        server.inject(
            FaultRule::new(Route::Operation(Operation::CreateUser), Fault::drop_after_handling()).times(Times::Next(1)),
        );
        let present = wf.ensure_user("lost@example.com", Some("Lost")).await.unwrap();
        assert!(matches!(present, Ensured::Present(_)), "{backend}: {present:?}");
        assert_eq!(requests(&server, "POST", "/access/users"), 1, "{backend}: one create only");
        let named: Vec<_> =
            server.users(&account()).into_iter().filter(|u| u.email.as_deref() == Some("lost@example.com")).collect();
        assert_eq!(named.len(), 1, "{backend}");

        // A 503 that kept the create from happening: the lookup proves it, then one more create.
        server.clear_journal();
        server
            .inject(FaultRule::new(Route::Operation(Operation::CreateUser), Fault::status(503)).times(Times::Next(1)));
        let retried = wf.ensure_user("late@example.com", None).await.unwrap();
        assert!(retried.created(), "{backend}: {retried:?}");
        assert_eq!(requests(&server, "POST", "/access/users"), 2, "{backend}");

        // A clear refusal is returned as it is, without a lookup.
        server.clear_journal();
        server
            .inject(FaultRule::new(Route::Operation(Operation::CreateUser), Fault::status(403)).times(Times::Next(1)));
        let err = wf.ensure_user("denied@example.com", None).await.unwrap_err();
        assert!(err.as_api().is_some_and(|e| e.is_auth()), "{backend}: {err:?}");
        assert_eq!(requests(&server, "GET", "/access/users"), 0, "{backend}");

        // Invalid input: nothing sent.
        server.clear_journal();
        assert!(wf.ensure_user("bad", None).await.is_err(), "{backend}");
        assert!(wf.ensure_user("ok@example.com", Some(" ")).await.is_err(), "{backend}");
        assert!(server.journal().is_empty(), "{backend}");
    }
}
