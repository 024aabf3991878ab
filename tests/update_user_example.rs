//! The `update_user` example's command line, tested by including the example as a module
//! (examples' own tests do not run under `cargo test`, and running the binary would cost a
//! build per test run).

#[allow(dead_code)]
#[path = "../examples/update_user.rs"]
mod example;

use example::{Command, USAGE, parse};

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn help_and_bad_arguments() {
    const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
    const USER: &str = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415";
    let cases: [(&[&str], Result<bool, &str>); 8] = [
        (&["--help"], Ok(true)),
        (&["-h"], Ok(true)),
        (&[ACCOUNT, "--help"], Ok(true)),
        (&[ACCOUNT, USER, "jdoe@example.com", "Jane"], Ok(false)),
        (&[], Err("expected 4 arguments, got 0")),
        (&[ACCOUNT, USER, "jdoe@example.com"], Err("expected 4 arguments, got 3")),
        (&["not-an-account", USER, "jdoe@example.com", "Jane"], Err("invalid `account_id`: must be an account id")),
        (&[ACCOUNT, "not-a-uuid", "jdoe@example.com", "Jane"], Err("invalid `user_id`: must be a hyphenated UUID")),
    ];
    for (list, want) in cases {
        match (parse(&args(list)), want) {
            (Ok(Command::Help), Ok(true)) => {}
            (Ok(Command::Update { .. }), Ok(false)) => {}
            (Err(e), Err(needle)) => assert!(e.contains(needle), "{list:?}: {e}"),
            (got, _) => panic!("{list:?}: unexpected {got:?}"),
        }
    }
}

#[test]
fn the_usage_names_the_environment_it_reads() {
    for var in ["CLOUDFLARE_API_TOKEN", "CLOUDFLARE_EMAIL", "CLOUDFLARE_API_KEY", "CLOUDFLARE_BASE_URL"] {
        assert!(USAGE.contains(var), "{var}");
    }
    assert!(USAGE.starts_with("usage: update_user <account_id> <user_id> <current_email> <new_name>"));
}
