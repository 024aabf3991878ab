//! Server data that tries to act: escape sequences, bidi overrides and zero-width
//! characters in names and error messages, spreadsheet formulas in emails and names; and
//! the pipes and streams a Unix tool meets: a reader that goes away, a closed stderr, a bad
//! setting.

mod common;

use std::process::Stdio;

use cfzt_fake_server::{Fault, FaultRule, Operation, Route};
use common::*;

/// A name whose characters would act on a terminal: an OSC-8 hyperlink, a screen clear,
/// a colour, a C1 CSI, a zero-width space and a BOM.
const ESCAPES: &str =
    "\u{1b}]8;;https://evil.example\u{7}Ja\u{200b}ne\u{1b}]8;;\u{7}\u{1b}[2J\u{1b}[31m\u{9b}0m\u{feff}";
/// How [`ESCAPES`] must be shown.
const ESCAPES_SHOWN: &str =
    "\\u{1b}]8;;https://evil.example\\u{7}Ja\\u{200b}ne\\u{1b}]8;;\\u{7}\\u{1b}[2J\\u{1b}[31m\\u{9b}0m\\u{feff}";
/// RIGHT-TO-LEFT OVERRIDE, then an address reversed: a terminal shows `jdoe@example.com`.
const SPOOF: &str = "\u{202e}moc.elpmaxe@eodj";
const SPOOF_SHOWN: &str = "\\u{202e}moc.elpmaxe@eodj";
/// Bidi isolates and marks.
const ISOLATES: &str = "a\u{2066}b\u{2067}c\u{2068}d\u{2069}e\u{200e}\u{200f}";
const ISOLATES_SHOWN: &str = "a\\u{2066}b\\u{2067}c\\u{2068}d\\u{2069}e\\u{200e}\\u{200f}";

/// Emails are validated (no control or format character gets in, none starts with `@`),
/// but a formula is visible ASCII: each of these is a valid address a spreadsheet would
/// run. Each user is named with a formula too.
const FORMULA_EMAILS: [&str; 4] =
    ["=HYPERLINK(\"//evil\")@example.com", "+cmd|'/C.calc'!A0@example.com", "-2+3@example.com", "tab@example.com"];
const FORMULA_NAMES: [&str; 4] = ["@SUM(A1)", "+1", "-1", "\t=1"];

/// Whether `text` holds a character that acts rather than shows.
fn acts(text: &str) -> bool {
    text.chars().any(|c| {
        (c.is_control() && c != '\n' && c != '\r')
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
    })
}

