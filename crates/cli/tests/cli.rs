//! The command line as a whole: help, exit codes, configuration, errors and `--demo`.

mod common;

use std::time::Duration;

use cfzt_fake_server::{Fault, FaultRule, Operation, RateLimit, Route};
use common::*;

#[test]
fn demo_lists_the_demo_users_with_no_account() {
    let out = run(&mut cfzt(&["--demo", "users", "list"]), 0);
    let users = ndjson(&out);
    assert_eq!(users.len(), 5);
    assert_eq!(users[0]["email"], DEMO_USER_EMAIL);
}

#[test]
fn demo_ignores_a_real_account_and_credentials_in_the_environment() {
    let mut cmd = cfzt(&["--demo", "users", "get", DEMO_USER_ID, "-o", "json"]);
    cmd.env("CLOUDFLARE_ACCOUNT_ID", "00000000000000000000000000000000").env("CLOUDFLARE_API_TOKEN", "real");
    assert_eq!(json(&run(&mut cmd, 0))["email"], DEMO_USER_EMAIL);
}

#[test]
fn help_documents_exit_codes_formats_and_an_example_for_every_command() {
    let out = run(&mut cfzt(&["--help"]), 0);
    let help = String::from_utf8(out.stdout).unwrap();
    for needle in ["Exit codes:", "3  partial failure", "ndjson", "CLOUDFLARE_API_TOKEN"] {
        assert!(help.contains(needle), "{needle}");
    }
    let commands: [&[&str]; 10] = [
        &["users", "list"],
        &["users", "get"],
        &["users", "find"],
        &["users", "create"],
        &["users", "rename"],
        &["users", "delete"],
        &["sessions", "list"],
        &["sessions", "get"],
        &["identity"],
        &["failed-logins"],
    ];
    for command in commands {
        let mut args = command.to_vec();
        args.push("--help");
        let help = String::from_utf8(run(&mut cfzt(&args), 0).stdout).unwrap();
        assert!(help.contains("Example"), "{command:?}");
        assert!(help.contains(&format!("cfzt {}", command.join(" "))), "{command:?}");
        assert!(help.contains("Exit codes:"), "{command:?}");
    }
}

#[test]
fn usage_errors_exit_2() {
    let fake = Fake::start();
    for args in [
        &["users", "list", "--no-such-flag"][..],
        &["users", "get", "not-a-uuid"],
        &["users", "list", "--per-page", "0"],
        &["users", "list", "-o", "xml"],
        &["users", "list", "--timeout", "3 days"],
        &["frobnicate"],
    ] {
        run(&mut fake.cfzt(args), 2);
    }
    assert!(fake.server.journal().is_empty());
}

#[test]
fn missing_account_or_credentials_exit_2_and_say_what_to_set() {
    let out = run(cfzt(&["users", "list"]).env("CLOUDFLARE_API_TOKEN", "t"), 2);
    assert!(stderr(&out).contains("CLOUDFLARE_ACCOUNT_ID"));
    let out = run(&mut cfzt(&["users", "list", "--account", "023e105f4ecef8ad9ca31a8372d0c353"]), 2);
    assert!(stderr(&out).contains("CLOUDFLARE_API_TOKEN"));
}

#[test]
fn a_403_names_the_permission_the_command_needs() {
    let fake = Fake::with(|b| b.require_token("the-right-token"));
    let out = run(&mut fake.cfzt(&["users", "list"]), 1);
    let err = stderr(&out);
    assert!(err.contains("Authentication error (code 10000)"), "{err}");
    assert!(err.contains("cf-ray"), "{err}");
    assert!(err.contains("\"Access: Audit Logs Read\""), "{err}");
    assert!(err.lines().count() <= 2, "{err}");

    let out = run(&mut fake.cfzt(&["users", "create", "a@example.com"]), 1);
    assert!(stderr(&out).contains("\"Zero Trust: Seats Write\""));
}

#[test]
fn a_429_says_when_the_budget_resets() {
    let fake = Fake::start();
    fake.server.inject(FaultRule::new(Route::Operation(Operation::GetUser), Fault::rate_limited(240)));
    // Without the client's budget the retry layer will not wait 240 s: the 429 is the answer.
    let out = run(&mut fake.cfzt(&["users", "get", DEMO_USER_ID, "--rate-limit", "off"]), 1);
    let err = stderr(&out);
    assert!(err.contains("HTTP 429"), "{err}");
    assert!(err.contains("resets in 240 s"), "{err}");
    // With it, the budget pauses for the block; --deadline turns the wait into an error.
    let out = run(&mut fake.cfzt(&["users", "get", DEMO_USER_ID, "--deadline", "5s"]), 1);
    let err = stderr(&out);
    assert!(err.contains("rate budget"), "{err}");
    assert!(err.contains("resets in 2"), "{err}");
}

