//! A bulk job inside the API's rate limit: N updates, 32 in flight, against the fake
//! server enforcing a scaled-down quota, with the client's request budget on and off side
//! by side. Reports the achieved rate over the quota (1.00 is the limit), the 429s the
//! server sent and the calls that failed. Not a timed test: run it with
//! `cargo bench -p cfzt --bench bulk` and read `docs/performance.md`.
//!
//! `BULK_UPDATES` (default 3,000) and `BULK_QUOTA` (default `1000/10s`, 100 a second on
//! average) change the job.

use std::future::IntoFuture;
use std::time::{Duration, Instant};

use cfzt::transport::{BudgetQuota, HyperTransport, RetryPolicy};
use cfzt::{AccountId, Client, UpdateUserParams};
use cfzt_fake_server::{DEMO_ACCOUNT_ID, FakeServer, RateLimit};
use futures_util::{StreamExt, stream};

const IN_FLIGHT: usize = 32;
const TOKEN: &str = "bulk-bench-token";

struct Outcome {
    label: &'static str,
    calls: usize,
    failed: usize,
    refused: u64,
    elapsed: Duration,
}

fn settings() -> (usize, u32, Duration) {
    let updates = std::env::var("BULK_UPDATES").ok().and_then(|v| v.parse().ok()).unwrap_or(3000);
    let quota = std::env::var("BULK_QUOTA").unwrap_or_else(|_| "1000/10s".into());
    let (requests, window) = quota.split_once('/').expect("BULK_QUOTA is N/Ds");
    let window = window.trim_end_matches('s').parse().expect("window in seconds");
    (updates, requests.parse().expect("requests"), Duration::from_secs(window))
}

async fn job(
    label: &'static str,
    updates: usize,
    limit: RateLimit,
    budget: Option<BudgetQuota>,
    policy: RetryPolicy,
) -> Outcome {
    let server = FakeServer::builder().rate_limit(limit).start().await.expect("fake server");
    let account: AccountId = DEMO_ACCOUNT_ID.parse().expect("account");
    let user = server.users(&account)[0].clone();
    let (id, email) = (user.user_id().expect("id"), user.email.clone().expect("email"));
    let builder =
        Client::builder().base_url(server.base_url()).api_token(TOKEN).transport(HyperTransport::new().expect("hyper"));
    let builder = match budget {
        Some(quota) => builder.rate_limit(quota),
        None => builder.no_request_budget(),
    };
    let client = builder.retry_policy(policy).build().expect("client");
    let users = client.users(&account);
    let started = Instant::now();
    let failed = stream::iter(0..updates)
        .map(|i| users.update(&id, UpdateUserParams::new(email.as_str(), format!("bulk {i}"))).into_future())
        .buffer_unordered(IN_FLIGHT)
        .filter(|r| std::future::ready(r.is_err()))
        .count()
        .await;
    let elapsed = started.elapsed();
    let refused = server.rate_limit_stats_of_token(TOKEN).refused;
    Outcome { label, calls: updates, failed, refused, elapsed }
}

fn main() {
    // `cargo test --benches` runs every bench once with `--bench`; a short job is enough there.
    let quick = std::env::args().any(|a| a == "--test");
    let (updates, requests, window) = settings();
    let updates = if quick { 20 } else { updates };
    let limit = RateLimit::new(requests, window);
    let quota = BudgetQuota::new(requests, window).expect("quota");
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    // The client's budget at the server's quota; off, the default retry policy alone, whose
    // 60 s cap on `Retry-After` is longer than this scaled block. Scaled like the block
    // (60 s of Cloudflare's 300 s is a fifth of the window), the cap makes the retries give up.
    let default = RetryPolicy::default;
    let on = rt.block_on(job("budget on", updates, limit, Some(quota), default()));
    let off = rt.block_on(job("budget off", updates, limit, None, default()));
    let scaled = default().max_retry_after(window / 5);
    let off_scaled = rt.block_on(job("off, cap/5", updates, limit, None, scaled));
    let rate_limit = f64::from(requests) / window.as_secs_f64();
    let ok = |o: &Outcome| o.calls - o.failed;
    println!("bulk: {updates} updates, {IN_FLIGHT} in flight, quota {requests} per {window:?} ({rate_limit:.1}/s)");
    println!(
        "{:<11} {:>9} {:>10} {:>12} {:>8} {:>7}",
        "variant", "time (s)", "rate (/s)", "rate/quota", "429s", "failed"
    );
    for o in [on, off, off_scaled] {
        let rate = ok(&o) as f64 / o.elapsed.as_secs_f64();
        println!(
            "{:<11} {:>6} {:>9.1} {:>10.1} {:>11.3} {:>6} {:>7}",
            o.label,
            ok(&o),
            o.elapsed.as_secs_f64(),
            rate,
            rate / rate_limit,
            o.refused,
            o.failed
        );
    }
}
