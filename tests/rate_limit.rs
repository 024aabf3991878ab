//! The request budget end to end, over both backends, against the fake server's rate
//! limit: many tasks on one token stay inside the quota with no refusal, a second program
//! spending the same token costs at most a refusal per window, without the budget the
//! server refuses, and a 429 whose retry would pass the deadline is the call's answer.

mod common;

use std::future::IntoFuture;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use cfzt::transport::{BudgetQuota, HttpTransport, LocalBudget, Request, RequestBudget, Response, TransportError};
use cfzt::{Client, Pacing, UserId};
use cfzt_fake_server::{DEMO_USER_ID, FakeServer, Fault, FaultRule, Operation, RateLimit, Route};
use common::{TOKEN, backends, builder, demo_account};
use futures_util::{StreamExt, stream};

/// The server's limit and the client's quota: 50 per second.
const QUOTA: u32 = 50;
const WINDOW: Duration = Duration::from_secs(1);
const TASKS: usize = 64;
const CALLS_PER_TASK: usize = 2;

/// Counts the 429s one client's transport sees.
struct CountRefusals {
    inner: Arc<dyn HttpTransport>,
    refusals: Arc<AtomicUsize>,
}

#[cfzt::transport::async_trait]
impl HttpTransport for CountRefusals {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        let response = self.inner.send(request).await?;
        if response.status() == http::StatusCode::TOO_MANY_REQUESTS {
            self.refusals.fetch_add(1, Ordering::SeqCst);
        }
        Ok(response)
    }
}

async fn limited_server() -> FakeServer {
    FakeServer::builder().rate_limit(RateLimit::new(QUOTA, WINDOW)).start().await.unwrap()
}

fn quota() -> BudgetQuota {
    BudgetQuota::new(QUOTA, WINDOW).unwrap()
}

/// `TASKS` tasks make `CALLS_PER_TASK` gets each, spread over `clients`; returns how many
/// calls failed.
async fn run(clients: &[Client], user: &UserId) -> usize {
    let account = demo_account();
    let calls = (0..TASKS * CALLS_PER_TASK).map(|i| {
        let users = clients[i % clients.len()].users(&account);
        let user = user.clone();
        async move { users.get(&user).await }
    });
    stream::iter(calls).buffer_unordered(TASKS).filter(|r| std::future::ready(r.is_err())).count().await
}

