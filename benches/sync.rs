//! A roster sync of 5,000 users against the fake server enforcing a scaled-down quota,
//! with the client's request budget on: plan (one walk of the users, then a session
//! lookup per removal), apply (the staleness check's walk, renames, seats freed), and a
//! rerun that finds no drift. Reports each phase's time, the requests the server counted
//! and the 429s it sent (the budget's promise is 0). Not a timed test: run it with
//! `cargo bench -p cfzt --bench sync --features workflows` and read `docs/performance.md`.
//!
//! `SYNC_USERS` (default 5,000) and `SYNC_QUOTA` (default `300/10s`, 30 a second) change
//! the job.

use std::time::{Duration, Instant};

use cfzt::transport::{BudgetQuota, HyperTransport};
use cfzt::workflows::{ApplyOptions, ExtraAction, Roster, SyncOptions, Workflows};
use cfzt::{AccountId, Client};
use cfzt_fake_server::{DEMO_ACCOUNT_ID, FakeServer, Population, RateLimit};

const TOKEN: &str = "sync-bench-token";

fn settings() -> (usize, u32, Duration) {
    let users = std::env::var("SYNC_USERS").ok().and_then(|v| v.parse().ok()).unwrap_or(5000);
    let quota = std::env::var("SYNC_QUOTA").unwrap_or_else(|_| "300/10s".into());
    let (requests, window) = quota.split_once('/').expect("SYNC_QUOTA is N/Ds");
    let window = window.trim_end_matches('s').parse().expect("window in seconds");
    (users, requests.parse().expect("requests"), Duration::from_secs(window))
}

fn main() {
    // `cargo test --benches` runs every bench once with `--bench`; a short job is enough there.
    let quick = std::env::args().any(|a| a == "--test");
    let (size, requests, window) = settings();
    let size = if quick { 200 } else { size };
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    rt.block_on(async {
        let limit = RateLimit::new(requests, window);
        let server = FakeServer::builder().empty().rate_limit(limit).start().await.expect("fake server");
        let account: AccountId = DEMO_ACCOUNT_ID.parse().expect("account");
        let users = server.populate(&account, &Population::new(size).seed(5000));
        // HR's roster: 4% left, every 50th person renamed.
        let mut roster = Roster::new();
        for (i, user) in users.iter().enumerate().skip(size / 25) {
            let name = user.name.clone().unwrap_or_default();
            roster.push(
                user.email.clone().unwrap_or_default(),
                Some(if i % 50 == 0 { format!("{name} Jr") } else { name }),
            );
        }
        let quota = BudgetQuota::new(requests, window).expect("quota");
        let client = Client::builder()
            .base_url(server.base_url())
            .api_token(TOKEN)
            .transport(HyperTransport::new().expect("hyper"))
            .pacing(cfzt::Pacing::Quota(quota))
            .build()
            .expect("client");
        let workflows = Workflows::new(client.users(&account));
        let options = SyncOptions::default().extra(ExtraAction::FreeSeat);

        let started = Instant::now();
        let plan = workflows.plan_sync(&roster, &options).await.expect("plan");
        let planned = started.elapsed();
        let started = Instant::now();
        let report = workflows.apply_sync(&plan, ApplyOptions::default()).await.expect("apply");
        let applied = started.elapsed();
        let started = Instant::now();
        let again = workflows.plan_sync(&roster, &options).await.expect("rerun");
        let rerun = started.elapsed();
        let stats = server.rate_limit_stats_of_token(TOKEN);
        println!(
            "sync: {size} users, quota {requests} per {window:?}; {} removals, {} drift",
            plan.removals(),
            plan.drift()
        );
        println!("{:<8} {:>9}", "phase", "time (s)");
        for (phase, time) in [("plan", planned), ("apply", applied), ("rerun", rerun)] {
            println!("{phase:<8} {:>9.1}", time.as_secs_f64());
        }
        println!(
            "done {}, failed {}, drift after {}, requests {}, 429s {}",
            report.done(),
            report.failed(),
            again.drift(),
            stats.counted,
            stats.refused
        );
        server.shutdown().await;
    });
}
