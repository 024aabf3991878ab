//! `cfzt seats count`, `export`, `offboard` and `reclaim` end to end against the fake
//! server: plan versus `--yes`, every output format, partial failures and `--resume`.

mod common;

use cfzt_fake_server::{Fault, FaultRule, Route};
use common::*;

const ALICE: &str = "asmith@example.com";
const BOB: &str = "bjones@example.com";
const RROE_ID: &str = "4a1b5c3e-7d2f-4e8a-9b6c-0d1e2f3a4b5c";

/// The requests that changed something.
fn writes(fake: &Fake) -> usize {
    fake.server.journal().iter().filter(|e| e.method != "GET").count()
}

fn temp(name: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("cfzt-cli-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

#[test]
fn seats_count_in_every_format() {
    let fake = Fake::start();
    let counts = json(&run(&mut fake.cfzt(&["seats", "count", "-o", "json"]), 0));
    assert_eq!((counts["users"].as_u64(), counts["any_seat"].as_u64()), (Some(5), Some(4)));
    assert_eq!(ndjson(&run(&mut fake.cfzt(&["seats", "count"]), 0))[0]["access_seats"], 3);
    let (header, rows) = csv(&run(&mut fake.cfzt(&["seats", "count", "-o", "csv"]), 0));
    assert_eq!(header, ["users", "access_seats", "gateway_seats", "any_seat", "both_seats"]);
    assert_eq!(rows[0]["gateway_seats"], "1");
    assert_eq!(fields(&run(&mut fake.cfzt(&["seats", "count", "-o", "table"]), 0))["both_seats"], "0");
}

#[test]
fn export_joins_every_part_in_every_format() {
    let fake = Fake::start();
    let (header, rows) = csv(&run(&mut fake.cfzt(&["export", "-o", "csv"]), 0));
    assert_eq!(header.len(), 16);
    assert_eq!(rows.iter().map(|r| r["email"].clone()).collect::<Vec<_>>(), fake.emails());
    assert_eq!(rows[0]["active_sessions"], "1");
    assert_eq!(rows[0]["failed_logins"], "1");
    assert_eq!(rows[0]["last_seen_country"], "US");
    let lines = ndjson(&run(&mut fake.cfzt(&["export"]), 0));
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0]["session_apps"], "test.example.com");
    assert_eq!(json(&run(&mut fake.cfzt(&["export", "-o", "json"]), 0)).as_array().unwrap().len(), 5);
    let (header, rows) = table(&run(&mut fake.cfzt(&["export", "-o", "table"]), 0));
    assert_eq!(header[0], "EMAIL");
    assert_eq!(rows.len(), 5);
}

#[test]
fn export_with_some_parts_keeps_the_columns_empties_the_rest_and_fetches_only_those() {
    let fake = Fake::start();
    fake.server.clear_journal();
    let (header, rows) = csv(&run(&mut fake.cfzt(&["export", "--with", "sessions", "-o", "csv"]), 0));
    assert_eq!(header.len(), 16);
    assert_eq!(rows[0]["active_sessions"], "1");
    assert_eq!(rows[0]["failed_logins"], "");
    assert_eq!(rows[0]["last_seen_ip"], "");
    // The parts left out were not fetched: one page of users, then each user's sessions.
    let paths: Vec<String> = fake.server.journal().into_iter().map(|entry| entry.path).collect();
    assert_eq!(paths.len(), 1 + rows.len(), "{paths:?}");
    assert!(paths[1..].iter().all(|p| p.ends_with("/active_sessions")), "{paths:?}");
    run(&mut fake.cfzt(&["export", "--with", "sessions,nonsense"]), 2);
}

