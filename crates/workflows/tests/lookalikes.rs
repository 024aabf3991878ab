//! Emails that only Unicode case rules would take for one another are two people: the fake
//! server holds both, `find_by_email` finds each alone, and offboarding and reclamation
//! plan every one of them, over both backends.

mod common;

use cfzt_access_users::{ActiveSession, ActiveSessionDetail, User, UserId};
use cfzt_fake_server::{FakeServer, Fault, FaultRule, Operation, Route, Times};
use cfzt_models::{Envelope, SeatChange, Timestamp};
use cfzt_workflows::{ApplyOptions, OffboardOptions, ReclaimOptions, SkipReason, Workflows};
use common::{account, add, backends, workflows};

/// An email, and a different one that Unicode lowercasing makes equal to it.
const LOOKALIKES: &[(&str, &str)] = &[
    ("mark@example.com", "mar\u{212A}@example.com"),          // KELVIN SIGN
    ("stra\u{DF}e@example.com", "STRA\u{1E9E}E@example.com"), // capital sharp s
    ("j\u{F6}ran@example.com", "J\u{D6}RAN@example.com"),     // non-ASCII case
    ("\u{E5}sa@example.com", "\u{212B}sa@example.com"),       // ANGSTROM SIGN
];

/// A list page holding exactly these users, as a fault that answers the next list call:
/// an `email` filter that matches as loosely as Unicode lowercasing does.
fn loose_filter(users: &[User]) -> FaultRule {
    let body = serde_json::to_value(Envelope::success(users.to_vec())).unwrap();
    FaultRule::new(Route::Operation(Operation::ListUsers), Fault::json(200, body)).times(Times::Next(1))
}

/// Both people of each pair, added to the fake: `(email, id)`.
fn add_pairs(server: &FakeServer) -> Vec<[(String, UserId); 2]> {
    LOOKALIKES.iter().map(|(a, b)| [(a.to_string(), add(server, a)), (b.to_string(), add(server, b))]).collect()
}

fn id_of(user: Option<User>) -> Option<String> {
    user.and_then(|u| u.id)
}

#[tokio::test]
async fn the_fake_holds_both_and_find_by_email_finds_each_alone() {
    for (backend, transport) in backends() {
        let server = FakeServer::start().await.unwrap();
        let wf = workflows(&server, &transport);
        for [(a, a_user), (b, b_user)] in add_pairs(&server) {
            let both = [server.user(&account(), &a_user).unwrap(), server.user(&account(), &b_user).unwrap()];
            let (a_id, b_id) = (Some(a_user.to_string()), Some(b_user.to_string()));
            assert_eq!(id_of(wf.find_by_email(&a).await.unwrap()), a_id, "{backend}: {a}");
            assert_eq!(id_of(wf.find_by_email(&b).await.unwrap()), b_id, "{backend}: {b}");
            assert_eq!(id_of(wf.find_by_email(&a.to_ascii_uppercase()).await.unwrap()), a_id, "{backend}: {a}");

            // A server whose filter answers with both: each email still finds its own user.
            server.inject(loose_filter(&both));
            assert_eq!(id_of(wf.find_by_email(&a).await.unwrap()), a_id, "{backend}: {a} among both");
            server.inject(loose_filter(&both));
            assert_eq!(id_of(wf.find_by_email(&b).await.unwrap()), b_id, "{backend}: {b} among both");
            // ... and one that answers with the lookalike alone finds no one.
            server.inject(loose_filter(&both[1..]));
            assert_eq!(wf.find_by_email(&a).await.unwrap(), None, "{backend}: {a} is not {b}");
        }
    }
}

#[tokio::test]
async fn an_offboard_plan_names_every_lookalike_as_their_own_person() {
    for (backend, transport) in backends() {
        let server = FakeServer::start().await.unwrap();
        let wf = workflows(&server, &transport);
        let pairs = add_pairs(&server);
        let asked: Vec<String> = pairs.iter().flatten().map(|(email, _)| email.clone()).collect();
        let plan = wf.plan_offboard(&asked, OffboardOptions::default()).await;
        let planned: Vec<(String, Option<String>)> =
            plan.people.iter().map(|p| (p.email.clone(), p.user_id.clone())).collect();
        let want: Vec<(String, Option<String>)> =
            pairs.iter().flatten().map(|(email, id)| (email.clone(), Some(id.to_string()))).collect();
        assert_eq!(planned, want, "{backend}: {plan}");

        // The same person in two ASCII cases is still planned once.
        let plan = wf.plan_offboard(["mark@example.com", "MARK@Example.COM"], OffboardOptions::default()).await;
        assert_eq!(plan.people.len(), 1, "{backend}: {plan}");
    }
}