#[test]
fn the_rate_budget_keeps_inside_the_servers_limit() {
    let fake = Fake::with(|b| b.rate_limit(RateLimit::new(4, Duration::from_secs(1))));
    let out = run(&mut fake.cfzt(&["users", "list", "--per-page", "1", "--rate-limit", "4/1s"]), 0);
    assert_eq!(ndjson(&out).len(), 5);
    let stats = fake.server.rate_limit_stats_of_token(TOKEN);
    assert!(stats.counted >= 5, "{stats:?}");
    assert_eq!(stats.refused, 0, "the budget paced every request: {stats:?}");
}

#[test]
fn bad_rate_limits_are_usage_errors() {
    for value in ["1/1s", "10", "10/0s", "fast"] {
        let out = run(&mut cfzt(&["--demo", "users", "list", "--rate-limit", value]), 2);
        assert!(stderr(&out).contains("--rate-limit"), "{value}");
    }
}

#[test]
fn an_unreachable_server_is_a_transport_error_with_a_hint() {
    let mut cmd = cfzt(&["users", "list", "--max-retries", "0", "--timeout", "2s"]);
    cmd.env("CLOUDFLARE_API_TOKEN", "t")
        .env("CLOUDFLARE_ACCOUNT_ID", "023e105f4ecef8ad9ca31a8372d0c353")
        // Port 9 (discard) on loopback: nothing listens there on a test machine.
        .env("CLOUDFLARE_BASE_URL", "http://127.0.0.1:9");
    let err = stderr(&run(&mut cmd, 1));
    assert!(err.contains("--base-url"), "{err}");
}

#[test]
fn global_flags_go_anywhere_and_the_base_url_flag_wins() {
    let fake = Fake::start();
    let mut cmd = fake.cfzt(&["-o", "csv", "users", "list", "--base-url", fake.server.base_url()]);
    cmd.env("CLOUDFLARE_BASE_URL", "http://127.0.0.1:9");
    let (_, rows) = csv(&run(&mut cmd, 0));
    assert_eq!(rows.len(), 5);
}

#[test]
fn the_rate_budget_can_live_in_redis() {
    // `None` after a loud notice when redis-server is missing; under CI=true it panics.
    let Some(redis) = cfzt_transport::test_util::RedisServer::start() else { return };
    let fake = Fake::with(|b| b.rate_limit(RateLimit::new(4, Duration::from_secs(1))));
    // From the flag, and from CFZT_BUDGET_URL: paced through Redis, nothing refused.
    // Each run leaves its count in Redis (`cfzt:budget:{<fingerprint>}:tat`, the next
    // free instant); a budget kept in the process would leave nothing there.
    let budget_keys = || {
        let out = std::process::Command::new("redis-cli")
            .args(["-p", &redis.port().to_string(), "--scan", "--pattern", "cfzt:budget:*"])
            .output()
            .expect("redis-cli runs");
        assert!(out.status.success(), "redis-cli: {}", String::from_utf8_lossy(&out.stderr));
        let mut keys: Vec<String> = String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect();
        keys.sort();
        keys
    };
    let flush = || {
        let port = redis.port().to_string();
        let status = std::process::Command::new("redis-cli").args(["-p", &port, "flushall"]).output().unwrap();
        assert!(status.status.success());
    };
    flush();
    let out =
        run(&mut fake.cfzt(&["users", "list", "--per-page", "1", "--rate-limit", "4/1s", "--budget", &redis.url()]), 0);
    assert_eq!(ndjson(&out).len(), 5);
    let keys = budget_keys();
    assert!(keys.iter().any(|k| k.ends_with(":tat")), "no count in Redis after --budget: {keys:?}");
    flush();
    let mut cmd = fake.cfzt(&["users", "list", "--per-page", "1", "--rate-limit", "4/1s"]);
    let out = run(cmd.env("CFZT_BUDGET_URL", redis.url()), 0);
    assert_eq!(ndjson(&out).len(), 5);
    let keys = budget_keys();
    assert!(keys.iter().any(|k| k.ends_with(":tat")), "no count in Redis after CFZT_BUDGET_URL: {keys:?}");
    assert_eq!(fake.server.rate_limit_stats_of_token(TOKEN).refused, 0);
    // A store that cannot be reached: paced in this process, with a warning.
    let port = redis.port();
    redis.kill();
    let down = format!("redis://127.0.0.1:{port}");
    let out = run(&mut fake.cfzt(&["users", "get", DEMO_USER_ID, "--budget", &down]), 0);
    assert_eq!(ndjson(&out).len(), 1);
    // --budget with the budget off is a usage error.
    let out = run(&mut fake.cfzt(&["users", "get", DEMO_USER_ID, "--budget", &down, "--rate-limit", "off"]), 2);
    assert!(stderr(&out).contains("--budget"), "{}", stderr(&out));
}
