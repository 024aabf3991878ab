//! `cfzt users ...` end to end against the fake server, in every output format.

mod common;

use std::time::Duration;

use cfzt_fake_server::{Fault, FaultRule, Operation, Route, Times};
use common::*;

const USER_COLUMNS: [&str; 11] = [
    "id",
    "email",
    "name",
    "access_seat",
    "gateway_seat",
    "active_device_count",
    "last_successful_login",
    "created_at",
    "updated_at",
    "seat_uid",
    "uid",
];

#[test]
fn list_is_ndjson_when_piped_and_streams_every_page() {
    let fake = Fake::start();
    let out = run(&mut fake.cfzt(&["users", "list", "--per-page", "2"]), 0);
    let users = ndjson(&out);
    assert_eq!(strings(&users, "email"), fake.emails());
    let pages = fake.server.journal().iter().filter(|e| e.operation == Some(Operation::ListUsers)).count();
    assert_eq!(pages, 3, "5 users at 2 per page");
}

#[test]
fn list_as_json_is_one_array() {
    let fake = Fake::start();
    let out = run(&mut fake.cfzt(&["users", "list", "-o", "json"]), 0);
    let users = json(&out);
    assert_eq!(strings(users.as_array().unwrap(), "email"), fake.emails());
}

#[test]
fn list_as_csv_has_the_stable_columns() {
    let fake = Fake::start();
    let out = run(&mut fake.cfzt(&["users", "list", "--output", "csv"]), 0);
    let (header, rows) = csv(&out);
    assert_eq!(header, USER_COLUMNS);
    let emails: Vec<String> = rows.iter().map(|r| r["email"].clone()).collect();
    assert_eq!(emails, fake.emails());
    let jane = &rows[0];
    assert_eq!(jane["id"], DEMO_USER_ID);
    assert_eq!(jane["access_seat"], "false");
    assert_eq!(jane["last_successful_login"], "2020-07-01T05:20:00Z");
    // A value the API does not give is an empty cell.
    assert_eq!(rows[2]["last_successful_login"], "");
}

#[test]
fn list_as_table_shows_the_main_columns() {
    let fake = Fake::start();
    let out = run(&mut fake.cfzt(&["users", "list", "-o", "table"]), 0);
    let (header, rows) = table(&out);
    assert_eq!(header, ["ID", "EMAIL", "NAME", "ACCESS_SEAT", "GATEWAY_SEAT", "LAST_SUCCESSFUL_LOGIN"]);
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[0][..3], [DEMO_USER_ID, DEMO_USER_EMAIL, "Jane Doe"]);
}

#[test]
fn list_filters_are_sent_to_the_api() {
    let fake = Fake::start();
    for (flag, value, want) in [
        ("--search", "SMITH", "asmith@example.com"),
        ("--email", "rroe@example.com", "rroe@example.com"),
        ("--name", "Bob Jones", "bjones@example.com"),
    ] {
        let out = run(&mut fake.cfzt(&["users", "list", flag, value]), 0);
        assert_eq!(strings(&ndjson(&out), "email"), [want], "{flag}");
    }
    let out = run(&mut fake.cfzt(&["users", "list", "--search", "nobody-at-all", "-o", "csv"]), 0);
    let (header, rows) = csv(&out);
    assert_eq!(header, USER_COLUMNS, "an empty list still names its columns");
    assert!(rows.is_empty());
}

#[test]
fn get_prints_one_object_or_fields() {
    let fake = Fake::start();
    let out = run(&mut fake.cfzt(&["users", "get", DEMO_USER_ID, "-o", "json"]), 0);
    assert_eq!(json(&out)["email"], DEMO_USER_EMAIL);
    let out = run(&mut fake.cfzt(&["users", "get", DEMO_USER_ID, "-o", "table"]), 0);
    let fields = fields(&out);
    assert_eq!(fields["email"], DEMO_USER_EMAIL);
    assert_eq!(fields.len(), USER_COLUMNS.len());
    let out = run(&mut fake.cfzt(&["users", "get", DEMO_USER_ID, "-o", "csv"]), 0);
    assert_eq!(csv(&out).1[0]["name"], "Jane Doe");
}

#[test]
fn find_matches_the_email_exactly_whatever_its_case() {
    let fake = Fake::start();
    let out = run(&mut fake.cfzt(&["users", "find", "JDOE@Example.COM"]), 0);
    let found = ndjson(&out);
    assert_eq!(strings(&found, "id"), [DEMO_USER_ID]);

    let out = run(&mut fake.cfzt(&["users", "find", "nobody@example.com"]), 1);
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("nobody@example.com"));

    run(&mut fake.cfzt(&["users", "find", "not an email"]), 2);
}