/// Mark and Mar\u{212A} hold a seat and a session each; offboarding Mark, even when the
/// server's filter answers with both, touches only Mark.
#[tokio::test]
async fn offboarding_one_leaves_their_lookalike_seated() {
    for (backend, transport) in backends() {
        let server = FakeServer::start().await.unwrap();
        let wf = workflows(&server, &transport);
        let (mark, kelvin) = ("mark@example.com", "mar\u{212A}@example.com");
        let ids = [add(&server, mark), add(&server, kelvin)];
        seat_and_session(&server, &wf, &ids).await;

        let both: Vec<User> = ids.iter().map(|id| server.user(&account(), id).unwrap()).collect();
        server.inject(loose_filter(&both));
        let plan = wf.plan_offboard([mark], OffboardOptions::default()).await;
        assert_eq!(plan.people.len(), 1, "{backend}: {plan}");
        assert_eq!(plan.people[0].user_id.as_deref(), Some(ids[0].as_str()), "{backend}: {plan}");
        assert_eq!(plan.pending_steps(), 2, "{backend}: {plan}");
        let report = wf.apply(&plan, ApplyOptions::default()).await;
        assert_eq!(report.people_failed(), 0, "{backend}: {report}");

        let marks = server.user(&account(), &ids[0]).unwrap();
        assert_eq!((marks.access_seat, server.active_sessions(&account(), &ids[0]).unwrap().len()), (Some(false), 0));
        let kelvins = server.user(&account(), &ids[1]).unwrap();
        assert_eq!(kelvins.email.as_deref(), Some(kelvin), "{backend}");
        assert_eq!(kelvins.access_seat, Some(true), "{backend}: the lookalike keeps their seat");
        assert_eq!(server.active_sessions(&account(), &ids[1]).unwrap().len(), 1, "{backend}: and their session");
    }
}

#[tokio::test]
async fn excluding_one_from_reclamation_spares_no_lookalike() {
    for (backend, transport) in backends() {
        let server = FakeServer::builder().empty().start().await.unwrap();
        let wf = workflows(&server, &transport);
        let pairs = add_pairs(&server);
        let ids: Vec<UserId> = pairs.iter().flatten().map(|(_, id)| id.clone()).collect();
        seat_and_session(&server, &wf, &ids).await;

        // Each first email excluded, in upper case: their lookalikes lose their seats.
        let exclude: Vec<String> = pairs.iter().map(|[(a, _), _]| a.to_ascii_uppercase()).collect();
        let cutoff: Timestamp = "2100-01-01T00:00:00Z".parse().unwrap();
        // They were created just now and never logged in: no grace, so they count as inactive.
        let options = ReclaimOptions::default().exclude(exclude).new_user_grace(chrono::Duration::zero());
        let plan = wf.plan_reclaim(cutoff, options).await.unwrap();
        let planned: Vec<(String, Option<&SkipReason>)> =
            plan.people.iter().map(|p| (p.email.clone(), p.steps[0].skip.as_ref())).collect();
        let want: Vec<(String, Option<&SkipReason>)> = pairs
            .iter()
            .flat_map(|[(a, _), (b, _)]| [(a.clone(), Some(&SkipReason::Excluded)), (b.clone(), None)])
            .collect();
        assert_eq!(planned, want, "{backend}: every user the server returned, each decided alone");
    }
}

/// Gives each user an Access seat and one active session.
async fn seat_and_session(server: &FakeServer, wf: &Workflows, ids: &[UserId]) {
    let mut seats = Vec::new();
    for id in ids {
        let mut session: ActiveSession = serde_json::from_str(cfzt_models::examples::ACTIVE_SESSION).unwrap();
        session.metadata.as_mut().unwrap().nonce = None;
        server.add_active_session(&account(), id, session, ActiveSessionDetail::default()).unwrap();
        seats.push(SeatChange::new(server.user(&account(), id).unwrap().seat_uid.unwrap(), true, false));
    }
    wf.users().edit_seats(seats).await.unwrap();
}
