//! Terminal conventions: `--color auto|always|never` with NO_COLOR and CLICOLOR_FORCE,
//! colour only in status columns; `--quiet` keeps stderr to errors; the aliases operators
//! know from `cf` and `gh` (`--json`, `--force`).

mod common;

use common::*;

const ESC: char = '\u{1b}';

/// `offboard --yes` of the demo user as a table, with `args` and `env` added.
fn report(args: &[&str], env: &[(&str, &str)]) -> String {
    let fake = Fake::start();
    let mut argv = vec!["offboard", DEMO_USER_EMAIL, "--yes", "-o", "table"];
    argv.extend_from_slice(args);
    let mut cmd = fake.cfzt(&argv);
    cmd.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
    for (key, value) in env {
        cmd.env(key, value);
    }
    String::from_utf8(run(&mut cmd, 0).stdout).unwrap()
}

#[test]
fn colour_follows_the_flag_then_no_color_then_clicolor_force_then_the_terminal() {
    // (flag, environment, coloured)
    type Case = (&'static [&'static str], &'static [(&'static str, &'static str)], bool);
    let cases: [Case; 8] = [
        (&[], &[], false), // stdout is a pipe here
        (&["--color", "always"], &[], true),
        (&["--color", "always"], &[("NO_COLOR", "1")], true),
        (&["--color", "never"], &[("CLICOLOR_FORCE", "1")], false),
        (&[], &[("CLICOLOR_FORCE", "1")], true),
        (&[], &[("CLICOLOR_FORCE", "0")], false),
        (&[], &[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")], false),
        (&["--color", "auto"], &[("NO_COLOR", "")], false),
    ];
    for (args, env, coloured) in cases {
        let text = report(args, env);
        assert_eq!(text.contains(ESC), coloured, "{args:?} {env:?}:\n{text}");
    }
}

#[test]
fn colour_marks_status_cells_only_and_keeps_columns_aligned() {
    let text = report(&["--color", "always"], &[]);
    let done = text.lines().find(|l| l.contains("revoke_sessions")).unwrap_or_else(|| panic!("{text}"));
    assert!(done.contains("\u{1b}[32mdone\u{1b}[0m"), "done is green: {done:?}");
    assert!(!text.lines().next().unwrap().contains(ESC), "no colour in the header");
    // Without the escapes, the table is the one printed without colour.
    let plain = report(&["--color", "never"], &[]);
    let stripped = text.replace("\u{1b}[32m", "").replace("\u{1b}[2m", "").replace("\u{1b}[0m", "");
    assert_eq!(stripped, plain);
    // JSON and CSV never get colour.
    for format in ["csv", "json", "ndjson"] {
        let fake = Fake::start();
        let output = run(&mut fake.cfzt(&["offboard", DEMO_USER_EMAIL, "--yes", "-o", format, "--color", "always"]), 0);
        assert!(!String::from_utf8_lossy(&output.stdout).contains(ESC), "{format}");
    }
}

#[test]
fn quiet_keeps_stderr_for_errors() {
    let fake = Fake::start();
    let output = run(&mut fake.cfzt(&["offboard", DEMO_USER_EMAIL, "--yes", "-q"]), 0);
    assert_eq!(stderr(&output), "", "no notes");
    assert!(!ndjson(&output).is_empty(), "the report still goes to stdout");
    let output = run(&mut fake.cfzt(&["offboard", DEMO_USER_EMAIL, "--quiet"]), 0);
    assert_eq!(stderr(&output), "", "no plan note");
    let output = run(&mut fake.cfzt(&["users", "find", "nobody@example.com", "--quiet"]), 1);
    assert!(stderr(&output).starts_with("error: "), "{}", stderr(&output));
    // Without --quiet the notes are there.
    let output = run(&mut fake.cfzt(&["offboard", DEMO_USER_EMAIL]), 0);
    assert!(stderr(&output).contains("plan:"), "{}", stderr(&output));
}

#[test]
fn json_is_o_json_and_force_is_yes() {
    let fake = Fake::start();
    let a = run(&mut fake.cfzt(&["users", "get", DEMO_USER_ID, "--json"]), 0);
    let b = run(&mut fake.cfzt(&["users", "get", DEMO_USER_ID, "-o", "json"]), 0);
    assert_eq!(json(&a), json(&b));
    let output = run(&mut fake.cfzt(&["users", "list", "--json", "-o", "csv"]), 2);
    assert!(stderr(&output).contains("--json"), "{}", stderr(&output));

    // --force applies a plan as --yes does.
    let output = run(&mut fake.cfzt(&["offboard", DEMO_USER_EMAIL, "--force", "--json"]), 0);
    assert!(json(&output)["people"].is_array(), "a report");
    assert!(fake.server.active_sessions(&Fake::account(), &DEMO_USER_ID.parse().unwrap()).unwrap().is_empty());
    // --force deletes without asking as --yes does.
    run(&mut fake.cfzt(&["users", "delete", DEMO_USER_ID, "--force"]), 0);
    assert!(fake.server.user(&Fake::account(), &DEMO_USER_ID.parse().unwrap()).is_none());
    // Both are in --help.
    for argv in [&["offboard", "--help"][..], &["users", "delete", "--help"]] {
        let help = String::from_utf8(run(&mut cfzt(argv), 0).stdout).unwrap();
        assert!(help.contains("--force") && help.contains("--json") && help.contains("--quiet"), "{argv:?}");
    }
}
