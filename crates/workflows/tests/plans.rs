//! Planning offboarding and reclamation against the fake server: what is looked up, what
//! is decided, and that nothing changes.

mod common;

use cfzt_fake_server::{DEMO_USER_ID, FakeServer, Fault, FaultRule, Route};
use cfzt_models::Timestamp;
use cfzt_workflows::{Action, OffboardOptions, Plan, PlanKind, PlannedStep, ReclaimOptions, SkipReason};
use common::{account, backends, requests, workflows};

#[tokio::test]
async fn an_offboarding_plan_says_what_it_would_do_and_why_not() {
    for (backend, transport) in backends() {
        let server = FakeServer::start().await.unwrap();
        let wf = workflows(&server, &transport);
        let before = server.users(&account());
        let emails =
            ["JDOE@example.com", "asmith@example.com", "nobody@example.com", "jdoe@EXAMPLE.com", "rroe@example.com"];
        let plan = wf.plan_offboard(emails, OffboardOptions::default().delete(true).concurrency(2)).await;

        assert_eq!(plan.kind, PlanKind::Offboard, "{backend}");
        let steps: Vec<Vec<PlannedStep>> = plan.people.iter().map(|p| p.steps.clone()).collect();
        let run = PlannedStep::run;
        let skip = PlannedStep::skip;
        assert_eq!(
            steps,
            [
                // Jane: one active session, no seat.
                vec![
                    run(Action::RevokeSessions),
                    skip(Action::FreeSeat, SkipReason::HoldsNoSeat),
                    run(Action::DeleteUser)
                ],
                // Alice: an Access seat, no session.
                vec![
                    skip(Action::RevokeSessions, SkipReason::NoActiveSessions),
                    run(Action::FreeSeat),
                    run(Action::DeleteUser)
                ],
                vec![
                    skip(Action::RevokeSessions, SkipReason::NoSuchUser),
                    skip(Action::FreeSeat, SkipReason::NoSuchUser),
                    skip(Action::DeleteUser, SkipReason::NoSuchUser)
                ],
                // Richard: a Gateway seat.
                vec![
                    skip(Action::RevokeSessions, SkipReason::NoActiveSessions),
                    run(Action::FreeSeat),
                    run(Action::DeleteUser)
                ],
            ],
            "{backend}"
        );
        // People in the order asked, with what was found.
        assert_eq!(plan.people[0].email, "JDOE@example.com", "{backend}");
        assert_eq!(plan.people[0].user_id.as_deref(), Some(DEMO_USER_ID), "{backend}");
        assert_eq!(plan.people[1].seat_uid.as_deref(), Some("seat_uid_3"), "{backend}");
        assert_eq!(plan.pending_steps(), 6, "{backend}");

        // Plain data: it prints, and survives JSON.
        let text = plan.to_string();
        assert!(text.contains("nobody@example.com") && text.contains("skip, no such user"), "{backend}: {text}");
        let back: Plan = serde_json::from_str(&serde_json::to_string(&plan).unwrap()).unwrap();
        assert_eq!(back, plan, "{backend}");

        // Planning changes nothing and sends no write.
        assert_eq!(server.users(&account()), before, "{backend}");
        assert!(server.journal().iter().all(|e| e.method == "GET"), "{backend}");
    }
}

#[tokio::test]
async fn a_failed_lookup_is_recorded_for_that_person_only() {
    for (backend, transport) in backends() {
        let server = FakeServer::start().await.unwrap();
        let wf = workflows(&server, &transport);
        // Every read fails: the person is planned with the failure, not dropped.
        server.inject(FaultRule::new(Route::Path("/access/users".into()), Fault::status(400)).method("GET"));
        let plan = wf.plan_offboard(["bjones@example.com"], OffboardOptions::default()).await;
        assert!(
            matches!(&plan.people[0].steps[0].skip, Some(SkipReason::LookupFailed { error }) if error.contains("400")),
            "{backend}: {plan:?}"
        );
        server.clear_faults();
        let plan = wf.plan_offboard(["bjones@example.com", "cgarcia@example.com"], OffboardOptions::default()).await;
        assert_eq!(plan.pending_steps(), 2, "{backend}: {plan}");
        assert!(requests(&server, "GET", "/active_sessions") >= 2, "{backend}");
    }
}

#[tokio::test]
async fn a_reclaim_plan_takes_seats_of_the_inactive_minus_the_excluded() {
    for (backend, transport) in backends() {
        let server = FakeServer::start().await.unwrap();
        let wf = workflows(&server, &transport);
        let cutoff: Timestamp = "2024-03-07T00:00:00Z".parse().unwrap();
        let listed = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = listed.clone();
        let options =
            ReclaimOptions::default().exclude(["BJONES@example.com"]).on_listed(move |n| seen.lock().unwrap().push(n));
        let plan = wf.plan_reclaim(cutoff, options).await.unwrap();
        // Every user examined is counted, active or not: 1, 2, ... 5.
        assert_eq!(*listed.lock().unwrap(), [1, 2, 3, 4, 5], "{backend}");
        assert_eq!(plan.kind, PlanKind::Reclaim, "{backend}");
        assert_eq!(plan.cutoff, Some(cutoff), "{backend}");
        // Jane holds no seat and is left out; Richard (2024-03-06) and the three who never
        // logged in hold one; Bob is excluded.
        let people: Vec<(&str, Option<&SkipReason>)> =
            plan.people.iter().map(|p| (p.email.as_str(), p.steps[0].skip.as_ref())).collect();
        assert_eq!(
            people,
            [
                ("rroe@example.com", None),
                ("asmith@example.com", None),
                ("bjones@example.com", Some(&SkipReason::Excluded)),
                ("cgarcia@example.com", None),
            ],
            "{backend}"
        );
        assert!(plan.people.iter().all(|p| p.steps.len() == 1 && p.steps[0].action == Action::FreeSeat), "{backend}");
        let earlier: Timestamp = "2024-03-01T00:00:00Z".parse().unwrap();
        let plan = wf.plan_reclaim(earlier, ReclaimOptions::default()).await.unwrap();
        assert_eq!(plan.pending_steps(), 3, "{backend}: Richard logged in after this cutoff");
    }
}

#[tokio::test]
async fn offboarding_planning_reports_each_person_planned_in_one_call() {
    for (backend, transport) in backends() {
        let server = FakeServer::start().await.unwrap();
        let wf = workflows(&server, &transport);
        let heard = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let options = OffboardOptions::default().concurrency(2).on_planned({
            let heard = heard.clone();
            move |n| heard.lock().unwrap().push(n)
        });
        // The same person twice counts once.
        let emails = ["jdoe@example.com", "nobody@example.com", "JDOE@example.com", "rroe@example.com"];
        let plan = wf.plan_offboard(emails, options).await;
        assert_eq!(plan.people.len(), 3, "{backend}");
        assert_eq!(*heard.lock().unwrap(), [1, 2, 3], "{backend}");
    }
}
