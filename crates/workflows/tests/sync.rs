//! Roster sync against the fake server holding a seeded population, over both backends:
//! the guards (a stale plan, the removal limit, protected accounts, an empty or shrunk
//! roster), a rename through update, and a rerun that finds no drift.

mod common;

use cfzt_access_users::User;
use cfzt_fake_server::{FakeServer, Population};
use cfzt_workflows::{
    ApplyOptions, Change, ExtraAction, Outcome, Protected, RemovalLimit, Roster, SyncError, SyncOptions, Why,
};
use common::{account, backends, requests, workflows};

/// A server whose account holds `size` seeded users, and those users.
async fn populated(size: usize) -> (FakeServer, Vec<User>) {
    let server = FakeServer::builder().empty().start().await.unwrap();
    let users = server.populate(&account(), &Population::new(size).seed(23));
    assert_eq!(users.len(), size);
    (server, users)
}

fn email(user: &User) -> &str {
    user.email.as_deref().unwrap()
}

/// A roster of every user but the first `leave_out`, with their names.
fn roster_without(users: &[User], leave_out: usize) -> Roster {
    let mut roster = Roster::new();
    for user in &users[leave_out..] {
        roster.push(email(user).to_uppercase(), user.name.clone());
    }
    roster
}

/// Requests that change something.
fn writes(server: &FakeServer) -> usize {
    server.journal().iter().filter(|e| e.method != "GET").count()
}

#[tokio::test]
async fn a_plan_made_before_the_users_changed_is_refused_and_changes_nothing() {
    for (backend, transport) in backends() {
        let (server, users) = populated(500).await;
        let wf = workflows(&server, &transport);
        let options = SyncOptions::default().extra(ExtraAction::Delete);
        let plan = wf.plan_sync(&roster_without(&users, 3), &options).await.unwrap();
        assert_eq!((plan.removals(), plan.drift()), (3, 3), "{backend}: {plan}");

        // Someone is added between planning and applying: the plan is stale.
        server.add_user(&account(), cfzt_models::CreateUserParams::new("late@example.com").name("Late")).unwrap();
        server.clear_journal();
        let err = wf.apply_sync(&plan, ApplyOptions::default()).await.unwrap_err();
        assert!(matches!(err, SyncError::StalePlan { .. }) && err.is_guard(), "{backend}: {err}");
        assert!(err.to_string().contains("plan again"), "{backend}: {err}");
        assert_eq!(writes(&server), 0, "{backend}");
        assert_eq!(server.users(&account()).len(), 501, "{backend}");

        // A plan made now applies; logins and seats changing in between do not make it stale.
        let plan = wf.plan_sync(&roster_without(&users, 3), &options).await.unwrap();
        let seat = users[0].seat_uid.clone().unwrap();
        wf.users().edit_seats(vec![cfzt_models::SeatChange::new(seat, true, true)]).await.unwrap();
        let report = wf.apply_sync(&plan, ApplyOptions::default()).await.unwrap();
        // The three left out, and the one added since, who is not in the roster either.
        assert_eq!((report.failed(), report.removals.people.len()), (0, 4), "{backend}: {report}");
        assert_eq!(server.users(&account()).len(), 497, "{backend}");
    }
}