#[test]
fn create_then_a_duplicate_is_a_conflict() {
    let fake = Fake::start();
    let out = run(&mut fake.cfzt(&["users", "create", "new@example.com", "--name", "New Person", "-o", "json"]), 0);
    let created = json(&out);
    assert_eq!(created["email"], "new@example.com");
    assert_eq!(created["name"], "New Person");
    assert!(fake.emails().contains(&"new@example.com".to_string()));

    let out = run(&mut fake.cfzt(&["users", "create", "NEW@example.com"]), 1);
    let err = stderr(&out);
    assert!(err.contains("HTTP 409"), "{err}");
    assert!(err.contains("hint:") && err.contains("users find"), "{err}");
}

#[test]
fn an_invalid_email_is_a_usage_error_and_nothing_is_sent() {
    let fake = Fake::start();
    let out = run(&mut fake.cfzt(&["users", "create", "not an email"]), 2);
    assert!(stderr(&out).contains("email"));
    assert!(fake.server.journal().is_empty());
}

#[test]
fn rename_changes_the_name_and_a_wrong_email_changes_nothing() {
    let fake = Fake::start();
    let args = ["users", "rename", DEMO_USER_ID, "--email", DEMO_USER_EMAIL, "--name", "Jane Q. Doe", "-o", "csv"];
    let out = run(&mut fake.cfzt(&args), 0);
    assert_eq!(csv(&out).1[0]["name"], "Jane Q. Doe");
    let id = DEMO_USER_ID.parse().unwrap();
    assert_eq!(fake.server.user(&Fake::account(), &id).unwrap().name.as_deref(), Some("Jane Q. Doe"));

    let out = run(&mut fake.cfzt(&["users", "rename", DEMO_USER_ID, "--email", "x@example.com", "--name", "X"]), 1);
    assert!(stderr(&out).contains("current email"));
    assert_eq!(fake.server.user(&Fake::account(), &id).unwrap().name.as_deref(), Some("Jane Q. Doe"));
}

#[test]
fn delete_with_yes_deletes() {
    let fake = Fake::start();
    let out = run(&mut fake.cfzt(&["users", "delete", DEMO_USER_ID, "--yes", "-o", "json"]), 0);
    let deleted = json(&out);
    assert_eq!(deleted["id"], DEMO_USER_ID);
    assert_eq!(deleted["deleted"], true);
    assert!(!fake.emails().contains(&DEMO_USER_EMAIL.to_string()));
}

#[test]
fn delete_without_yes_off_a_terminal_is_refused_with_exit_2() {
    let fake = Fake::start();
    let out = run(fake.cfzt(&["users", "delete", DEMO_USER_ID]).write_stdin("yes\n"), 2);
    assert!(stderr(&out).contains("--yes"));
    assert!(out.stdout.is_empty());
    assert!(fake.emails().contains(&DEMO_USER_EMAIL.to_string()));
    assert!(fake.server.journal().is_empty(), "nothing is sent");
}

#[test]
fn a_failure_midway_closes_the_json_array_and_exits_1() {
    let fake = Fake::start();
    // The first page is served, every later one fails (400 is not retried).
    let list = || Route::Operation(Operation::ListUsers);
    fake.server.inject(FaultRule::new(list(), Fault::delay(Duration::ZERO)).times(Times::Next(1)));
    fake.server.inject(FaultRule::new(list(), Fault::status(400)));
    let out = run(&mut fake.cfzt(&["users", "list", "--per-page", "2", "-o", "json"]), 1);
    assert_eq!(strings(json(&out).as_array().unwrap(), "email"), fake.emails()[..2]);
    assert!(stderr(&out).contains("HTTP 400"));
}

#[test]
fn a_long_list_streams_every_user_once() {
    let fake = Fake::with(|b| b.empty());
    for i in 0..20_000 {
        let params = cfzt_models::CreateUserParams::new(format!("user{i}@example.com"));
        assert!(fake.server.add_user(&Fake::account(), params).is_some());
    }
    let out = run(&mut fake.cfzt(&["users", "list", "--per-page", "1000", "-o", "csv"]), 0);
    let (_, rows) = csv(&out);
    assert_eq!(rows.len(), 20_000);
    assert_eq!(rows[0]["email"], "user0@example.com");
    assert_eq!(rows[19_999]["email"], "user19999@example.com");
}
