//! A bulk job inside the API's rate limit, at several quota sizes: updates with 32 in
//! flight, one client over hyper, against the fake server enforcing a scaled-down quota
//! (fixed windows; over the quota, a 429 and a block of one window). Reports the achieved
//! rate over the quota (1.00 is the limit; the calls after the first over the time they
//! took), the 429s the server sent and the calls that failed. Not a timed test: run it with `cargo bench -p cfzt --bench bulk` and read
//! `docs/performance.md`.
//!
//! The jobs: the client's quota set to the server's at three sizes (2 per 2 s, 60 per
//! 10 s, and Cloudflare's 1,200 per 300 s scaled ten times down in time, 1,200 per 30 s);
//! the default budget (no quota set) against a server whose quota is under its burst
//! (5 per 10 s) and one that announces a raise to 6,000 per 30 s, 50 times the default's
//! pace; and, for comparison, no budget at 1,200 per 30 s. `BULK_WINDOWS` (default 4 for
//! the small windows, 2 for the 30 s ones) changes how many windows each job fills.

use std::future::IntoFuture;
use std::time::{Duration, Instant};

use cfzt::transport::{BudgetQuota, HyperTransport, RetryPolicy};
use cfzt::{AccountId, Client, UpdateUserParams};
use cfzt_fake_server::{DEMO_ACCOUNT_ID, FakeServer, RateLimit};
use futures_util::{StreamExt, stream};

const IN_FLIGHT: usize = 32;
const TOKEN: &str = "bulk-bench-token";

/// How the client paces.
#[derive(Clone, Copy)]
enum Pacing {
    /// `Pacing::Quota` at the server's quota.
    Set,
    /// No quota set: Cloudflare's, then what the server announces.
    Default,
    /// No request budget; the default retry policy.
    Off,
}

struct Job {
    label: &'static str,
    limit: RateLimit,
    pacing: Pacing,
    windows: u32,
}

struct Outcome {
    calls: usize,
    failed: usize,
    refused: u64,
    elapsed: Duration,
}

/// Runs as many updates as `windows` windows of the quota hold.
async fn run(job: &Job) -> Outcome {
    let limit = job.limit;
    let server = FakeServer::builder().rate_limit(limit).start().await.expect("fake server");
    let account: AccountId = DEMO_ACCOUNT_ID.parse().expect("account");
    let user = server.users(&account)[0].clone();
    let (id, email) = (user.user_id().expect("id"), user.email.clone().expect("email"));
    let builder =
        Client::builder().base_url(server.base_url()).api_token(TOKEN).transport(HyperTransport::new().expect("hyper"));
    let builder = match job.pacing {
        Pacing::Set => {
            builder.pacing(cfzt::Pacing::Quota(BudgetQuota::new(limit.quota(), limit.window()).expect("quota")))
        }
        Pacing::Default => builder,
        Pacing::Off => builder.pacing(cfzt::Pacing::Off),
    };
    let client = builder.retry_policy(RetryPolicy::default()).build().expect("client");
    let users = client.users(&account);
    let calls = (limit.quota() * job.windows) as usize;
    let started = Instant::now();
    let failed = stream::iter(0..calls)
        .map(|i| users.update(&id, UpdateUserParams::new(email.as_str(), format!("bulk {i}"))).into_future())
        .buffer_unordered(IN_FLIGHT)
        .filter(|r| std::future::ready(r.is_err()))
        .count()
        .await;
    let elapsed = started.elapsed();
    let refused = server.rate_limit_stats_of_token(TOKEN).refused;
    Outcome { calls, failed, refused, elapsed }
}

fn main() {
    // `cargo test --benches` runs every bench once; one short window is enough there.
    let quick = std::env::args().any(|a| a == "--test");
    let windows = |default: u32| {
        let set = std::env::var("BULK_WINDOWS").ok().and_then(|v| v.parse().ok()).unwrap_or(default);
        if quick { 1 } else { set }
    };
    let s = Duration::from_secs;
    let jobs = [
        Job { label: "set, 2 per 2 s", limit: RateLimit::new(2, s(2)), pacing: Pacing::Set, windows: windows(10) },
        Job { label: "set, 60 per 10 s", limit: RateLimit::new(60, s(10)), pacing: Pacing::Set, windows: windows(4) },
        Job {
            label: "set, 1200 per 30 s",
            limit: RateLimit::new(1200, s(30)),
            pacing: Pacing::Set,
            windows: windows(2),
        },
        Job {
            label: "default, 5 per 10 s",
            limit: RateLimit::new(5, s(10)),
            pacing: Pacing::Default,
            windows: windows(4),
        },
        Job {
            label: "default, raise to 6000/30 s",
            limit: RateLimit::new(6000, s(30)),
            pacing: Pacing::Default,
            windows: windows(2),
        },
        Job {
            label: "off, 1200 per 30 s",
            limit: RateLimit::new(1200, s(30)),
            pacing: Pacing::Off,
            windows: windows(2),
        },
    ];
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    println!("bulk: {IN_FLIGHT} in flight, as many updates as the windows hold");
    println!(
        "{:<28} {:>6} {:>9} {:>10} {:>11} {:>6} {:>7}",
        "job", "calls", "time (s)", "rate (/s)", "rate/quota", "429s", "failed"
    );
    for job in &jobs {
        let o = rt.block_on(run(job));
        let ok = o.calls - o.failed;
        // The calls after the first, over the time from the first start to the last
        // answer: at 2 per 2 s, 20 calls take 19 spacings, not 20.
        let rate = ok.saturating_sub(1) as f64 / o.elapsed.as_secs_f64();
        let quota = f64::from(job.limit.quota()) / job.limit.window().as_secs_f64();
        println!(
            "{:<28} {:>6} {:>9.1} {:>10.1} {:>11.3} {:>6} {:>7}",
            job.label,
            ok,
            o.elapsed.as_secs_f64(),
            rate,
            rate / quota,
            o.refused,
            o.failed
        );
    }
}