#[test]
fn offboard_without_yes_prints_the_plan_and_changes_nothing() {
    let fake = Fake::start();
    let out = run(&mut fake.cfzt(&["offboard", DEMO_USER_EMAIL, "nobody@example.com", "--delete", "-o", "csv"]), 0);
    let (header, rows) = csv(&out);
    assert_eq!(header, ["email", "user_id", "action", "step", "reason"]);
    let jane: Vec<_> = rows.iter().filter(|r| r["email"] == DEMO_USER_EMAIL).collect();
    assert_eq!(
        jane.iter().map(|r| r["action"].as_str()).collect::<Vec<_>>(),
        ["revoke_sessions", "free_seat", "delete_user"]
    );
    assert!(rows.iter().filter(|r| r["email"] == "nobody@example.com").all(|r| r["step"] == "skip"));
    assert!(stderr(&out).contains("--yes"));
    assert_eq!(writes(&fake), 0);
    assert!(fake.emails().contains(&DEMO_USER_EMAIL.to_string()));

    let plan = json(&run(&mut fake.cfzt(&["offboard", DEMO_USER_EMAIL, "-o", "json"]), 0));
    assert_eq!(plan["kind"], "offboard");
    assert_eq!(plan["people"][0]["email"], DEMO_USER_EMAIL);
}

#[test]
fn offboard_with_yes_applies_and_a_second_run_has_nothing_to_do() {
    let fake = Fake::start();
    let list = temp("leavers");
    std::fs::write(&list, format!("# leavers\n{DEMO_USER_EMAIL}\n{ALICE}\n")).unwrap();
    let args = ["offboard", "--from-file", list.to_str().unwrap(), "--delete", "--yes", "-o", "csv"];
    let (_, rows) = csv(&run(&mut fake.cfzt(&args), 0));
    assert!(rows.iter().all(|r| r["outcome"] != "failed"), "{rows:?}");
    assert!(rows.iter().any(|r| r["action"] == "delete_user" && r["outcome"] == "done"));
    assert!(!fake.emails().iter().any(|e| e == DEMO_USER_EMAIL || e == ALICE));

    let (_, rows) = csv(&run(&mut fake.cfzt(&args), 0));
    assert!(rows.iter().all(|r| r["outcome"] == "skipped"), "{rows:?}");
    std::fs::remove_file(list).unwrap();
}

#[test]
fn offboard_reads_emails_from_stdin() {
    let fake = Fake::start();
    let out =
        run(fake.cfzt(&["offboard", "--from-file", "-", "-o", "json"]).write_stdin(format!("{ALICE}\n{BOB}\n")), 0);
    assert_eq!(json(&out)["people"].as_array().unwrap().len(), 2);
}

#[test]
fn a_failure_midway_is_exit_3_and_resume_retries_only_the_rest() {
    let fake = Fake::start();
    let resume = temp("resume");
    let bob = fake.server.users(&Fake::account()).into_iter().find(|u| u.email.as_deref() == Some(BOB)).unwrap();
    let bob_id = bob.id.unwrap();
    // Deleting Bob fails for good; Alice and Carla go through.
    fake.server.inject(FaultRule::new(Route::Path(bob_id.clone()), Fault::status(500)).method("DELETE"));
    let args = [
        "offboard",
        ALICE,
        BOB,
        "cgarcia@example.com",
        "--delete",
        "--yes",
        "--max-retries",
        "0",
        "--resume",
        resume.to_str().unwrap(),
        "-o",
        "ndjson",
    ];
    let out = run(&mut fake.cfzt(&args), 3);
    let failed: Vec<_> = ndjson(&out).into_iter().filter(|r| r["outcome"] == "failed").collect();
    assert_eq!(strings(&failed, "email"), [BOB]);
    assert!(stderr(&out).contains("1 of 3 people failed"), "{}", stderr(&out));
    let recorded = std::fs::read_to_string(&resume).unwrap();
    assert_eq!(recorded.lines().count(), 3, "a header and two people: {recorded}");
    assert!(!recorded.contains(&bob_id));

    fake.server.clear_faults();
    fake.server.clear_journal();
    let out = run(&mut fake.cfzt(&args), 0);
    assert_eq!(strings(&ndjson(&out), "email"), [BOB, BOB, BOB], "only Bob is worked on again");
    assert!(stderr(&out).contains("2 people finished in an earlier run"));
    assert!(!fake.emails().contains(&BOB.to_string()));
    std::fs::remove_file(resume).unwrap();
}

