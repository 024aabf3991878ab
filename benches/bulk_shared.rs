//! The bulk job of `bulk.rs` split over four OS processes on one token (8 in flight each,
//! 32 in all), against the fake server enforcing a scaled-down quota: once with one
//! request budget shared in Redis (`CFZT_BUDGET_URL`), once with each process pacing to the
//! quota alone, as processes that cannot see each other do. Reports the achieved rate over
//! the quota, the 429s the server sent and the calls that failed. Needs `redis-server`;
//! run it with `cargo bench -p cfzt --features redis --bench bulk_shared` and read
//! `docs/performance.md`.
//!
//! `BULK_UPDATES` (default 2,000, in all) and `BULK_QUOTA` (default `1000/10s`) change the
//! job. The processes are this binary run again with `CFZT_BULK_CHILD` set.

use std::future::IntoFuture;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cfzt::transport::test_util::RedisServer;
use cfzt::transport::{BudgetQuota, HyperTransport};
use cfzt::{AccountId, Client, Pacing, UpdateUserParams, UserId};
use cfzt_fake_server::{DEMO_ACCOUNT_ID, FakeServer, RateLimit};
use futures_util::{StreamExt, stream};

const PROCESSES: usize = 4;
const IN_FLIGHT_EACH: usize = 8;
const TOKEN: &str = "bulk-shared-bench-token";

fn settings() -> (usize, u32, Duration) {
    let updates = std::env::var("BULK_UPDATES").ok().and_then(|v| v.parse().ok()).unwrap_or(2000);
    let quota = std::env::var("BULK_QUOTA").unwrap_or_else(|_| "1000/10s".into());
    let (requests, window) = quota.split_once('/').expect("BULK_QUOTA is N/Ds");
    let window = window.trim_end_matches('s').parse().expect("window in seconds");
    (updates, requests.parse().expect("requests"), Duration::from_secs(window))
}

/// One process's share of the job, configured from the environment; prints its failures.
fn child() {
    let (_, requests, window) = settings();
    let updates: usize = std::env::var("CFZT_BULK_CHILD").unwrap().parse().expect("updates");
    let (id, email) = (std::env::var("BULK_USER_ID").unwrap(), std::env::var("BULK_USER_EMAIL").unwrap());
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let failed = rt.block_on(async {
        let quota = BudgetQuota::new(requests, window).expect("quota");
        let transport = HyperTransport::new().expect("hyper");
        let client =
            Client::builder().load_env().transport(transport).pacing(Pacing::Quota(quota)).build().expect("client");
        let account: AccountId = DEMO_ACCOUNT_ID.parse().expect("account");
        let (users, id): (_, UserId) = (client.users(&account), id.parse().expect("user id"));
        stream::iter(0..updates)
            .map(|i| users.update(&id, UpdateUserParams::new(email.as_str(), format!("bulk {i}"))).into_future())
            .buffer_unordered(IN_FLIGHT_EACH)
            .filter(|r| std::future::ready(r.is_err()))
            .count()
            .await
    });
    println!("failed {failed}");
}

/// Runs the job over `PROCESSES` children; `store` is the shared budget's URL, if any.
fn job(label: &str, updates: usize, limit: RateLimit, store: Option<&str>) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let server = rt.block_on(FakeServer::builder().rate_limit(limit).start()).expect("fake server");
    let account: AccountId = DEMO_ACCOUNT_ID.parse().expect("account");
    let user = server.users(&account)[0].clone();
    let exe = std::env::current_exe().expect("this binary");
    let started = Instant::now();
    let children: Vec<_> = (0..PROCESSES)
        .map(|_| {
            let mut cmd = Command::new(&exe);
            cmd.env("CFZT_BULK_CHILD", (updates / PROCESSES).to_string())
                .env("BULK_USER_ID", user.user_id().expect("id").as_str())
                .env("BULK_USER_EMAIL", user.email.clone().expect("email"))
                .env("CLOUDFLARE_BASE_URL", server.base_url())
                .env("CLOUDFLARE_API_TOKEN", TOKEN)
                .env_remove("CFZT_BUDGET_URL")
                .stdout(Stdio::piped());
            if let Some(url) = store {
                cmd.env("CFZT_BUDGET_URL", url);
            }
            cmd.spawn().expect("a child process")
        })
        .collect();
    let failed: usize = children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().expect("child output");
            let text = String::from_utf8_lossy(&out.stdout);
            text.lines().find_map(|l| l.strip_prefix("failed ")?.parse::<usize>().ok()).unwrap_or(updates / PROCESSES)
        })
        .sum();
    let elapsed = started.elapsed();
    let calls = updates / PROCESSES * PROCESSES;
    let refused = server.rate_limit_stats_of_token(TOKEN).refused;
    let quota_rate = f64::from(limit.quota()) / limit.window().as_secs_f64();
    let rate = (calls - failed) as f64 / elapsed.as_secs_f64();
    println!(
        "{label:<24} {:>9.1} {rate:>10.1} {:>12.3} {refused:>8} {failed:>7}",
        elapsed.as_secs_f64(),
        rate / quota_rate
    );
}

fn main() {
    if std::env::var_os("CFZT_BULK_CHILD").is_some() {
        return child();
    }
    // `cargo test --benches` runs every bench once; a short job is enough there.
    let quick = std::env::args().any(|a| a == "--test");
    let (updates, requests, window) = settings();
    let updates = if quick { 40 } else { updates };
    let Some(redis) = RedisServer::start() else { return };
    let limit = RateLimit::new(requests, window);
    println!(
        "bulk over {PROCESSES} processes: {updates} updates, {IN_FLIGHT_EACH} in flight each, quota {requests} per {window:?}"
    );
    println!(
        "{:<24} {:>9} {:>10} {:>12} {:>8} {:>7}",
        "variant", "time (s)", "rate (/s)", "rate/quota", "429s", "failed"
    );
    job("shared budget (Redis)", updates, limit, Some(&redis.url()));
    job("a budget per process", updates, limit, None);
}
