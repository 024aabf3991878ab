//! The `offboard` and `seat_report` examples run to the end and succeed, tested by
//! including them as modules (examples' own tests do not run under `cargo test`). Their
//! `main` builds its own runtime, so the tests are plain `#[test]`s.

#[path = "../examples/offboard.rs"]
mod offboard;
#[path = "../examples/seat_report.rs"]
mod seat_report;
#[path = "../examples/sync.rs"]
mod sync;

#[test]
fn offboard_plans_applies_and_then_finds_nothing_to_do() {
    offboard::main().unwrap();
}

#[test]
fn seat_report_runs_against_the_embedded_fake_server() {
    seat_report::main().unwrap();
}

#[test]
fn sync_trips_a_guard_applies_a_reviewed_plan_and_then_finds_no_drift() {
    sync::main().unwrap();
}
