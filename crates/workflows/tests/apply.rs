//! Applying offboarding and reclamation plans against the fake server, over both
//! backends: what changes, what a rerun does, and a failure in the middle of a bulk run.

mod common;

use std::sync::{Arc, Mutex};

use cfzt_access_users::{ActiveSession, ActiveSessionDetail, UserId};
use cfzt_fake_server::{DEMO_USER_ID, FakeServer, Fault, FaultRule, Route, Times};
use cfzt_models::{SeatChange, Timestamp};
use cfzt_workflows::{Action, ApplyOptions, OffboardOptions, Outcome, Progress, ReclaimOptions, SkipReason};
use common::{account, add, backends, requests, workflows};

fn outcomes(report: &cfzt_workflows::Report) -> Vec<Vec<(Action, Outcome)>> {
    report.people.iter().map(|p| p.steps.iter().map(|s| (s.action, s.outcome.clone())).collect()).collect()
}

fn skipped(reason: SkipReason) -> Outcome {
    Outcome::Skipped { reason }
}

#[tokio::test]
async fn offboarding_does_each_step_once_and_a_second_apply_finds_nothing_to_do() {
    for (backend, transport) in backends() {
        let server = FakeServer::start().await.unwrap();
        let wf = workflows(&server, &transport);
        let emails = ["jdoe@example.com", "asmith@example.com", "rroe@example.com", "nobody@example.com"];
        let plan = wf.plan_offboard(emails, OffboardOptions::default()).await;
        server.clear_journal();
        let report = wf.apply(&plan, ApplyOptions::default()).await;
        use Action::{FreeSeat, RevokeSessions};
        assert_eq!(
            outcomes(&report),
            [
                vec![(RevokeSessions, Outcome::Done), (FreeSeat, skipped(SkipReason::HoldsNoSeat))],
                vec![(RevokeSessions, skipped(SkipReason::NoActiveSessions)), (FreeSeat, Outcome::Done)],
                vec![(RevokeSessions, skipped(SkipReason::NoActiveSessions)), (FreeSeat, Outcome::Done)],
                vec![(RevokeSessions, skipped(SkipReason::NoSuchUser)), (FreeSeat, skipped(SkipReason::NoSuchUser))],
            ],
            "{backend}: {report}"
        );

        // The wire: revoke by email, seats as an array freeing both flags.
        let journal = server.journal();
        let revoke = journal.iter().find(|e| e.path.ends_with("/access/organizations/revoke_user")).unwrap();
        assert_eq!(revoke.body_json().unwrap(), serde_json::json!({"email": "jdoe@example.com"}), "{backend}");
        let mut seats: Vec<String> = journal
            .iter()
            .filter(|e| e.method == "PATCH" && e.path.ends_with("/access/seats"))
            .map(|e| e.body_json().unwrap().to_string())
            .collect();
        seats.sort();
        let free = |uid: &str| serde_json::json!([{"seat_uid": uid, "access_seat": false, "gateway_seat": false}]);
        assert_eq!(seats, [free("seat_uid_2").to_string(), free("seat_uid_3").to_string()], "{backend}");

        // The state: Jane's session ended, the seats free, every record kept.
        let jane: UserId = DEMO_USER_ID.parse().unwrap();
        assert_eq!(server.active_sessions(&account(), &jane).unwrap().len(), 0, "{backend}");
        let users = server.users(&account());
        assert_eq!(users.len(), 5, "{backend}");
        let seated = |email: &str| {
            let u = users.iter().find(|u| u.email.as_deref() == Some(email)).unwrap();
            (u.access_seat, u.gateway_seat)
        };
        assert_eq!(seated("asmith@example.com"), (Some(false), Some(false)), "{backend}");
        assert_eq!(seated("rroe@example.com"), (Some(false), Some(false)), "{backend}");

        // Applying the same plan again reads the state and changes nothing; so does a new plan.
        server.clear_journal();
        let again = wf.apply(&plan, ApplyOptions::default()).await;
        assert!(again.is_noop(), "{backend}: {again}");
        assert!(server.journal().iter().all(|e| e.method == "GET"), "{backend}");
        let replanned = wf.plan_offboard(emails, OffboardOptions::default()).await;
        assert!(replanned.is_noop(), "{backend}: {replanned}");
    }
}