#[test]
fn reclaim_plans_then_frees_seats_but_keeps_users_and_the_excluded() {
    let fake = Fake::start();
    let plan = ndjson(&run(&mut fake.cfzt(&["reclaim", "--inactive-days", "30", "--exclude-email", BOB]), 0));
    let run_rows: Vec<_> = plan.iter().filter(|r| r["step"] == "run").cloned().collect();
    assert!(!strings(&run_rows, "email").contains(&BOB.to_string()));
    assert!(plan.iter().any(|r| r["email"] == BOB && r["step"] == "skip"));
    assert_eq!(writes(&fake), 0);

    let exclude = temp("exclude");
    std::fs::write(&exclude, format!("{BOB}\n")).unwrap();
    let args = ["reclaim", "--inactive-days", "30", "--exclude", exclude.to_str().unwrap(), "--yes", "-o", "json"];
    let report = json(&run(&mut fake.cfzt(&args), 0));
    assert_eq!(report["kind"], "reclaim");
    let users = fake.server.users(&Fake::account());
    assert_eq!(users.len(), 5, "reclaim deletes nobody");
    for user in users {
        let seated = user.access_seat == Some(true) || user.gateway_seat == Some(true);
        assert_eq!(seated, user.email.as_deref() == Some(BOB), "{:?}", user.email);
    }
    std::fs::remove_file(exclude).unwrap();
}

#[test]
fn no_progress_bar_is_drawn_when_stderr_is_not_a_terminal() {
    let fake = Fake::start();
    let out = run(&mut fake.cfzt(&["offboard", ALICE, BOB, "--yes"]), 0);
    let err = stderr(&out);
    assert!(!err.contains('\u{1b}') && !err.contains('\r'), "{err:?}");
    assert!(!err.contains("offboarding ["), "{err}");
}

#[test]
fn offboard_needs_an_email() {
    let fake = Fake::start();
    run(&mut fake.cfzt(&["offboard"]), 2);
    let out = run(fake.cfzt(&["offboard", "--from-file", "-"]).write_stdin("# nobody\n"), 2);
    assert!(stderr(&out).contains("no emails"));
}

#[test]
fn report_rows_come_in_the_order_of_the_input_not_of_completion() {
    let fake = Fake::start();
    // The first person's calls are slow: applied four at once, they finish last.
    fake.server
        .inject(FaultRule::new(Route::Path(RROE_ID.into()), Fault::delay(std::time::Duration::from_millis(800))));
    let emails = ["rroe@example.com", "asmith@example.com", "bjones@example.com", "jdoe@example.com"];
    let mut args = vec!["offboard"];
    args.extend(emails);
    args.extend(["--delete", "--yes", "--concurrency", "4", "-o", "ndjson"]);
    let rows = ndjson(&run(&mut fake.cfzt(&args), 0));
    let mut order: Vec<String> = strings(&rows, "email");
    order.dedup();
    assert_eq!(order, emails, "{rows:?}");
}

#[test]
fn each_call_the_deadline_refuses_is_one_line_and_the_hint_names_the_quota_in_use() {
    let fake = Fake::start();
    let out = run(&mut fake.cfzt(&["--rate-limit", "2/10s", "--deadline", "1s", "export", "-o", "csv"]), 3);
    let err = stderr(&out);
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error: ")).collect();
    let hints = err.lines().filter(|l| l.starts_with("hint: ")).count();
    assert_eq!(hints, 1, "one hint, at the end:\n{err}");
    for line in &errors[..errors.len() - 1] {
        assert!(line.contains("was not sent") && line.matches("past").count() == 1, "said once: {line}");
    }
    assert!(err.contains("(2 requests per 10 s)"), "the quota in use, not Cloudflare's default:\n{err}");
    assert!(!err.contains("1,200"), "{err}");
}
