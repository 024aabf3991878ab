//! A fake server in the test process and the `cfzt` binary pointed at it; output parsed
//! back with serde_json and csv rather than matched as text.
#![allow(dead_code, unreachable_pub, unused_imports)] // Each test binary uses a part of these helpers.

use std::collections::HashMap;
use std::process::Output;

use assert_cmd::Command;
use cfzt_fake_server::{AccountId, DEMO_ACCOUNT_ID, FakeServer, FakeServerBuilder};
use tokio::runtime::Runtime;

pub use cfzt_fake_server::{DEMO_SESSION_NONCE, DEMO_USER_EMAIL, DEMO_USER_ID};

/// A config file that does not exist: the tests' default, so that none reads the config
/// of the person running them.
pub const NO_CONFIG: &str = "/nonexistent/cfzt-tests/config.toml";

/// The token the tests send.
pub const TOKEN: &str = "test-token";

/// A fake server running on its own runtime while the test thread runs the binary.
pub struct Fake {
    pub server: FakeServer,
    _runtime: Runtime,
}

impl Fake {
    /// A fake with the demo data.
    pub fn start() -> Fake {
        Fake::with(|b| b)
    }

    /// A fake configured by `configure`.
    pub fn with(configure: impl FnOnce(FakeServerBuilder) -> FakeServerBuilder) -> Fake {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let server = runtime.block_on(configure(FakeServer::builder()).start()).unwrap();
        Fake { server, _runtime: runtime }
    }

    /// `cfzt` with `args`, pointed at this fake with a token and the demo account.
    pub fn cfzt(&self, args: &[&str]) -> Command {
        let mut cmd = cfzt(args);
        cmd.env("CLOUDFLARE_API_TOKEN", TOKEN)
            .env("CLOUDFLARE_ACCOUNT_ID", DEMO_ACCOUNT_ID)
            .env("CLOUDFLARE_BASE_URL", self.server.base_url());
        cmd
    }

    pub fn account() -> AccountId {
        DEMO_ACCOUNT_ID.parse().unwrap()
    }

    /// The emails the fake holds in the demo account.
    pub fn emails(&self) -> Vec<String> {
        self.server.users(&Fake::account()).into_iter().filter_map(|u| u.email).collect()
    }
}

/// The caller's settings a test must not inherit.
const CALLERS_SETTINGS: [&str; 7] = [
    "CLOUDFLARE_API_TOKEN",
    "CLOUDFLARE_EMAIL",
    "CLOUDFLARE_API_KEY",
    "CLOUDFLARE_ACCOUNT_ID",
    "CLOUDFLARE_BASE_URL",
    "CFZT_BUDGET_URL",
    "CFZT_PROFILE",
];

/// `cfzt` with `args` and none of the caller's Cloudflare settings.
pub fn cfzt(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cfzt"));
    for var in CALLERS_SETTINGS {
        cmd.env_remove(var);
    }
    // Never the config file of the person running the tests.
    cmd.env("CFZT_CONFIG", NO_CONFIG);
    cmd.args(args).timeout(std::time::Duration::from_secs(60));
    cmd
}

/// `cfzt` as a `std::process::Command` (to choose its stdio and spawn it), pointed at
/// `fake` with a token and the demo account, and none of the caller's settings.
#[allow(dead_code)] // not every test binary spawns
pub fn std_cfzt(fake: &Fake, args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_cfzt"));
    for var in CALLERS_SETTINGS {
        cmd.env_remove(var);
    }
    cmd.env("CFZT_CONFIG", NO_CONFIG)
        .env("CLOUDFLARE_API_TOKEN", TOKEN)
        .env("CLOUDFLARE_ACCOUNT_ID", DEMO_ACCOUNT_ID)
        .env("CLOUDFLARE_BASE_URL", fake.server.base_url())
        .args(args);
    cmd
}

/// Runs `cmd` and checks its exit code.
pub fn run(cmd: &mut Command, code: i32) -> Output {
    let output = cmd.output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Each line of stdout as a JSON value.
pub fn ndjson(output: &Output) -> Vec<serde_json::Value> {
    let text = std::str::from_utf8(&output.stdout).unwrap();
    text.lines().map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line:?}"))).collect()
}

/// Stdout as one JSON value.
pub fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Stdout as CSV: the header and each row keyed by column.
pub fn csv(output: &Output) -> (Vec<String>, Vec<HashMap<String, String>>) {
    let mut reader = csv::Reader::from_reader(output.stdout.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    let rows =
        reader.records().map(|r| header.iter().cloned().zip(r.unwrap().iter().map(str::to_string)).collect()).collect();
    (header, rows)
}

/// Stdout as a table: the header words and each row's cells split on runs of two spaces.
pub fn table(output: &Output) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::str::from_utf8(&output.stdout).unwrap();
    let split = |line: &str| line.split("  ").map(str::trim).filter(|c| !c.is_empty()).map(str::to_string).collect();
    let mut lines = text.lines();
    let header = lines.next().map(split).unwrap_or_default();
    (header, lines.map(split).collect())
}

/// Stdout as `field: value` lines (a table of one item).
pub fn fields(output: &Output) -> HashMap<String, String> {
    let text = std::str::from_utf8(&output.stdout).unwrap();
    text.lines().filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_string(), v.trim().to_string())).collect()
}

/// The string field `key` of each JSON object.
pub fn strings(values: &[serde_json::Value], key: &str) -> Vec<String> {
    values.iter().map(|v| v[key].as_str().unwrap_or_default().to_string()).collect()
}