/// Ten leavers, each with a session and a seat, deleted at the end. One revoke is refused
/// and one delete keeps failing: those two people stop there, the eight others finish, and
/// a rerun finishes the two.
#[tokio::test]
async fn a_failure_in_the_middle_of_a_bulk_offboarding_stops_no_one_else_and_a_rerun_finishes() {
    for (backend, transport) in backends() {
        let server = FakeServer::start().await.unwrap();
        let wf = workflows(&server, &transport);
        let mut emails = Vec::new();
        let mut seats = Vec::new();
        for i in 0..10 {
            let email = format!("leaver{i}@example.com");
            let id = add(&server, &email);
            let session: ActiveSession = serde_json::from_str(cfzt_models::examples::ACTIVE_SESSION).unwrap();
            let mut session = session;
            session.metadata.as_mut().unwrap().nonce = None;
            server.add_active_session(&account(), &id, session, ActiveSessionDetail::default()).unwrap();
            seats.push(SeatChange::new(server.user(&account(), &id).unwrap().seat_uid.unwrap(), true, i % 2 == 0));
            emails.push(email);
        }
        wf.users().edit_seats(seats).await.unwrap();
        let plan = wf.plan_offboard(&emails, OffboardOptions::default().delete(true).concurrency(3)).await;
        assert_eq!(plan.pending_steps(), 30, "{backend}: {plan}");

        let stubborn = plan.people[6].user_id.clone().unwrap();
        server.inject(FaultRule::new(Route::Path(stubborn.clone()), Fault::status(500)).method("DELETE"));
        // The first revoke the server sees is refused. It comes from one of the first four
        // people (a fifth starts only once one of them has finished, revoke included), so
        // never from the stubborn seventh.
        server.inject(FaultRule::new(Route::Path("/revoke_user".into()), Fault::status(400)).times(Times::Next(1)));
        let seen: Arc<Mutex<Vec<Progress>>> = Arc::default();
        let log = seen.clone();
        let options = ApplyOptions::default().concurrency(4).on_progress(move |p| log.lock().unwrap().push(p));
        let report = wf.apply(&plan, options).await;

        assert_eq!(report.people.len(), 10, "{backend}");
        assert_eq!(report.people_failed(), 2, "{backend}: {report}");
        let refused: Vec<_> =
            report.people.iter().filter(|p| matches!(p.steps[0].outcome, Outcome::Failed { .. })).collect();
        assert_eq!(refused.len(), 1, "{backend}: {report}");
        assert_eq!(refused[0].steps[1].outcome, Outcome::NotAttempted, "{backend}");
        assert_eq!(refused[0].steps[2].outcome, Outcome::NotAttempted, "{backend}");
        let undeleted = report.people.iter().find(|p| p.user_id.as_deref() == Some(stubborn.as_str())).unwrap();
        assert!(
            matches!(&undeleted.steps[2].outcome, Outcome::Failed { error } if error.status == Some(500)),
            "{backend}"
        );
        assert_eq!(report.steps_done(), 8 * 3 + 2, "{backend}: {report}");
        assert_eq!(server.users(&account()).len(), 5 + 2, "{backend}");

        // Progress: once per person, counting up to the total, failures included.
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 10, "{backend}");
        assert!(seen.windows(2).all(|w| w[1].done == w[0].done + 1 && w[1].failed >= w[0].failed), "{backend}");
        let last = seen.last().unwrap();
        assert_eq!((last.done, last.total, last.failed), (10, 10, 2), "{backend}");

        // The rerun of the same plan does only what is left, then there is nothing left.
        server.clear_faults();
        server.clear_journal();
        let rerun = wf.apply(&plan, ApplyOptions::default()).await;
        assert_eq!(rerun.people_failed(), 0, "{backend}: {rerun}");
        assert_eq!(rerun.steps_done(), 3 + 1, "{backend}: {rerun}");
        assert_eq!(requests(&server, "DELETE", "/access/users/"), 2, "{backend}");
        assert_eq!(server.users(&account()).len(), 5, "{backend}");
        assert!(wf.apply(&plan, ApplyOptions::default()).await.is_noop(), "{backend}");
    }
}