/// A fake holding users named [`ESCAPES`], [`SPOOF`] and [`ISOLATES`], and users with
/// [`FORMULA_EMAILS`] and [`FORMULA_NAMES`], all created through the API.
fn hostile_fake() -> Fake {
    let fake = Fake::with(|b| b.empty());
    let names = [("esc@example.com", ESCAPES), ("spoof@example.com", SPOOF), ("iso@example.com", ISOLATES)];
    for (email, name) in names {
        run(&mut fake.cfzt(&["users", "create", email, "--name", name]), 0);
    }
    // `--name=` and `--`: a leading `-` is not an option.
    for (email, name) in FORMULA_EMAILS.iter().zip(FORMULA_NAMES) {
        run(&mut fake.cfzt(&["users", "create", &format!("--name={name}"), "--", email]), 0);
    }
    fake
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn tables_show_control_and_format_characters_as_escapes() {
    let fake = hostile_fake();
    let out = run(&mut fake.cfzt(&["users", "list", "-o", "table"]), 0);
    assert!(!acts(&stdout(&out)), "{:?}", stdout(&out));
    let (_, rows) = table(&out);
    let names: Vec<&str> = rows.iter().map(|r| r[2].as_str()).collect();
    assert_eq!(names[1..3], [SPOOF_SHOWN, ISOLATES_SHOWN]);
    // Cut at the table's widest column, as any long cell.
    let cut = names[0].strip_suffix('…').unwrap_or_default();
    assert!(cut.len() > 40 && ESCAPES_SHOWN.starts_with(cut), "{}", names[0]);
    // One item, one field per line; and the export's table.
    let out = run(&mut fake.cfzt(&["users", "find", "spoof@example.com", "-o", "table"]), 0);
    assert_eq!(fields(&out)["name"], SPOOF_SHOWN);
    let out = run(&mut fake.cfzt(&["export", "-o", "table"]), 0);
    assert!(!acts(&stdout(&out)), "{:?}", stdout(&out));
}

#[test]
fn json_escapes_what_acts_and_keeps_every_value() {
    let fake = hostile_fake();
    let want = [ESCAPES, SPOOF, ISOLATES];
    let out = run(&mut fake.cfzt(&["users", "list", "-o", "ndjson"]), 0);
    assert!(!acts(&stdout(&out)), "{:?}", stdout(&out));
    assert_eq!(strings(&ndjson(&out), "name")[..3], want);
    let out = run(&mut fake.cfzt(&["users", "list", "-o", "json"]), 0);
    assert!(!acts(&stdout(&out)), "{:?}", stdout(&out));
    assert_eq!(strings(json(&out).as_array().unwrap(), "name")[..3], want);
    let out = run(&mut fake.cfzt(&["users", "find", "spoof@example.com", "-o", "json"]), 0);
    assert_eq!(json(&out)["name"], SPOOF);
    assert!(stdout(&out).contains("\\u202e"), "{}", stdout(&out));
}

#[test]
fn csv_defuses_formulas_and_shows_escapes_and_csv_raw_keeps_every_cell() {
    let fake = hostile_fake();
    let commands: [&[&str]; 2] = [&["users", "list", "-o", "csv"], &["export", "-o", "csv"]];
    for command in commands {
        let out = run(&mut fake.cfzt(command), 0);
        assert!(!acts(&stdout(&out)), "{command:?}: {:?}", stdout(&out));
        let (_, rows) = csv(&out);
        let emails: Vec<&str> = rows.iter().map(|r| r["email"].as_str()).collect();
        let want: Vec<String> = FORMULA_EMAILS[..3].iter().map(|e| format!("'{e}")).collect();
        assert_eq!(emails[3..6], want, "{command:?}");
        assert_eq!(emails[6], "tab@example.com", "{command:?}");
        let names: Vec<&str> = rows.iter().map(|r| r["name"].as_str()).collect();
        let want = [ESCAPES_SHOWN, SPOOF_SHOWN, ISOLATES_SHOWN, "'@SUM(A1)", "'+1", "'-1", "' =1"];
        assert_eq!(names, want, "{command:?}");

        let mut raw = command.to_vec();
        raw.push("--csv-raw");
        let (_, rows) = csv(&run(&mut fake.cfzt(&raw), 0));
        let emails: Vec<&str> = rows.iter().map(|r| r["email"].as_str()).collect();
        assert_eq!(emails[3..], FORMULA_EMAILS, "{command:?}");
        let names: Vec<&str> = rows.iter().map(|r| r["name"].as_str()).collect();
        assert_eq!(names[..3], [ESCAPES, SPOOF, ISOLATES], "{command:?}");
        assert_eq!(names[3..], FORMULA_NAMES, "{command:?}");
    }
}

#[test]
fn plans_and_reports_as_csv_defuse_formulas() {
    let fake = hostile_fake();
    let email = FORMULA_EMAILS[0];
    let (_, rows) = csv(&run(&mut fake.cfzt(&["offboard", "-o", "csv", "--", email]), 0));
    assert!(rows.iter().all(|r| r["email"] == format!("'{email}")), "{rows:?}");
    let (_, rows) = csv(&run(&mut fake.cfzt(&["offboard", "--yes", "-o", "csv", "--", email]), 0));
    assert!(!rows.is_empty() && rows.iter().all(|r| r["email"] == format!("'{email}")), "{rows:?}");
}

#[test]
fn error_text_from_the_server_is_cleaned_on_stderr() {
    let fake = Fake::start();
    let message = format!("{ESCAPES}{SPOOF}\nhint: run rm -rf /");
    let envelope = serde_json::json!({
        "success": false,
        "errors": [{"code": 10000, "message": message}],
        "messages": [],
        "result": null,
    });
    fake.server.inject(FaultRule::new(Route::Operation(Operation::GetUser), Fault::json(403, envelope)));
    let html = format!("<html><body>{ESCAPES}{SPOOF}</body></html>");
    let page = Fault::Status { status: 502, body: html, content_type: "text/html".into(), headers: Vec::new() };
    fake.server.inject(FaultRule::new(Route::Operation(Operation::ListUsers), page));
    for args in [&["users", "get", DEMO_USER_ID][..], &["users", "list", "--max-retries", "0"]] {
        let out = run(&mut fake.cfzt(args), 1);
        let err = stderr(&out);
        assert!(!acts(&err), "{args:?}: {err:?}");
        assert!(err.contains("\\u{1b}]8;;https://evil.example\\u{7}"), "{args:?}: {err}");
        assert!(err.contains(SPOOF_SHOWN), "{args:?}: {err}");
        // The server's line feed does not forge a line of its own.
        assert!(err.lines().all(|l| l.starts_with("error: ") || l.starts_with("hint: ")), "{args:?}: {err}");
        assert_eq!(err.lines().filter(|l| l.starts_with("hint: ")).count(), 1, "{args:?}: {err}");
    }
}

/// The write end of a pipe whose reader is gone: every write to it fails with `EPIPE`.
fn closed_pipe() -> std::io::PipeWriter {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    writer
}

#[test]
fn csv_into_a_closed_pipe_exits_0_quietly() {
    let fake = Fake::start();
    // A row longer than the CSV writer's buffer: the failure comes from inside the writer.
    let long = "x".repeat(20_000);
    run(&mut fake.cfzt(&["users", "create", "long@example.com", "--name", &long]), 0);
    let commands: [&[&str]; 3] = [
        &["users", "list", "-o", "csv"],
        &["users", "find", "long@example.com", "-o", "csv"],
        &["export", "-o", "csv"],
    ];
    for command in commands {
        let out = std_cfzt(&fake, command).stdout(closed_pipe()).stderr(Stdio::piped()).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{command:?}: {}", stderr(&out));
        assert_eq!(stderr(&out), "", "{command:?}");
    }
}

#[test]
fn a_closed_stderr_never_panics_and_the_exit_code_stands() {
    let fake = Fake::start();
    let cases: [(&[&str], i32); 4] = [
        // Fine, with a line on stderr ("plan: ...").
        (&["offboard", DEMO_USER_EMAIL], 0),
        // An API error (404).
        (&["users", "get", "00000000-0000-4000-8000-000000000000"], 1),
        // A bad setting.
        (&["users", "list", "--base-url", "ftp://x"], 2),
        // A usage error found by clap.
        (&["users", "list", "--no-such-flag"], 2),
    ];
    for (args, code) in cases {
        let out = std_cfzt(&fake, args).stdout(Stdio::null()).stderr(closed_pipe()).output().unwrap();
        assert_eq!(out.status.code(), Some(code), "{args:?}");
    }
}

/// A command line, the environment it adds, and the names its hint must give.
type SettingCase = (&'static [&'static str], &'static [(&'static str, &'static str)], &'static [&'static str]);

#[test]
fn a_bad_base_url_or_budget_url_is_a_usage_error_naming_the_setting() {
    let fake = Fake::start();
    let cases: [SettingCase; 4] = [
        (&["users", "list", "--base-url", "ftp://x"], &[], &["--base-url", "CLOUDFLARE_BASE_URL"]),
        (
            &["users", "list"],
            &[("CLOUDFLARE_BASE_URL", "http://10.0.0.1/client/v4")],
            &["--base-url", "CLOUDFLARE_BASE_URL"],
        ),
        (&["users", "list", "--budget", "http://127.0.0.1:6379"], &[], &["--budget", "CFZT_BUDGET_URL"]),
        (&["users", "list"], &[("CFZT_BUDGET_URL", "not a url")], &["--budget", "CFZT_BUDGET_URL"]),
    ];
    for (args, env, names) in cases {
        let mut cmd = fake.cfzt(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let err = stderr(&run(&mut cmd, 2));
        let hint = err.lines().find(|l| l.starts_with("hint: ")).unwrap_or_default();
        for name in names {
            assert!(hint.contains(name), "{args:?} {env:?}: {err}");
        }
        assert!(!hint.contains("CLOUDFLARE_API_TOKEN"), "{args:?} {env:?}: {err}");
    }
    assert!(fake.server.journal().is_empty(), "nothing is sent with a bad setting");
}

#[test]
fn help_documents_the_csv_guard_and_csv_raw() {
    let help = String::from_utf8(run(&mut cfzt(&["--help"]), 0).stdout).unwrap();
    for needle in ["--csv-raw", "spreadsheet", "\\u{..}", "a bad setting such as --base-url or --budget"] {
        assert!(help.contains(needle), "{needle}: {help}");
    }
}
