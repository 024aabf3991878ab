//! `Workflows::apply_stream`, over both backends against the fake server: every person
//! yielded once as they finish, with their place in the plan and the run's progress; at
//! most `concurrency` people at once; a stop, an abandon and a dropped stream.

mod common;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cfzt_fake_server::{FakeServer, Fault, FaultRule, Operation, Route, Times};
use cfzt_transport::{HttpTransport, Request, Response, TransportError};
use cfzt_workflows::{AppliedPerson, ApplyOptions, OffboardOptions, Outcome, PlanKind, Progress, StopSignal};
use common::{account, add, backends, workflows};
use futures_util::{Stream, StreamExt};

/// The demo account's three users with a step to run.
const DEMO: [&str; 3] = ["jdoe@example.com", "asmith@example.com", "rroe@example.com"];

/// `future`'s output; a guard against a run that hangs (a wrong stream waits for the
/// held request), not a timing check.
async fn unless_hung<T>(what: &str, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(60), future).await.unwrap_or_else(|_| panic!("hung: {what}"))
}

#[tokio::test]
async fn the_stream_yields_every_person_once_with_their_place_and_the_runs_progress() {
    for (backend, transport) in backends() {
        let server = FakeServer::start().await.unwrap();
        let wf = workflows(&server, &transport);
        let emails = [DEMO[0], DEMO[1], "nobody@example.com", DEMO[2]];
        let plan = wf.plan_offboard(emails, OffboardOptions::default()).await;
        let heard = Arc::new(Mutex::new(Vec::new()));
        let options = ApplyOptions::default().concurrency(2).on_progress({
            let heard = heard.clone();
            move |p| heard.lock().unwrap().push(p)
        });
        let mut stream = wf.apply_stream(&plan, options);
        assert_eq!(stream.size_hint(), (4, Some(4)), "{backend}");
        let applied: Vec<AppliedPerson> = (&mut stream).collect().await;

        let mut places: Vec<usize> = applied.iter().map(|a| a.index).collect();
        places.sort_unstable();
        assert_eq!(places, [0, 1, 2, 3], "{backend}: each person once");
        for person in &applied {
            assert_eq!(person.report.email, plan.people[person.index].email, "{backend}");
        }
        let progress: Vec<Progress> = applied.iter().map(|a| a.progress).collect();
        let counts: Vec<(usize, usize, usize)> = progress.iter().map(|p| (p.done, p.total, p.failed)).collect();
        assert_eq!(counts, [(1, 4, 0), (2, 4, 0), (3, 4, 0), (4, 4, 0)], "{backend}");
        assert_eq!(*heard.lock().unwrap(), progress, "{backend}: on_progress hears what is yielded");

        // The report, whatever order the people are handed in, is in the plan's order.
        let report = stream.report(applied.into_iter().rev());
        assert_eq!(report.kind, PlanKind::Offboard, "{backend}");
        let order: Vec<&str> = report.people.iter().map(|p| p.email.as_str()).collect();
        assert_eq!(order, emails, "{backend}");
        assert_eq!((report.steps_done(), report.people_unfinished()), (3, 0), "{backend}: {report}");
    }
}

