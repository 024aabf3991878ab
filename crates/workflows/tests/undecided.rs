//! A lookup that fails while planning decides nothing: the step is undecided, applying
//! the plan looks again, and a failure then is a failure in the report, never "skipped"
//! or "done". Over both backends, against the fake server; and a run stopped early.

mod common;

use std::sync::Arc;

use cfzt_access_users::Pacing;
use cfzt_fake_server::{FakeServer, Fault, FaultRule, Operation, Route};
use cfzt_transport::HttpTransport;
use cfzt_workflows::{Action, ApplyOptions, OffboardOptions, Outcome, Plan, StopSignal, Workflows};
use common::{account, backends, workflows};

const JANE: &str = "jdoe@example.com";
const ALICE: &str = "asmith@example.com";

/// Where planning fails.
#[derive(Debug, Clone, Copy)]
enum Failure {
    /// `GET /users?email=` answers 500.
    FindByEmail,
    /// Each user's active sessions answer 500.
    ActiveSessions,
    /// Every call answers 403 (a token without the permission).
    Forbidden,
    /// Nothing listens at the base URL.
    ConnectionRefused,
}

impl Failure {
    /// Workflows over `server` that fail as `self` says.
    fn set_up(self, server: &FakeServer, transport: &Arc<dyn HttpTransport>, refused_url: &str) -> Workflows {
        let rule = |route, status| FaultRule::new(route, Fault::status(status));
        match self {
            Failure::FindByEmail => server.inject(rule(Route::Operation(Operation::ListUsers), 500)),
            Failure::ActiveSessions => server.inject(rule(Route::Operation(Operation::ListActiveSessions), 500)),
            Failure::Forbidden => server.inject(rule(Route::Any, 403)),
            Failure::ConnectionRefused => {
                let client =
                    common::builder(server, transport).base_url(refused_url).pacing(Pacing::Off).build().unwrap();
                return Workflows::new(client.users(&account()));
            }
        }
        workflows(server, transport)
    }

    /// The steps planning leaves undecided, for Jane and Alice with `--delete`.
    fn undecided_steps(self) -> usize {
        match self {
            // Revoking is the only step that needs the sessions.
            Failure::ActiveSessions => 2,
            _ => 6,
        }
    }
}

/// A base URL where nothing listens.
async fn refused_url() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}/client/v4")
}

fn statuses(report: &cfzt_workflows::Report) -> Vec<Vec<String>> {
    let name = |o: &Outcome| serde_json::to_value(o).unwrap()["status"].as_str().unwrap().to_string();
    report.people.iter().map(|p| p.steps.iter().map(|s| name(&s.outcome)).collect()).collect()
}

#[tokio::test]
async fn a_planning_failure_is_undecided_and_a_failure_when_applied() {
    let refused = refused_url().await;
    for failure in [Failure::FindByEmail, Failure::ActiveSessions, Failure::Forbidden, Failure::ConnectionRefused] {
        for (backend, transport) in backends() {
            let server = FakeServer::start().await.unwrap();
            let wf = failure.set_up(&server, &transport, &refused);
            let case = format!("{failure:?} over {backend}");
            let plan: Plan = wf.plan_offboard([JANE, ALICE], OffboardOptions::default().delete(true)).await;

            // The plan says it could not decide, for both people; it is not a no-op.
            assert_eq!(plan.undecided_steps(), failure.undecided_steps(), "{case}: {plan}");
            assert_eq!(plan.people_undecided(), 2, "{case}: {plan}");
            assert!(!plan.is_noop(), "{case}: {plan}");
            assert!(plan.to_string().contains("UNDECIDED"), "{case}: {plan}");

            // Applied while the failure lasts: a failure for each person, never "skipped".
            let report = wf.apply(&plan, ApplyOptions::default()).await;
            assert_eq!(report.people_failed(), 2, "{case}: {report}");
            assert_eq!(report.people_unfinished(), 2, "{case}: {report}");
            assert!(!report.is_noop(), "{case}: {report}");
            for person in &report.people {
                assert!(!person.finished(), "{case}: {report}");
                assert!(
                    person.steps.iter().all(|s| !matches!(s.outcome, Outcome::Skipped { .. } | Outcome::Done)),
                    "{case}: {report}"
                );
            }

            // Once the server answers, applying the same plan looks again and finishes it.
            if matches!(failure, Failure::ConnectionRefused) {
                continue;
            }
            server.clear_faults();
            let report = wf.apply(&plan, ApplyOptions::default()).await;
            assert_eq!(report.people_unfinished(), 0, "{case}: {report}");
            assert_eq!(
                statuses(&report),
                [["done", "skipped", "done"], ["skipped", "done", "done"]],
                "{case}: Jane's session is revoked, Alice's seat freed, both deleted: {report}"
            );
            assert!(server.users(&account()).iter().all(|u| u.email.as_deref() != Some(JANE)), "{case}");
        }
    }
}

