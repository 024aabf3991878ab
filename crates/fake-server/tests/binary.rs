//! The `cfzt-fake-server` binary: its flags reach the server it starts.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use common::{Client, users_path};

/// The binary, killed and reaped when dropped so that no server outlives the test.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the binary on a free loopback port and returns it with its base URL and what it
/// printed up to the "listening on" line and the line after it.
fn start(args: &[&str]) -> (Running, String, String) {
    let child = Command::new(env!("CARGO_BIN_EXE_cfzt-fake-server"))
        .args(["--port", "0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut running = Running(child);
    let mut lines = BufReader::new(running.0.stdout.take().unwrap()).lines();
    let mut printed = String::new();
    let base = loop {
        let line = lines.next().expect("the binary printed its address").unwrap();
        printed.push_str(&line);
        printed.push('\n');
        if let Some(url) = line.strip_prefix("listening on ") {
            break url.to_string();
        }
    };
    for line in lines.take(2) {
        printed.push_str(&line.unwrap());
        printed.push('\n');
    }
    (running, base, printed)
}

#[tokio::test]
async fn the_binary_enforces_the_apis_limit_unless_told_otherwise() {
    let (_server, base, printed) = start(&["--journal-max-entries", "10"]);
    assert!(printed.contains("rate limit: 1200 requests per 300s"), "{printed}");
    let answer = Client::new(&base).get(&users_path()).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("ratelimit"), Some("\"default\";r=1199;t=300"));
    assert_eq!(answer.header("ratelimit-policy"), Some("\"default\";q=1200;w=300"));

    let (_server, base, _) = start(&["--rate-limit", "2/1m"]);
    let client = Client::new(&base);
    let statuses = [client.get(&users_path()).await, client.get(&users_path()).await, client.get(&users_path()).await];
    assert_eq!(statuses.iter().map(|a| a.status).collect::<Vec<_>>(), [200, 200, 429]);
    assert_eq!(statuses[2].header("retry-after"), Some("60"));

    let (_server, base, printed) = start(&["--rate-limit", "off"]);
    assert!(printed.contains("rate limit: off"), "{printed}");
    assert_eq!(Client::new(&base).get(&users_path()).await.header("ratelimit"), None);
}

#[test]
fn a_bad_rate_limit_is_a_usage_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_cfzt-fake-server")).args(["--rate-limit", "1200/300"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--rate-limit: \"1200/300\" has no window unit"), "{stderr}");
    assert!(stderr.contains("usage: cfzt-fake-server"), "{stderr}");
}

#[tokio::test]
async fn the_binary_ignores_unknown_body_keys_unless_strict() {
    let revoke = format!("/accounts/{}/access/organizations/revoke_user", cfzt_fake_server::DEMO_ACCOUNT_ID);
    let body = serde_json::json!({"email": cfzt_fake_server::DEMO_USER_EMAIL, "body_devices": true});
    for (args, status) in [(&[][..], 200), (&["--strict-body-keys"][..], 400)] {
        let (_server, base, _) = start(args);
        let answer = Client::new(&base).post(&revoke, body.clone()).await;
        assert_eq!(answer.status, status, "{args:?}: {}", answer.text);
    }
}

#[tokio::test]
async fn the_binary_keeps_serving_and_stops_cleanly_when_nobody_reads_its_output() {
    let (mut server, base, _) = start(&[]);
    // `start` has dropped its end of the pipe: every later line goes nowhere.
    assert_eq!(Client::new(&base).get(&users_path()).await.status, 200);
    let pid = server.0.id().to_string();
    assert!(Command::new("kill").args(["-INT", &pid]).status().unwrap().success());
    let status = server.0.wait().unwrap();
    assert_eq!(status.code(), Some(0), "Ctrl-C with a closed stdout ends the server cleanly");
}