#[tokio::test]
async fn people_come_as_they_finish_and_a_slow_one_holds_back_no_one() {
    for (backend, transport) in backends() {
        let server = FakeServer::start().await.unwrap();
        let wf = workflows(&server, &transport);
        let plan = wf.plan_offboard(DEMO, OffboardOptions::default()).await;
        // The first person's user hangs at the fake until the run gives it up.
        let first = plan.people[0].user_id.clone().unwrap();
        let hold = FaultRule::new(Route::Path(first), Fault::delay(Duration::from_secs(600)));
        server.inject(hold.method("GET").times(Times::Next(1)));
        let stop = StopSignal::new();
        let mut stream = wf.apply_stream(&plan, ApplyOptions::default().concurrency(2).stop_on(stop.clone()));
        let mut applied = Vec::new();
        for _ in 0..2 {
            applied.push(unless_hung("waiting for the slow person", stream.next()).await.unwrap());
        }
        let mut places: Vec<usize> = applied.iter().map(|a| a.index).collect();
        places.sort_unstable();
        assert_eq!(places, [1, 2], "{backend}: the two behind the slow one come first");
        assert!(applied.iter().all(|a| a.report.finished()), "{backend}");
        stop.abandon();
        applied.push(stream.next().await.unwrap());
        assert!(stream.next().await.is_none(), "{backend}");
        let report = stream.report(applied);
        let slow = &report.people[0];
        assert_eq!(slow.email, DEMO[0], "{backend}: {report}");
        assert!(!slow.finished() && !slow.failed(), "{backend}: {report}");
        assert_eq!(slow.steps[0].outcome, Outcome::Stopped, "{backend}: abandoned while reading: {report}");
    }
}

/// A transport that counts the requests in flight through it, the most at once, and
/// holds the first `gate` requests until `gate` are in flight together.
struct Counting {
    inner: Arc<dyn HttpTransport>,
    gate: usize,
    arrived: AtomicUsize,
    in_flight: AtomicUsize,
    most: AtomicUsize,
}

type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<Response, TransportError>> + Send + 'a>>;

impl HttpTransport for Counting {
    fn send<'life0, 'async_trait>(&'life0 self, request: Request) -> SendFuture<'async_trait>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        Box::pin(async move {
            let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            self.most.fetch_max(now, Ordering::SeqCst);
            if self.arrived.fetch_add(1, Ordering::SeqCst) < self.gate {
                while self.in_flight.load(Ordering::SeqCst) < self.gate {
                    tokio::task::yield_now().await;
                }
            }
            let response = self.inner.send(request).await;
            self.in_flight.fetch_sub(1, Ordering::SeqCst);
            response
        })
    }
}

#[tokio::test]
async fn the_stream_works_on_at_most_concurrency_people_at_once() {
    for (backend, transport) in backends() {
        for concurrency in [1, 3] {
            let server = FakeServer::start().await.unwrap();
            let mut emails: Vec<String> = DEMO.iter().map(|e| e.to_string()).collect();
            for n in 0..5 {
                let email = format!("extra{n}@example.com");
                add(&server, &email);
                emails.push(email);
            }
            let plan =
                workflows(&server, &transport).plan_offboard(emails, OffboardOptions::default().delete(true)).await;
            // Each person's calls go one after another: requests in flight are people at once.
            let counting = Arc::new(Counting {
                inner: transport.clone(),
                gate: concurrency,
                arrived: AtomicUsize::new(0),
                in_flight: AtomicUsize::new(0),
                most: AtomicUsize::new(0),
            });
            let counted: Arc<dyn HttpTransport> = counting.clone();
            let wf = workflows(&server, &counted);
            let options = ApplyOptions::default().concurrency(concurrency);
            let applied: Vec<AppliedPerson> =
                unless_hung("fewer people at once than asked", wf.apply_stream(&plan, options).collect()).await;
            assert_eq!(applied.len(), 8, "{backend}");
            assert!(applied.iter().all(|a| a.report.finished()), "{backend}");
            assert_eq!(counting.most.load(Ordering::SeqCst), concurrency, "{backend}: at most {concurrency} at once");
        }
    }
}

