//! `--jq` filters the JSON output in-process, as `gh --jq` does; `--fields` picks and
//! orders the columns of tables and CSV. Bad filters and unknown fields are usage errors
//! (exit 2) that say what is wrong, before anything is sent.

mod common;

use common::*;

fn lines(output: &std::process::Output) -> Vec<String> {
    String::from_utf8(output.stdout.clone()).unwrap().lines().map(str::to_string).collect()
}

#[test]
fn jq_prints_each_result_on_a_line_strings_raw() {
    let fake = Fake::start();
    let mut emails = fake.emails();
    let output = run(&mut fake.cfzt(&["users", "list", "--jq", ".[].email"]), 0);
    let mut got = lines(&output);
    emails.sort();
    got.sort();
    assert_eq!(got, emails);

    let output = run(&mut fake.cfzt(&["users", "list", "--jq", "length"]), 0);
    assert_eq!(lines(&output), [fake.emails().len().to_string()]);

    // Other values as compact JSON, one per line, parsed back.
    let output = run(&mut fake.cfzt(&["users", "list", "--jq", ".[] | {email, id}"]), 0);
    let values = ndjson(&output);
    assert_eq!(values.len(), fake.emails().len());
    assert!(values.iter().all(|v| v["email"].is_string() && v["id"].is_string()), "{values:?}");

    // One item is one object.
    let output = run(&mut fake.cfzt(&["users", "get", DEMO_USER_ID, "--jq", ".email"]), 0);
    assert_eq!(lines(&output), [DEMO_USER_EMAIL]);
}

#[test]
fn jq_runs_on_plans_and_with_json_aliases() {
    let fake = Fake::start();
    let output = run(&mut fake.cfzt(&["offboard", DEMO_USER_EMAIL, "--jq", ".people[].email"]), 0);
    assert_eq!(lines(&output), [DEMO_USER_EMAIL]);
    // --json and -o json say the same as --jq's implied JSON.
    let output = run(&mut fake.cfzt(&["users", "get", DEMO_USER_ID, "-o", "json", "--jq", ".id"]), 0);
    assert_eq!(lines(&output), [DEMO_USER_ID]);
    let output = run(&mut fake.cfzt(&["users", "get", DEMO_USER_ID, "--json", "--jq", ".id"]), 0);
    assert_eq!(lines(&output), [DEMO_USER_ID]);
}

#[test]
fn bad_filters_are_usage_errors_naming_the_problem() {
    let fake = Fake::start();
    let cases = [(".[", "closing bracket"), ("nosuchfilter", "undefined"), (".a |", "expected"), ("$x", "undefined")];
    for (expr, says) in cases {
        let output = run(&mut fake.cfzt(&["users", "list", "--jq", expr]), 2);
        let err = stderr(&output);
        assert!(err.starts_with("error: --jq:") && err.contains(says), "{expr}: {err}");
        assert!(output.stdout.is_empty(), "{expr}");
    }
    assert_eq!(fake.server.journal().len(), 0, "nothing is sent for a bad filter");
    // --jq with another format than JSON.
    let output = run(&mut fake.cfzt(&["users", "list", "-o", "csv", "--jq", "."]), 2);
    assert!(stderr(&output).contains("-o csv"), "{}", stderr(&output));
    // A filter that fails on the data is an error, not a usage error.
    let output = run(&mut fake.cfzt(&["users", "list", "--jq", ".email"]), 1);
    assert!(stderr(&output).contains("--jq"), "{}", stderr(&output));
}

#[test]
fn fields_pick_and_order_the_columns_of_csv_and_tables() {
    let fake = Fake::start();
    let output = run(&mut fake.cfzt(&["users", "list", "-o", "csv", "--fields", "name,email"]), 0);
    let (header, rows) = csv(&output);
    assert_eq!(header, ["name", "email"]);
    let mut emails: Vec<String> = rows.iter().map(|r| r["email"].clone()).collect();
    let mut want = fake.emails();
    emails.sort();
    want.sort();
    assert_eq!(emails, want);

    let output = run(&mut fake.cfzt(&["users", "list", "-o", "table", "--fields", "id,access_seat,email"]), 0);
    let (header, rows) = table(&output);
    assert_eq!(header, ["ID", "ACCESS_SEAT", "EMAIL"]);
    assert!(rows.iter().all(|r| r.len() == 3), "{rows:?}");

    // One item: its fields, one per line.
    let output = run(&mut fake.cfzt(&["users", "get", DEMO_USER_ID, "-o", "table", "--fields", "email"]), 0);
    let fields = fields(&output);
    assert_eq!(fields.len(), 1);
    assert_eq!(fields["email"], DEMO_USER_EMAIL);

    // A plan's columns.
    let output = run(&mut fake.cfzt(&["offboard", DEMO_USER_EMAIL, "-o", "csv", "--fields", "step,action"]), 0);
    assert_eq!(csv(&output).0, ["step", "action"]);
}

#[test]
fn unknown_fields_are_usage_errors_listing_the_valid_ones() {
    let fake = Fake::start();
    let output = run(&mut fake.cfzt(&["users", "list", "-o", "csv", "--fields", "email,nope"]), 2);
    let err = stderr(&output);
    assert!(err.contains("unknown field nope"), "{err}");
    let valid = err.lines().find_map(|l| l.strip_prefix("hint: valid fields: ")).unwrap_or_else(|| panic!("{err}"));
    let valid: Vec<&str> = valid.split(',').collect();
    assert!(valid.contains(&"email") && valid.contains(&"last_successful_login"), "{valid:?}");
    // The valid fields depend on what the command prints.
    let output = run(&mut fake.cfzt(&["offboard", DEMO_USER_EMAIL, "-o", "csv", "--fields", "outcome"]), 2);
    assert!(stderr(&output).contains("valid fields: email,user_id,action,step,reason"), "{}", stderr(&output));
    // JSON is shaped with --jq, not --fields; off a terminal the default is NDJSON, so
    // --fields without -o says so rather than doing nothing.
    for argv in [&["users", "list", "-o", "json", "--fields", "email"][..], &["users", "list", "--fields", "email"]] {
        let output = run(&mut fake.cfzt(argv), 2);
        assert!(stderr(&output).contains("-o csv") && stderr(&output).contains("--jq"), "{}", stderr(&output));
    }
    assert_eq!(fake.server.journal().len(), 0, "nothing is sent");
}