#[tokio::test]
async fn the_removal_limit_stops_the_whole_plan_and_names_the_limit() {
    for (backend, transport) in backends() {
        let (server, users) = populated(2000).await;
        let wf = workflows(&server, &transport);
        let roster = roster_without(&users, 150);
        // The default limit is 10% of the current users: 150 of 2000 passes.
        let plan = wf.plan_sync(&roster, &SyncOptions::default().extra(ExtraAction::FreeSeat)).await.unwrap();
        assert_eq!(plan.removals(), 150, "{backend}");

        server.clear_journal();
        for (limits, want) in [
            (vec![RemovalLimit::Percent(5)], (RemovalLimit::Percent(5), 100)),
            (vec![RemovalLimit::Count(200), RemovalLimit::Count(149)], (RemovalLimit::Count(149), 149)),
        ] {
            let options = SyncOptions::default().extra(ExtraAction::Delete).max_removals(limits);
            let err = wf.plan_sync(&roster, &options).await.unwrap_err();
            match &err {
                SyncError::RemovalLimit { limit, allowed, removals, users } => {
                    assert_eq!((*limit, *allowed), want, "{backend}");
                    assert_eq!((*removals, *users), (150, 2000), "{backend}");
                }
                other => panic!("{backend}: {other}"),
            }
            assert!(err.to_string().contains("150 of 2000 users"), "{backend}: {err}");
        }
        // Refused before any session was looked up, and nothing was sent but the list.
        assert_eq!(requests(&server, "GET", "active_sessions"), 0, "{backend}");
        assert_eq!(writes(&server), 0, "{backend}");

        // Report only acts on no one, so the limit does not apply.
        let plan = wf.plan_sync(&roster, &SyncOptions::default().max_removals([RemovalLimit::Count(0)])).await.unwrap();
        assert_eq!((plan.removals(), plan.drift()), (0, 150), "{backend}");
        assert!(plan.entries.iter().all(|e| e.change == Change::Report && e.why == Why::NotInRoster), "{backend}");
    }
}

#[tokio::test]
async fn an_empty_or_sharply_shrunk_roster_is_refused() {
    for (backend, transport) in backends() {
        let (server, users) = populated(1000).await;
        let wf = workflows(&server, &transport);
        let options = SyncOptions::default().extra(ExtraAction::Delete).max_removals([]);
        let err = wf.plan_sync(&Roster::new(), &options).await.unwrap_err();
        assert!(matches!(err, SyncError::EmptyRoster { users: 1000 }), "{backend}: {err}");
        let err = wf.plan_sync(&Roster::new(), &options.clone().max_shrink_percent(None)).await.unwrap_err();
        assert!(matches!(err, SyncError::EmptyRoster { .. }), "{backend}: {err}");

        // A truncated export: 400 people for 1000 users.
        let err = wf.plan_sync(&roster_without(&users, 600), &options).await.unwrap_err();
        assert!(
            matches!(err, SyncError::RosterShrank { roster: 400, users: 1000, max_shrink_percent: 50 }),
            "{backend}: {err}"
        );
        let plan = wf.plan_sync(&roster_without(&users, 600), &options.clone().max_shrink_percent(None)).await.unwrap();
        assert_eq!(plan.removals(), 600, "{backend}");
        assert_eq!(writes(&server), 0, "{backend}");
    }
}

#[tokio::test]
async fn protected_accounts_are_never_touched() {
    for (backend, transport) in backends() {
        let (server, users) = populated(300).await;
        let wf = workflows(&server, &transport);
        // Leave out four people: one protected by email, one renamed but protected, and
        // a vendor domain added to the account.
        let vendor = server.add_user(&account(), cfzt_models::CreateUserParams::new("ops@Vendor.example")).unwrap();
        let mut roster = roster_without(&users, 4);
        roster.push(email(&users[10]), Some("Someone Else")); // a rename; a duplicate
        let protect = Protected::default().email(email(&users[0]).to_uppercase()).domain("vendor.example");
        let options = SyncOptions::default().extra(ExtraAction::Delete).protect(protect);
        let plan = wf.plan_sync(&roster, &options).await.unwrap();
        let entry = |e: &str| plan.entries.iter().find(|x| x.email == e).unwrap_or_else(|| panic!("{e}: {plan}"));
        assert_eq!(entry(email(&users[0])).change, Change::Untouched, "{backend}");
        assert!(
            matches!(&entry(email(&users[0])).why, Why::Protected { rule } if rule == &cfzt_models::email_key(email(&users[0])))
        );
        assert_eq!(entry("ops@Vendor.example").why, Why::Protected { rule: "@vendor.example".into() }, "{backend}");
        // Listed twice: in the roster, its name not taken, nothing guessed.
        assert!(matches!(entry(email(&users[10])).why, Why::DuplicateInRoster { .. }), "{backend}");
        assert_eq!(plan.removals(), 3, "{backend}: {plan}");

        let report = wf.apply_sync(&plan, ApplyOptions::default()).await.unwrap();
        assert_eq!(report.failed(), 0, "{backend}: {report}");
        let now = server.users(&account());
        assert_eq!(now.len(), 301 - 3, "{backend}");
        for kept in [email(&users[0]), "ops@Vendor.example"] {
            let user = now.iter().find(|u| u.email.as_deref() == Some(kept)).unwrap();
            assert!(server.journal().iter().all(|e| !e.path.contains(user.id.as_deref().unwrap())), "{backend}");
        }
        assert_eq!(vendor.name, now.iter().find(|u| u.id == vendor.id).unwrap().name, "{backend}");
    }
}