#[tokio::test]
async fn a_stream_stopped_after_one_person_starts_no_one_else_and_still_yields_everyone() {
    for (backend, transport) in backends() {
        let server = FakeServer::start().await.unwrap();
        let wf = workflows(&server, &transport);
        let plan = wf.plan_offboard(DEMO, OffboardOptions::default().delete(true)).await;
        let stop = StopSignal::new();
        let mut stream = wf.apply_stream(&plan, ApplyOptions::default().concurrency(1).stop_on(stop.clone()));
        let first = stream.next().await.unwrap();
        assert!(first.report.finished(), "{backend}: {:?}", first.report);
        stop.stop();
        server.clear_journal();
        let rest: Vec<AppliedPerson> = (&mut stream).collect().await;
        assert!(server.journal().is_empty(), "{backend}: nothing is sent once stopped");
        assert_eq!(rest.len(), 2, "{backend}");
        for person in &rest {
            // The steps planning skipped stay skipped; the others did not start.
            let stopped = |s: &&cfzt_workflows::StepReport| s.outcome == Outcome::Stopped;
            let skipped = |s: &cfzt_workflows::StepReport| matches!(s.outcome, Outcome::Skipped { .. });
            let steps = &person.report.steps;
            assert!(steps.iter().all(|s| stopped(&s) || skipped(s)), "{backend}: {steps:?}");
            assert!(steps.iter().any(|s| stopped(&s)), "{backend}: {steps:?}");
        }
        let report = stream.report(std::iter::once(first).chain(rest));
        assert_eq!((report.people.len(), report.people_unfinished(), report.people_failed()), (3, 2, 0), "{backend}");
    }
}

#[tokio::test]
async fn an_abandoned_stream_yields_the_call_under_way_as_interrupted() {
    for (backend, transport) in backends() {
        let server = FakeServer::start().await.unwrap();
        let wf = workflows(&server, &transport);
        let plan = wf.plan_offboard([DEMO[1]], OffboardOptions::default().delete(true)).await;
        server.inject(FaultRule::new(Route::Operation(Operation::EditSeats), Fault::delay(Duration::from_secs(600))));
        let stop = StopSignal::new();
        let stream = wf.apply_stream(&plan, ApplyOptions::default().stop_on(stop.clone()));
        // The stream owns what it needs: it can be moved into a task.
        let task = tokio::spawn(stream.collect::<Vec<AppliedPerson>>());
        while !server.journal().iter().any(|e| e.operation == Some(Operation::EditSeats)) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        stop.abandon();
        let applied = task.await.unwrap();
        let outcomes: Vec<&Outcome> = applied[0].report.steps.iter().map(|s| &s.outcome).collect();
        assert!(matches!(outcomes[0], Outcome::Skipped { .. }), "{backend}: {outcomes:?}");
        assert_eq!(outcomes[1..], [&Outcome::Interrupted, &Outcome::Stopped], "{backend}");
        assert_eq!(applied[0].progress.done, 1, "{backend}");
    }
}

#[tokio::test]
async fn a_dropped_stream_sends_nothing_more() {
    for (backend, transport) in backends() {
        let server = FakeServer::start().await.unwrap();
        let wf = workflows(&server, &transport);
        let plan = wf.plan_offboard(DEMO, OffboardOptions::default().delete(true)).await;
        server.clear_journal();
        let mut stream = wf.apply_stream(&plan, ApplyOptions::default().concurrency(1));
        let first = stream.next().await.unwrap();
        assert_eq!((first.index, first.report.finished()), (0, true), "{backend}: {:?}", first.report);
        drop(stream);
        tokio::task::yield_now().await;
        // The people after the first were never started: no request names them, and
        // they keep their seats and records.
        let later: Vec<String> = plan.people[1..].iter().map(|p| p.user_id.clone().unwrap()).collect();
        let journal = server.journal();
        assert!(!journal.is_empty(), "{backend}");
        for entry in &journal {
            assert!(later.iter().all(|id| !entry.path.contains(id.as_str())), "{backend}: {}", entry.path);
            let body = entry.body_json().map(|b| b.to_string()).unwrap_or_default();
            assert!(DEMO[1..].iter().all(|email| !body.contains(email)), "{backend}: {body}");
        }
        let users = server.users(&account());
        assert_eq!(users.len(), 4, "{backend}: only the first person was deleted");
        for email in &DEMO[1..] {
            let user = users.iter().find(|u| u.email.as_deref() == Some(*email)).unwrap();
            assert!(user.access_seat == Some(true) || user.gateway_seat == Some(true), "{backend}: {email}");
        }
    }
}