#[tokio::test]
async fn reclaiming_frees_the_seats_of_the_inactive_and_keeps_their_records() {
    for (backend, transport) in backends() {
        let server = FakeServer::start().await.unwrap();
        let wf = workflows(&server, &transport);
        let cutoff: Timestamp = "2024-03-07T00:00:00Z".parse().unwrap();
        let plan = wf.plan_reclaim(cutoff, ReclaimOptions::default().exclude(["bjones@example.com"])).await.unwrap();
        let report = wf.apply(&plan, ApplyOptions::default().concurrency(2)).await;
        assert_eq!((report.steps_done(), report.people_failed()), (3, 0), "{backend}: {report}");

        let users = server.users(&account());
        assert_eq!(users.len(), 5, "{backend}: records kept");
        for u in &users {
            let keeps = u.email.as_deref() == Some("bjones@example.com");
            assert_eq!(u.access_seat == Some(true), keeps, "{backend}: {:?}", u.email);
            assert_ne!(u.gateway_seat, Some(true), "{backend}: {:?}", u.email);
        }
        let counts = wf.seat_counts().await.unwrap();
        assert_eq!((counts.access_seats, counts.any_seat), (1, 1), "{backend}");
        assert!(wf.apply(&plan, ApplyOptions::default()).await.is_noop(), "{backend}");
    }
}

/// Someone who logs in between the plan and its application keeps their seat.
#[tokio::test]
async fn reclaiming_spares_whoever_logged_in_since_the_plan() {
    for (backend, transport) in backends() {
        let server = FakeServer::start().await.unwrap();
        let wf = workflows(&server, &transport);
        let cutoff: Timestamp = "2024-03-07T00:00:00Z".parse().unwrap();
        let plan = wf.plan_reclaim(cutoff, ReclaimOptions::default()).await.unwrap();
        assert_eq!(plan.pending_steps(), 4, "{backend}: {plan}");
        // Alice, read again at apply time, has just logged in.
        let alice = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
        let now = serde_json::json!({
            "success": true, "errors": [], "messages": [],
            "result": {"id": alice, "email": "asmith@example.com", "access_seat": true, "seat_uid": "seat_uid_3",
                       "last_successful_login": "2026-12-01T08:00:00Z"}
        });
        server.inject(
            FaultRule::new(Route::Path(alice.into()), Fault::json(200, now)).method("GET").times(Times::Next(1)),
        );
        let report = wf.apply(&plan, ApplyOptions::default()).await;
        let spared = report.people.iter().find(|p| p.email == "asmith@example.com").unwrap();
        let last_login = "2026-12-01T08:00:00Z".parse().unwrap();
        assert_eq!(spared.steps[0].outcome, skipped(SkipReason::ActiveSince { last_login }), "{backend}: {report}");
        assert_eq!(report.steps_done(), 3, "{backend}: {report}");
        let id: UserId = alice.parse().unwrap();
        assert_eq!(server.user(&account(), &id).unwrap().access_seat, Some(true), "{backend}");
    }
}

/// A bulk offboarding through a client paced to the server's rate limit: no request is
/// refused for its rate, and everyone is offboarded.
#[tokio::test]
async fn bulk_offboarding_stays_inside_the_clients_request_budget() {
    use std::time::Duration;

    use cfzt_access_users::{BudgetQuota, Pacing};
    use cfzt_fake_server::RateLimit;
    use cfzt_workflows::Workflows;

    for (backend, transport) in backends() {
        let limit = (20, Duration::from_secs(1));
        let server = FakeServer::builder().rate_limit(RateLimit::new(limit.0, limit.1)).start().await.unwrap();
        let quota = BudgetQuota::new(limit.0, limit.1).unwrap();
        let client = common::builder(&server, &transport).pacing(Pacing::Quota(quota)).build().unwrap();
        let wf = Workflows::new(client.users(&account()));
        let emails: Vec<String> = (0..8).map(|i| format!("paced{i}@example.com")).collect();
        for email in &emails {
            add(&server, email);
        }
        // Each person costs 4 requests (plan: list, sessions; apply: get, delete): 32 in all,
        // more than the server allows in one second.
        let plan = wf.plan_offboard(&emails, OffboardOptions::default().delete(true).concurrency(4)).await;
        let report = wf.apply(&plan, ApplyOptions::default().concurrency(4)).await;
        assert_eq!(report.people_failed(), 0, "{backend}: {report}");
        assert_eq!(server.users(&account()).len(), 5, "{backend}: all eight deleted");
        let stats = server.rate_limit_stats_of_token(common::TOKEN);
        assert!(stats.counted > u64::from(limit.0), "{backend}: {stats:?}");
        assert_eq!(stats.refused, 0, "{backend}: {stats:?}");
    }
}
