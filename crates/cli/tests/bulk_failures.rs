//! `cfzt offboard` when things go wrong, as a subprocess against the fake server: a lookup
//! that fails while planning, stdout closed midway, Ctrl-C. Never exit 0 while a leaver
//! keeps their access, and the `--resume` file names only people whose every step is
//! settled.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cfzt_fake_server::{Fault, FaultRule, Operation, Route};
use common::*;

const ALICE: &str = "asmith@example.com";
const BOB: &str = "bjones@example.com";
const CARLA: &str = "cgarcia@example.com";

fn temp(name: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("cfzt-cli-failures-{}-{name}", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

/// The people the resume file records as finished (its header left out).
fn recorded(path: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines().skip(1).map(str::to_string).collect()
}

/// A base URL where nothing listens.
fn refused_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}/client/v4")
}

/// Where planning fails, and what the fake does for it.
const FAILURES: &[(&str, Option<(Operation, u16)>)] = &[
    ("500 on GET /users?email=", Some((Operation::ListUsers, 500))),
    ("500 on active sessions", Some((Operation::ListActiveSessions, 500))),
    ("403 on every call", None),
    ("connection refused", None),
];

#[test]
fn a_lookup_that_fails_while_planning_is_exit_3_and_never_recorded() {
    for (case, rule) in FAILURES {
        let fake = Fake::start();
        match (case, rule) {
            (_, Some((operation, status))) => {
                fake.server.inject(FaultRule::new(Route::Operation(*operation), Fault::status(*status)));
            }
            (&"403 on every call", None) => fake.server.inject(FaultRule::new(Route::Any, Fault::status(403))),
            _ => {}
        }
        let cfzt = |args: &[&str]| {
            let mut cmd = fake.cfzt(args);
            if *case == "connection refused" {
                cmd.env("CLOUDFLARE_BASE_URL", refused_url());
            }
            cmd
        };

        // The plan: every step it could not decide says so, and the exit code is 3.
        let out = run(
            &mut cfzt(&["offboard", "jdoe@example.com", ALICE, "--delete", "-o", "ndjson", "--max-retries", "0"]),
            3,
        );
        let rows = ndjson(&out);
        assert!(rows.iter().any(|r| r["step"] == "undecided"), "{case}: {rows:?}");
        assert!(
            !rows.iter().any(|r| r["step"] == "skip" && r["reason"].as_str().unwrap().contains("lookup")),
            "{case}"
        );
        assert!(stderr(&out).contains("a lookup failed while planning for 2 of 2 people"), "{case}: {}", stderr(&out));

        // Applied: each person failed, exit 3, and the resume file records nobody.
        let resume = temp(&format!("undecided-{}", case.len()));
        let path = resume.to_str().unwrap();
        let args = [
            "offboard",
            "jdoe@example.com",
            ALICE,
            "--delete",
            "--yes",
            "--resume",
            path,
            "-o",
            "ndjson",
            "--max-retries",
            "0",
        ];
        let out = run(&mut cfzt(&args), 3);
        let rows = ndjson(&out);
        assert!(rows.iter().all(|r| r["outcome"] == "failed" || r["outcome"] == "not_attempted"), "{case}: {rows:?}");
        assert!(stderr(&out).contains("2 of 2 people failed"), "{case}: {}", stderr(&out));
        if *case == "403 on every call" {
            assert!(stderr(&out).contains("a 403 means the API token lacks"), "{case}: {}", stderr(&out));
        }
        assert_eq!(recorded(&resume), Vec::<String>::new(), "{case}");

        // Once the API answers, the same command finishes both.
        if *case != "connection refused" {
            fake.server.clear_faults();
            run(&mut fake.cfzt(&args), 0);
            let mut finished = recorded(&resume);
            finished.sort();
            assert_eq!(finished, [ALICE, "jdoe@example.com"], "{case}");
            assert!(!fake.emails().iter().any(|e| e == ALICE || e == "jdoe@example.com"), "{case}");
        }
        std::fs::remove_file(resume).unwrap();
    }
}

#[test]
fn a_closed_stdout_does_not_stop_the_job() {
    let fake = Fake::start();
    let resume = temp("closed-stdout");
    // Each delete takes a while, so the reader is gone long before the last one.
    fake.server
        .inject(FaultRule::new(Route::Operation(Operation::DeleteUser), Fault::delay(Duration::from_millis(150))));
    let leavers = ["jdoe@example.com", "rroe@example.com", ALICE, BOB, CARLA];
    let mut args = vec!["offboard", "--delete", "--yes", "--concurrency", "1", "-o", "ndjson"];
    args.extend(["--resume", resume.to_str().unwrap()]);
    args.extend(leavers);
    let mut child = std_cfzt(&fake, &args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    // `| head -1`: one line, then the reader goes away.
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    assert!(line.contains("jdoe@example.com"), "{line}");
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("stdout was closed"), "{err}");
    assert!(fake.emails().is_empty(), "every leaver is offboarded: {:?}", fake.emails());
    assert_eq!(recorded(&resume).len(), 5, "{:?}", recorded(&resume));
    std::fs::remove_file(resume).unwrap();
}