#[tokio::test]
async fn a_rename_goes_through_update_and_a_rerun_finds_no_drift() {
    for (backend, transport) in backends() {
        let (server, users) = populated(400).await;
        let wf = workflows(&server, &transport);
        let mut roster = Roster::new();
        for (i, user) in users.iter().enumerate().skip(2) {
            let name = if i % 50 == 0 {
                format!("{} (renamed)", user.name.as_deref().unwrap())
            } else {
                user.name.clone().unwrap()
            };
            roster.push(email(user), Some(name));
        }
        roster.push("newcomer@example.com", Some("New Comer"));
        let options = SyncOptions::default().extra(ExtraAction::Delete);
        let plan = wf.plan_sync(&roster, &options).await.unwrap();
        let renames = plan.entries.iter().filter(|e| matches!(e.change, Change::Rename { .. })).count();
        assert_eq!((renames, plan.removals()), (7, 2), "{backend}: {plan}");
        let newcomer = plan.entries.iter().find(|e| e.email == "newcomer@example.com").unwrap();
        assert_eq!((&newcomer.change, &newcomer.why), (&Change::Missing, &Why::NotInAccess), "{backend}");

        // The plan survives a file.
        let plan: cfzt_workflows::SyncPlan = serde_json::from_str(&serde_json::to_string(&plan).unwrap()).unwrap();
        server.clear_journal();
        let progress = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = progress.clone();
        let options_apply = ApplyOptions::default().on_progress(move |p| seen.lock().unwrap().push((p.done, p.total)));
        let report = wf.apply_sync(&plan, options_apply).await.unwrap();
        assert!(report.changes.iter().all(|c| c.outcome == Outcome::Done), "{backend}: {report}");
        assert_eq!(progress.lock().unwrap().last(), Some(&(9, 9)), "{backend}");
        // Update confirms with the current email and sends the roster's name.
        let puts: Vec<serde_json::Value> =
            server.journal().iter().filter(|e| e.method == "PUT").map(|e| e.body_json().unwrap()).collect();
        assert_eq!(puts.len(), 7, "{backend}");
        assert_eq!(puts[0]["email"], email(&users[50]), "{backend}");
        assert_eq!(puts[0]["name"], format!("{} (renamed)", users[50].name.as_deref().unwrap()), "{backend}");

        // Nothing left: the same plan again (its own changes do not make it stale)
        // changes nothing, and a new plan is empty.
        server.clear_journal();
        let report = wf.apply_sync(&plan, ApplyOptions::default()).await.unwrap();
        assert_eq!((report.done(), report.failed(), writes(&server)), (0, 0, 0), "{backend}: {report}");
        let again = wf.plan_sync(&roster, &options).await.unwrap();
        assert!(!again.has_drift(), "{backend}: {again}");
        assert_eq!(again.entries.len(), 1, "{backend}: only the newcomer, reported");
        server.clear_journal();
        let report = wf.apply_sync(&again, ApplyOptions::default()).await.unwrap();
        assert_eq!((report.done(), writes(&server)), (0, 0), "{backend}");

        // Creating the missing is an option.
        let create = wf.plan_sync(&roster, &options.clone().create_missing(true)).await.unwrap();
        assert!(create.has_drift(), "{backend}");
        let report = wf.apply_sync(&create, ApplyOptions::default()).await.unwrap();
        assert_eq!(report.done(), 1, "{backend}: {report}");
        assert!(server.users(&account()).iter().any(|u| u.name.as_deref() == Some("New Comer")), "{backend}");
    }
}