fn first_user(server: &FakeServer) -> UserId {
    server.users(&demo_account())[0].user_id().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_tasks_on_two_clients_sharing_a_budget_are_never_refused() {
    for (backend, transport) in backends() {
        let server = limited_server().await;
        let budget: Arc<dyn RequestBudget> = Arc::new(LocalBudget::new(quota()));
        let client = || builder(server.base_url(), &transport).pacing(Pacing::Shared(budget.clone())).build().unwrap();
        let clients = [client(), client()];
        let failed = run(&clients, &first_user(&server)).await;
        let stats = server.rate_limit_stats_of_token(TOKEN);
        assert_eq!(failed, 0, "{backend}");
        assert_eq!(stats.refused, 0, "{backend}: the server refused {} requests", stats.refused);
        assert_eq!(stats.counted, (TASKS * CALLS_PER_TASK) as u64, "{backend}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_program_on_the_token_costs_at_most_a_refusal_per_window() {
    for (backend, transport) in backends() {
        let server = limited_server().await;
        let refusals = Arc::new(AtomicUsize::new(0));
        let counted = CountRefusals { inner: transport.clone(), refusals: refusals.clone() };
        let client = Client::builder()
            .base_url(server.base_url())
            .api_token(TOKEN)
            .transport(counted)
            .pacing(Pacing::Quota(quota()))
            .build()
            .unwrap();
        // The other program: no budget, 10 requests a second on the same token.
        let other = builder(server.base_url(), &transport).pacing(Pacing::Off).build().unwrap();
        let user = first_user(&server);
        let other_user = user.clone();
        let spender = tokio::spawn(async move {
            let users = other.users(&demo_account());
            for _ in 0..30 {
                let _ = users.get(&other_user).max_retries(0).await;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        });
        let start = Instant::now();
        let failed = run(std::slice::from_ref(&client), &user).await;
        let windows = start.elapsed().as_secs_f64() / WINDOW.as_secs_f64();
        spender.await.unwrap();
        let refused = refusals.load(Ordering::SeqCst);
        let stats = server.rate_limit_stats_of_token(TOKEN);
        eprintln!("{backend}: this client was refused {refused} times in {windows:.1} windows; the token {stats:?}");
        assert_eq!(failed, 0, "{backend}: every call succeeds");
        assert!(
            refused as f64 <= windows.ceil(),
            "{backend}: {refused} refusals of this client in {windows:.1} windows"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_budget_the_server_refuses() {
    let (backend, transport) = backends().remove(0);
    let server = limited_server().await;
    let client = builder(server.base_url(), &transport).pacing(Pacing::Off).build().unwrap();
    let failed = run(std::slice::from_ref(&client), &first_user(&server)).await;
    let stats = server.rate_limit_stats_of_token(TOKEN);
    // What the budget prevents: the burst goes over the quota and the token is blocked.
    assert!(stats.refused > 0, "{backend}: {stats:?}");
    eprintln!(
        "{backend}, no budget: {failed} of {} calls failed; the server refused {}",
        TASKS * CALLS_PER_TASK,
        stats.refused
    );
}

#[test]
fn a_client_has_a_budget_at_cloudflares_quota_by_default() {
    let client = Client::builder().api_token("t").build().unwrap();
    let budget = client.request_budget().expect("a request budget by default");
    // Cloudflare's quota is 1,200 requests per 5 minutes; the default budget is a local
    // one at that quota (its Debug is the one public view of a `dyn RequestBudget`).
    let cloudflare = BudgetQuota::cloudflare();
    assert_eq!((cloudflare.requests(), cloudflare.window()), (1200, Duration::from_secs(300)));
    let shown = format!("{budget:?}");
    assert!(shown.starts_with("LocalBudget"), "{shown}");
    assert!(shown.contains(&format!("quota: {cloudflare:?}")), "{shown}");
    let client = Client::builder().api_token("t").pacing(Pacing::Off).build().unwrap();
    assert!(client.request_budget().is_none());
}

/// A client with the default budget (no quota set), over `transport`.
fn default_client(server: &FakeServer, transport: &Arc<dyn HttpTransport>) -> Client {
    Client::builder().base_url(server.base_url()).api_token(TOKEN).transport(transport.clone()).build().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_budget_learns_a_quota_under_its_burst_before_spending_it() {
    for (backend, transport) in backends() {
        // 3 per second, under the default burst of 12: 24 calls, 8 in flight, none refused.
        let server = FakeServer::builder().rate_limit(RateLimit::new(3, WINDOW)).start().await.unwrap();
        let client = default_client(&server, &transport);
        let (account, user) = (demo_account(), first_user(&server));
        let users = client.users(&account);
        let failed = stream::iter(0..24)
            .map(|_| users.get(&user).into_future())
            .buffer_unordered(8)
            .filter(|r| std::future::ready(r.is_err()))
            .count()
            .await;
        let stats = server.rate_limit_stats_of_token(TOKEN);
        assert_eq!((failed, stats.refused, stats.counted), (0, 0, 24), "{backend}: {stats:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_budget_follows_an_announced_raise_and_a_quota_set_holds_it() {
    for (backend, transport) in backends() {
        // The server announces 6,000 per 5 minutes, five times Cloudflare's documented quota.
        let raised = RateLimit::new(6000, Duration::from_secs(300));
        let server = FakeServer::builder().rate_limit(raised).start().await.unwrap();
        let set = BudgetQuota::cloudflare();
        let ceiling = Client::builder()
            .base_url(server.base_url())
            .api_token(TOKEN)
            .transport(transport.clone())
            .pacing(Pacing::Quota(set))
            .build()
            .unwrap();
        // (client, the quota its budget paces to after one answer)
        let want = BudgetQuota::new(6000, Duration::from_secs(300)).unwrap();
        for (client, want) in [(default_client(&server, &transport), want), (ceiling, set)] {
            client.users(&demo_account()).get(&first_user(&server)).await.unwrap();
            let shown = format!("{:?}", client.request_budget().unwrap());
            assert!(shown.contains(&format!("quota: {want:?}")), "{backend}: {shown}");
        }
        assert_eq!(server.rate_limit_stats_of_token(TOKEN).refused, 0, "{backend}");
    }
}

#[tokio::test]
async fn a_429_whose_retry_would_pass_the_deadline_keeps_cloudflares_answer() {
    for (backend, transport) in backends() {
        let server = FakeServer::start().await.unwrap();
        // A block of an hour: the budget pauses for its longest, past the call's deadline.
        server.inject(FaultRule::new(Route::Operation(Operation::GetUser), Fault::rate_limited(3600)));
        let client =
            builder(server.base_url(), &transport).pacing(Pacing::Quota(BudgetQuota::cloudflare())).build().unwrap();
        let users = client.users(&demo_account());
        let user: UserId = DEMO_USER_ID.parse().unwrap();
        let started = Instant::now();
        let err = users.get(&user).deadline(Duration::from_secs(5)).await.unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(5), "{backend}: it did not wait");
        // The API's answer, as it came: code 971, its message and cf-ray.
        let api = err.as_api().unwrap_or_else(|| panic!("{backend}: {err:?}"));
        assert_eq!((api.status.as_u16(), api.code(), api.attempts), (429, Some(971), 1), "{backend}");
        assert!(err.cf_ray().is_some_and(cfzt::transport::is_ray_id), "{backend}: {err:?}");
        assert!(err.is_rate_limited() && !err.is_transport(), "{backend}");
        // How long to wait is the budget's pause: the server's hour, capped at MAX_PAUSE.
        let wait = err.retry_after().unwrap();
        assert!(wait <= cfzt::MAX_PAUSE && wait > cfzt::MAX_PAUSE / 2, "{backend}: {wait:?}");
        assert_eq!(api.retry_after, Some(Duration::from_secs(3600)), "{backend}: the server's own demand");
        // The next call finds the budget paused and no answer to keep: the budget's refusal.
        let err = users.get(&user).deadline(Duration::from_secs(5)).await.unwrap_err();
        assert!(err.is_rate_limited() && err.is_transport() && err.attempts() == Some(0), "{backend}: {err:?}");
        assert_eq!(server.journal().len(), 1, "{backend}: one request sent");
    }
}
