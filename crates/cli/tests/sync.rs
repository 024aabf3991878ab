//! `cfzt sync` and `cfzt apply` end to end against a fake server holding a seeded
//! population: the plan in every format, the guards as exit codes with their numbers,
//! a reviewed plan applied, and a rerun with no drift under --exit-code.

mod common;

use cfzt_fake_server::Population;
use cfzt_models::User;
use common::{Fake, csv, json, ndjson, run, stderr, strings, table};

fn writes(fake: &Fake) -> usize {
    fake.server.journal().iter().filter(|e| e.method != "GET").count()
}

fn temp(name: &str) -> String {
    let path = std::env::temp_dir().join(format!("cfzt-sync-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path.to_str().unwrap().to_string()
}

/// A fake with `size` seeded users, and them.
fn populated(size: usize) -> (Fake, Vec<User>) {
    let fake = Fake::with(|b| b.empty());
    let users = fake.server.populate(&Fake::account(), &Population::new(size).seed(11));
    (fake, users)
}

fn email(user: &User) -> &str {
    user.email.as_deref().unwrap()
}

/// HR's export: users 0..10 terminated, 10..20 absent, user 100 renamed, the rest as they are.
fn hr_csv(users: &[User], path: &str) {
    let mut out = String::from("Employee ID,Work Email,Full Name,Status\n");
    for (i, user) in users.iter().enumerate() {
        let name = user.name.clone().unwrap();
        let (name, status) = match i {
            0..10 => (name, "Terminated"),
            10..20 => continue,
            100 => (format!("{name} (renamed)"), "Active"),
            _ => (name, "active"),
        };
        out.push_str(&format!("{i},{},\"{name}\",{status}\n", email(user).to_uppercase()));
    }
    std::fs::write(path, out).unwrap();
}

const MAP: &str = "email='Work Email',name='Full Name',active=Status:Active";

#[test]
fn a_reviewed_plan_is_applied_and_a_rerun_finds_no_drift() {
    let (fake, users) = populated(1000);
    let (roster, keep, plan) = (temp("hr.csv"), temp("keep.txt"), temp("plan.json"));
    hr_csv(&users, &roster);
    std::fs::write(&keep, format!("# break-glass\n{}\n", email(&users[0]))).unwrap();
    let sync = |extra: &[&str]| {
        let mut args = vec!["sync", "--roster", &roster, "--map", MAP, "--protect", &keep];
        args.extend(["--not-in-roster", "delete", "--max-removals", "5%"]);
        args.extend(extra);
        args.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    let args = sync(&["--plan-out", &plan, "-o", "ndjson"]);
    let out = run(&mut fake.cfzt(&args.iter().map(String::as_str).collect::<Vec<_>>()), 0);
    let rows = ndjson(&out);
    let changes = strings(&rows, "change");
    assert_eq!(changes.iter().filter(|c| *c == "remove").count(), 19, "{rows:?}");
    assert_eq!(changes.iter().filter(|c| *c == "rename").count(), 1);
    let protected = rows.iter().find(|r| r["email"] == email(&users[0])).unwrap();
    assert_eq!(
        (protected["change"].as_str(), protected["why"].as_str()),
        (Some("untouched"), Some(&*format!("protected by {}", email(&users[0]))))
    );
    let inactive = rows.iter().find(|r| r["email"] == email(&users[1])).unwrap();
    assert_eq!(inactive["why"], "marked not active in the roster");
    assert_eq!(writes(&fake), 0, "planning changes nothing");
    assert!(stderr(&out).contains(&format!("cfzt apply {plan} --yes")), "{}", stderr(&out));

    // --exit-code: drift is 2.
    let args = sync(&["--exit-code", "-o", "csv"]);
    let out = run(&mut fake.cfzt(&args.iter().map(String::as_str).collect::<Vec<_>>()), 2);
    let (headers, csv_rows) = csv(&out);
    assert_eq!(headers, ["email", "user_id", "change", "detail", "why"]);
    assert_eq!(csv_rows.len(), rows.len());

    // Applied from the file: the report, the rename, the removals; the protected kept.
    let report = json(&run(&mut fake.cfzt(&["apply", &plan, "--yes", "-o", "json"]), 0));
    assert_eq!(report["kind"], "sync");
    assert_eq!(report["people"].as_array().unwrap().len(), 19);
    let now = fake.server.users(&Fake::account());
    assert_eq!(now.len(), 981);
    assert!(now.iter().any(|u| u.email == users[0].email));
    let renamed = now.iter().find(|u| u.email == users[100].email).unwrap();
    assert_eq!(renamed.name, Some(format!("{} (renamed)", users[100].name.as_deref().unwrap())));

    // A rerun: no drift, exit 0; the same plan again changes nothing.
    let args = sync(&["--exit-code", "-o", "json"]);
    let out = run(&mut fake.cfzt(&args.iter().map(String::as_str).collect::<Vec<_>>()), 0);
    assert_eq!(json(&out)["entries"].as_array().unwrap().len(), 1, "only the protected account, untouched");
    fake.server.clear_journal();
    run(&mut fake.cfzt(&["apply", &plan, "--yes", "-o", "table"]), 0);
    assert_eq!(writes(&fake), 0);
    for path in [roster, keep, plan] {
        std::fs::remove_file(path).unwrap();
    }
}

#[test]
fn a_tripped_guard_or_a_stale_plan_is_exit_1_with_its_numbers_and_changes_nothing() {
    let (fake, users) = populated(1000);
    let (roster, plan) = (temp("hr2.csv"), temp("plan2.json"));
    hr_csv(&users, &roster);
    let base = ["sync", "--roster", roster.as_str(), "--map", MAP, "--not-in-roster", "delete"];
    for extra in [&["--max-removals", "10"][..], &["--max-removals", "10", "--exit-code"][..]] {
        let args: Vec<&str> = base.iter().chain(extra).copied().collect();
        let out = run(&mut fake.cfzt(&args), 1);
        let err = stderr(&out);
        assert!(err.contains("act on 20 of 1000 users, over the removal limit of 10 (10 allowed)"), "{err}");
        assert!(err.contains("--max-removals"), "{err}");
    }
    // The default limit (10% of 1000) lets 20 pass; a list of 100 emails is a shrunk roster.
    let list = temp("list.txt");
    std::fs::write(&list, users[..100].iter().map(|u| format!("{}\n", email(u))).collect::<String>()).unwrap();
    let err = stderr(&run(&mut fake.cfzt(&["sync", "--roster", &list]), 1));
    assert!(err.contains("100 people for 1000 Access users"), "{err}");
    std::fs::write(&list, "# nobody\n").unwrap();
    assert!(stderr(&run(&mut fake.cfzt(&["sync", "--roster", &list, "--max-shrink", "off"]), 1)).contains("empty"));

    // A plan made, then the users change: refused.
    let args: Vec<&str> = base.iter().chain(&["--plan-out", plan.as_str(), "-o", "table"]).copied().collect();
    let (_, rows) = table(&run(&mut fake.cfzt(&args), 0));
    assert!(rows.len() >= 20);
    fake.server.add_user(&Fake::account(), cfzt_models::CreateUserParams::new("late@example.com")).unwrap();
    fake.server.clear_journal();
    let err = stderr(&run(&mut fake.cfzt(&["apply", &plan, "--yes"]), 1));
    assert!(err.contains("the plan is stale"), "{err}");
    assert_eq!(writes(&fake), 0);
    // Without --yes, apply shows the plan and changes nothing.
    let rows = ndjson(&run(&mut fake.cfzt(&["apply", &plan, "-o", "ndjson"]), 0));
    assert_eq!(rows.len(), 21, "20 removals and a rename");
    for path in [roster, plan, list] {
        std::fs::remove_file(path).unwrap();
    }
}

#[test]
fn a_bad_map_or_roster_is_named() {
    let fake = Fake::start();
    let roster = temp("bad.csv");
    std::fs::write(&roster, "Email,Name\njdoe@example.com,Jane\n").unwrap();
    let err = stderr(&run(&mut fake.cfzt(&["sync", "--roster", &roster, "--map", "email=Work Email"]), 2));
    assert!(err.contains("no column \"Work Email\"") && err.contains("Email, Name"), "{err}");
    let err = stderr(&run(&mut fake.cfzt(&["sync", "--roster", &roster, "--map", "name=Name"]), 2));
    assert!(err.contains("email=COLUMN is required"), "{err}");
    // Under --exit-code every error is 1.
    let args = ["sync", "--roster", &roster, "--map", "email=Work Email", "--exit-code"];
    run(&mut fake.cfzt(&args), 1);
    std::fs::remove_file(roster).unwrap();
}

#[test]
fn reclaim_keeps_people_who_never_logged_in_within_the_grace() {
    let (fake, users) = populated(400);
    let young_never: Vec<&str> = users
        .iter()
        .filter(|u| u.last_successful_login.is_none() && u.access_seat == Some(true))
        .filter(|u| u.created_at.unwrap() > chrono::Utc::now() - chrono::Duration::days(200))
        .map(email)
        .collect();
    assert!(!young_never.is_empty());
    let planned = |grace: &str| {
        let rows =
            ndjson(&run(&mut fake.cfzt(&["reclaim", "--inactive-days", "30", "--new-user-grace-days", grace]), 0));
        strings(&rows, "email")
    };
    let (kept, none) = (planned("200"), planned("0"));
    assert!(young_never.iter().all(|e| !kept.contains(&e.to_string())));
    assert!(young_never.iter().all(|e| none.contains(&e.to_string())));
    assert_eq!(writes(&fake), 0);
}
