//! The default `--deadline`: a call facing a wait longer than one of Cloudflare's blocks
//! ends, with a hint, instead of waiting up to the budget's 15-minute pause.

mod common;

use cfzt_fake_server::{Fault, FaultRule, Operation, Route};
use common::*;

#[test]
fn the_default_deadline_is_in_the_help() {
    let help = String::from_utf8(run(&mut cfzt(&["--help"]), 0).stdout).unwrap();
    let deadline = help.split("--deadline").nth(1).expect("--deadline in --help");
    let deadline = &deadline[..deadline.find("\n      --").unwrap_or(deadline.len())];
    assert!(deadline.contains("[default: 6m]"), "{deadline}");
    assert!(deadline.contains("`off`"), "{deadline}");
}

#[test]
fn a_long_retry_after_ends_by_the_default_deadline() {
    let fake = Fake::start();
    // An hour: the budget pauses for its longest, 15 minutes, more than the default 6m allows.
    fake.server.inject(FaultRule::new(Route::Operation(Operation::GetUser), Fault::rate_limited(3600)));
    let out = run(&mut fake.cfzt(&["users", "get", DEMO_USER_ID]), 1);
    let err = stderr(&out);
    assert!(err.contains("rate budget"), "{err}");
    assert!(err.contains("--deadline"), "{err}");
    // The wait named is the budget's pause: the server's hour, capped at 15 minutes.
    let secs: u64 =
        err.split("resets in ").nth(1).and_then(|r| r.split(' ').next()?.parse().ok()).expect("resets in N s");
    assert!((840..=900).contains(&secs), "{err}");
}