/// Starts `cfzt offboard --yes` on Alice, Bob and Carla one at a time, with every seat
/// change held `hold` by the fake, and sends SIGINT `presses` times once Alice's seat
/// change has reached the fake.
fn interrupt(fake: &Fake, resume: &std::path::Path, hold: Duration, presses: u32) -> std::process::Output {
    fake.server.inject(FaultRule::new(Route::Operation(Operation::EditSeats), Fault::delay(hold)));
    let args = ["offboard", ALICE, BOB, CARLA, "--delete", "--yes", "--concurrency", "1", "-o", "ndjson"];
    let child = std_cfzt(fake, &args)
        .args(["--resume", resume.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !fake.server.journal().iter().any(|e| e.operation == Some(Operation::EditSeats)) {
        assert!(started.elapsed() < Duration::from_secs(30), "the seat change never came");
        std::thread::sleep(Duration::from_millis(10));
    }
    for _ in 0..presses {
        let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
        assert!(status.success());
        std::thread::sleep(Duration::from_millis(100));
    }
    child.wait_with_output().unwrap()
}

/// Each row's `(email, action, outcome)`.
fn outcomes(out: &std::process::Output) -> Vec<(String, String, String)> {
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    ndjson(out).iter().map(|r| (text(&r["email"]), text(&r["action"]), text(&r["outcome"]))).collect()
}

fn row(email: &str, action: &str, outcome: &str) -> (String, String, String) {
    (email.to_string(), action.to_string(), outcome.to_string())
}

#[test]
fn ctrl_c_finishes_the_step_under_way_reports_it_and_exits_130() {
    let fake = Fake::start();
    let resume = temp("ctrl-c");
    let out = interrupt(&fake, &resume, Duration::from_millis(1500), 1);
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    let mut rows = outcomes(&out);
    rows.sort();
    assert_eq!(
        rows,
        [
            row(ALICE, "delete_user", "stopped"),
            row(ALICE, "free_seat", "done"),
            row(ALICE, "revoke_sessions", "skipped"),
            row(BOB, "delete_user", "stopped"),
            row(BOB, "free_seat", "stopped"),
            row(BOB, "revoke_sessions", "skipped"),
            row(CARLA, "delete_user", "stopped"),
            row(CARLA, "free_seat", "stopped"),
            row(CARLA, "revoke_sessions", "skipped"),
        ],
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("interrupted: 0 of 3 people finished, 3 not"), "{}", stderr(&out));
    // Alice's seat was freed and said so; she is not recorded, so the rerun looks again.
    assert_eq!(recorded(&resume), Vec::<String>::new());
    let alice = fake.server.users(&Fake::account()).into_iter().find(|u| u.email.as_deref() == Some(ALICE)).unwrap();
    assert_eq!(alice.access_seat, Some(false));

    fake.server.clear_faults();
    let out = run(
        &mut fake.cfzt(&[
            "offboard",
            ALICE,
            BOB,
            CARLA,
            "--delete",
            "--yes",
            "--resume",
            resume.to_str().unwrap(),
            "-o",
            "ndjson",
        ]),
        0,
    );
    assert!(outcomes(&out).contains(&row(ALICE, "free_seat", "skipped")), "{:?}", outcomes(&out));
    assert!(outcomes(&out).contains(&row(ALICE, "delete_user", "done")), "{:?}", outcomes(&out));
    let mut finished = recorded(&resume);
    finished.sort();
    assert_eq!(finished, [ALICE, BOB, CARLA]);
    std::fs::remove_file(resume).unwrap();
}

#[test]
fn a_second_ctrl_c_abandons_the_step_under_way_as_interrupted() {
    let fake = Fake::start();
    let resume = temp("ctrl-c-twice");
    let started = Instant::now();
    let out = interrupt(&fake, &resume, Duration::from_secs(20), 2);
    assert!(started.elapsed() < Duration::from_secs(15), "the second Ctrl-C does not wait for the call");
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    let rows = outcomes(&out);
    assert!(rows.contains(&row(ALICE, "free_seat", "interrupted")), "{rows:?}");
    assert!(rows.contains(&row(ALICE, "delete_user", "stopped")), "{rows:?}");
    assert!(rows.contains(&row(BOB, "free_seat", "stopped")), "{rows:?}");
    let interrupted = ndjson(&out).into_iter().find(|r| r["outcome"] == "interrupted").unwrap();
    assert_eq!(interrupted["detail"], "interrupted: may have taken effect");
    assert_eq!(recorded(&resume), Vec::<String>::new());
    std::fs::remove_file(resume).unwrap();
}

/// A page of users the client cannot decode: the listing fails, not one user.
fn garbled_page() -> Fault {
    Fault::json(200, serde_json::json!({"success": true, "errors": [], "messages": [], "result": "not a list"}))
}

#[test]
fn a_read_that_stops_early_says_so_in_its_exit_code() {
    // (command, fault, exit code, what stderr says, rows written)
    let cases: [(&[&str], FaultRule, i32, &str, usize); 5] = [
        (
            &["export"],
            FaultRule::new(Route::Operation(Operation::ListUsers), garbled_page()),
            1,
            "export is incomplete",
            0,
        ),
        (
            &["export"],
            FaultRule::new(Route::Operation(Operation::ListUsers), Fault::status(500)),
            1,
            "export is incomplete",
            0,
        ),
        (
            &["export"],
            FaultRule::new(Route::Operation(Operation::ListFailedLogins), Fault::status(500)),
            3,
            "the details of 5 of 5 users could not be read",
            0,
        ),
        (
            &["seats", "count"],
            FaultRule::new(Route::Operation(Operation::ListUsers), garbled_page()),
            1,
            "list_users",
            0,
        ),
        (
            &["reclaim", "--inactive-days", "30", "--yes"],
            FaultRule::new(Route::Operation(Operation::ListUsers), Fault::status(500)),
            1,
            "list_users",
            0,
        ),
    ];
    for (command, rule, code, says, rows) in cases {
        let fake = Fake::start();
        fake.server.inject(rule);
        let mut args = command.to_vec();
        args.extend(["--max-retries", "0", "-o", "ndjson"]);
        let out = run(&mut fake.cfzt(&args), code);
        assert!(stderr(&out).contains(says), "{command:?}: {}", stderr(&out));
        assert_eq!(ndjson(&out).len(), rows, "{command:?}");
    }
}
