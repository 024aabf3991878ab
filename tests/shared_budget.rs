//! One token, four OS processes, one request budget kept in Redis: every call succeeds and
//! the fake server, enforcing a small quota, refuses at most one request per window.
//!
//! The processes are this test binary run again (`child_makes_calls`); they find the fake
//! server, the token and Redis in the environment, as a deployed job would
//! (`CLOUDFLARE_BASE_URL`, `CLOUDFLARE_API_TOKEN`, `CFZT_BUDGET_URL`).

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cfzt::transport::test_util::RedisServer;
use cfzt::{Client, Pacing};
use cfzt_fake_server::{DEMO_USER_ID, FakeServer, RateLimit};
use common::{TOKEN, backends, demo_account};

/// The fake server's quota: 20 requests per second per credential.
const QUOTA: u32 = 20;
const WINDOW: Duration = Duration::from_secs(1);
/// Calls per process.
const CALLS: usize = 15;
const PROCESSES: usize = 4;

/// Run by `four_processes_share_one_budget` as a child: makes `CALLS` calls over the
/// backend it is given, through a client configured from the environment only.
#[tokio::test]
#[ignore = "a child of four_processes_share_one_budget"]
async fn child_makes_calls() {
    let Ok(backend) = std::env::var("CFZT_TEST_BACKEND") else {
        eprintln!("run by four_processes_share_one_budget only");
        return;
    };
    let (_, transport) = backends().into_iter().find(|(name, _)| *name == backend).unwrap();
    let quota = cfzt::transport::BudgetQuota::new(QUOTA, WINDOW).unwrap();
    let client = Client::builder().load_env().transport(transport).pacing(Pacing::Quota(quota)).build().unwrap();
    let users = client.users(&demo_account());
    for _ in 0..CALLS {
        users.get(&DEMO_USER_ID.parse().unwrap()).await.unwrap();
    }
    println!("calls ok {CALLS}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_processes_share_one_budget() {
    let Some(redis) = RedisServer::start() else { return };
    let server = FakeServer::builder().rate_limit(RateLimit::new(QUOTA, WINDOW)).start().await.unwrap();
    let exe = std::env::current_exe().unwrap();
    let start = Instant::now();
    let children: Vec<_> = (0..PROCESSES)
        .map(|i| {
            Command::new(&exe)
                .args(["child_makes_calls", "--exact", "--ignored", "--nocapture"])
                .env("CFZT_TEST_BACKEND", if i % 2 == 0 { "reqwest" } else { "hyper" })
                .env("CLOUDFLARE_BASE_URL", server.base_url())
                .env("CLOUDFLARE_API_TOKEN", TOKEN)
                .env("CFZT_BUDGET_URL", redis.url())
                .env_remove("CLOUDFLARE_EMAIL")
                .env_remove("CLOUDFLARE_API_KEY")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs = tokio::task::spawn_blocking(move || {
        children.into_iter().map(|c| c.wait_with_output().unwrap()).collect::<Vec<_>>()
    })
    .await
    .unwrap();
    let elapsed = start.elapsed();
    for out in &outputs {
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains(&format!("calls ok {CALLS}")),
            "a child failed: {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let stats = server.rate_limit_stats_of_token(TOKEN);
    eprintln!("{stats:?} in {elapsed:?}");
    let windows = elapsed.as_secs_f64() / WINDOW.as_secs_f64();
    assert_eq!(stats.counted, (PROCESSES * CALLS) as u64, "{stats:?}");
    assert!(stats.refused as f64 <= windows.ceil(), "{} refused in {windows:.1} windows", stats.refused);
}