#[tokio::test]
async fn the_plan_round_trips_with_undecided_steps() {
    let server = FakeServer::start().await.unwrap();
    let (_, transport) = backends().remove(0);
    server.inject(FaultRule::new(Route::Operation(Operation::ListActiveSessions), Fault::status(500)));
    let plan = workflows(&server, &transport).plan_offboard([JANE], OffboardOptions::default()).await;
    let json = serde_json::to_value(&plan).unwrap();
    assert_eq!(json["people"][0]["steps"][0]["skip"]["reason"], "lookup_failed", "{json}");
    let back: Plan = serde_json::from_value(json).unwrap();
    assert_eq!(back, plan);
    assert!(back.people[0].steps[0].is_undecided() && !back.people[0].steps[1].is_undecided());
}

#[tokio::test]
async fn a_stopped_run_starts_nothing_more_and_says_so() {
    for (backend, transport) in backends() {
        let server = FakeServer::start().await.unwrap();
        let wf = workflows(&server, &transport);
        let plan = wf.plan_offboard([JANE, ALICE], OffboardOptions::default().delete(true)).await;
        let stop = StopSignal::new();
        stop.stop();
        server.clear_journal();
        let report = wf.apply(&plan, ApplyOptions::default().stop_on(stop)).await;
        assert!(server.journal().is_empty(), "{backend}: nothing is sent once stopped");
        assert_eq!(report.people_unfinished(), 2, "{backend}: {report}");
        assert_eq!(report.people_failed(), 0, "{backend}: {report}");
        // Steps the plan skipped stay skipped; the others did not start.
        let jane = &report.people[0];
        assert_eq!(jane.steps[0].action, Action::RevokeSessions);
        assert_eq!(jane.steps[0].outcome, Outcome::Stopped, "{backend}: {report}");
        assert!(matches!(jane.steps[1].outcome, Outcome::Skipped { .. }), "{backend}: {report}");
        assert!(report.to_string().contains("not started (the run was stopped)"), "{backend}: {report}");
    }
}

#[tokio::test]
async fn an_abandoned_run_reports_the_call_under_way_as_interrupted() {
    for (backend, transport) in backends() {
        let server = FakeServer::start().await.unwrap();
        let wf = workflows(&server, &transport);
        let plan = wf.plan_offboard([ALICE], OffboardOptions::default().delete(true)).await;
        // The seat change hangs at the fake until the run gives it up.
        let hold = std::time::Duration::from_secs(600);
        server.inject(FaultRule::new(Route::Operation(Operation::EditSeats), Fault::delay(hold)));
        let stop = StopSignal::new();
        let options = ApplyOptions::default().stop_on(stop.clone());
        let task = tokio::spawn(async move { wf.apply(&plan, options).await });
        while !server.journal().iter().any(|e| e.operation == Some(Operation::EditSeats)) {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        stop.abandon();
        let report = task.await.unwrap();
        let alice = &report.people[0];
        assert!(matches!(alice.steps[0].outcome, Outcome::Skipped { .. }), "{backend}: {report}");
        assert_eq!(alice.steps[1].outcome, Outcome::Interrupted, "{backend}: {report}");
        assert_eq!(alice.steps[2].outcome, Outcome::Stopped, "{backend}: {report}");
        assert!(!alice.finished() && !alice.failed(), "{backend}: {report}");
        assert!(report.to_string().contains("interrupted: may have taken effect"), "{backend}: {report}");
    }
}
