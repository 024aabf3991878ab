use std::sync::{Arc, Mutex};

use http::{HeaderMap, StatusCode};

use super::*;

fn quota(requests: u32, window_ms: u64) -> BudgetQuota {
    BudgetQuota::new(requests, Duration::from_millis(window_ms)).unwrap()
}

fn observation(status: u16, pairs: &[(&'static str, &str)]) -> Observation {
    let mut headers = HeaderMap::new();
    for (k, v) in pairs {
        headers.append(*k, v.parse().unwrap());
    }
    Observation::new(StatusCode::from_u16(status).unwrap(), &headers)
}

/// Takes `n` places one after another and returns when each was granted, from the start.
async fn starts(budget: &LocalBudget, n: usize) -> Vec<Duration> {
    let t0 = Instant::now();
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        budget.acquire(None).await.unwrap();
        out.push(t0.elapsed());
    }
    out
}

/// The most starts inside any interval as long as `window`.
fn busiest_window(starts: &[Duration], window: Duration) -> usize {
    (0..starts.len()).map(|i| starts[i..].iter().take_while(|t| **t - starts[i] < window).count()).max().unwrap_or(0)
}

/// A server's rate limit as the fake server keeps it: fixed windows, each starting at the
/// first request after the last one ended; a request over the quota gets a 429 and blocks
/// the credential for a window. It answers with the fake server's headers, whole seconds
/// rounded up.
#[derive(Debug)]
struct FixedWindows {
    requests: u32,
    window: Duration,
    start: Option<Instant>,
    used: u32,
    blocked_until: Option<Instant>,
    arrivals: Vec<Duration>,
    refused: u64,
}

impl FixedWindows {
    fn new(requests: u32, window: Duration) -> Self {
        Self { requests, window, start: None, used: 0, blocked_until: None, arrivals: Vec::new(), refused: 0 }
    }

    /// The answer to a request arriving at `at` (since `t0`).
    fn answer(&mut self, t0: Instant, now: Instant) -> Observation {
        let secs = |d: Duration| (d.as_secs() + u64::from(d.subsec_nanos() > 0)).to_string();
        let policy = format!(r#""default";q={};w={}"#, self.requests, secs(self.window));
        if let Some(until) = self.blocked_until.filter(|until| now < *until) {
            self.refused += 1;
            return observation(429, &[("retry-after", &secs(until - now)), ("ratelimit-policy", &policy)]);
        }
        if self.start.is_none_or(|start| now - start >= self.window) {
            (self.start, self.used) = (Some(now), 0);
        }
        if self.used >= self.requests {
            self.refused += 1;
            self.blocked_until = Some(now + self.window);
            return observation(429, &[("retry-after", &secs(self.window)), ("ratelimit-policy", &policy)]);
        }
        self.used += 1;
        self.arrivals.push(now - t0);
        let reset = self.window - (now - self.start.unwrap_or(now));
        let ratelimit = format!(r#""default";r={};t={}"#, self.requests - self.used, secs(reset));
        observation(200, &[("ratelimit", &ratelimit), ("ratelimit-policy", &policy)])
    }
}

/// `tasks` tasks send requests through `budget` to `server` for `run`, each taking
/// `latency` each way, and tell the budget every answer.
async fn drive(budget: Arc<LocalBudget>, server: Arc<Mutex<FixedWindows>>, tasks: usize, run: Duration) {
    let latency = Duration::from_millis(5);
    let t0 = Instant::now();
    let tasks: Vec<_> = (0..tasks)
        .map(|_| {
            let (budget, server) = (budget.clone(), server.clone());
            tokio::spawn(async move {
                loop {
                    budget.acquire(None).await.unwrap();
                    if t0.elapsed() >= run {
                        return;
                    }
                    tokio::time::sleep(latency).await;
                    let answer = server.lock().unwrap().answer(t0, Instant::now());
                    tokio::time::sleep(latency).await;
                    budget.observe(&answer).await;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
}

#[tokio::test(start_paused = true)]
async fn reaches_any_quota_with_no_window_over_it() {
    let s = Duration::from_secs;
    // (requests, window, windows run): from one request a second to far above Cloudflare's.
    let cases = [
        (2, s(1), 20),
        (2, s(2), 20),
        (3, s(1), 20),
        (5, s(70), 10),
        (20, s(1), 10),
        (60, s(10), 5),
        (100, s(5), 5),
        (1200, s(300), 3),
        (6000, s(300), 2),
    ];
    for (requests, window, windows) in cases {
        // The quota set to the server's, and the default budget, which learns it.
        let set = BudgetQuota::new(requests, window).unwrap();
        for (label, budget) in [("set", LocalBudget::new(set)), ("default", LocalBudget::default())] {
            let server = Arc::new(Mutex::new(FixedWindows::new(requests, window)));
            drive(Arc::new(budget), server.clone(), 8, window * windows).await;
            let server = server.lock().unwrap();
            let case = format!("{requests} per {window:?}, {label}");
            assert_eq!(server.refused, 0, "{case}: refused");
            let reached = server.arrivals.len() as f64 / f64::from(requests * windows);
            assert!(reached >= 0.95, "{case}: {reached:.3} of the quota");
            if label == "set" {
                // The promise holds in any interval of a window, not only the server's.
                let busiest = busiest_window(&server.arrivals, window);
                assert!(busiest <= requests as usize, "{case}: {busiest} in one window");
            }
        }
    }
}

#[tokio::test(start_paused = true)]
async fn paces_to_the_quota_in_any_window() {
    // (requests, window ms, burst, starts): never more than `requests` in any window.
    let cases =
        [(20, 1000, 2, 100), (5, 2000, 1, 30), (100, 1000, 10, 400), (1200, 300_000, 12, 2500), (5, 200, 4, 30)];
    for (requests, window_ms, burst, n) in cases {
        let q = quota(requests, window_ms).burst(burst).unwrap();
        let budget = LocalBudget::new(q);
        budget.observe(&observation(200, &[])).await;
        let got = starts(&budget, n).await;
        // The promise holds for an interval as long as the window and its margin.
        let busiest = busiest_window(&got, q.window() + q.margin());
        assert!(busiest <= requests as usize, "{requests}/{window_ms}ms burst {burst}: {busiest} in one window");
        // Once an answer is in, the burst goes at once; then one start per period.
        assert!(got[..burst as usize].iter().all(Duration::is_zero), "{got:?}");
        let rate = (n as f64 - f64::from(burst)) / got[n - 1].as_secs_f64();
        let paced = f64::from(requests - burst + 1) / (q.window() + q.margin()).as_secs_f64();
        assert!((rate - paced).abs() / paced < 0.01, "{requests}/{window_ms}ms: {rate} per s, want {paced}");
    }
}

#[tokio::test(start_paused = true)]
async fn before_the_first_answer_one_request_goes_at_a_time() {
    // A server whose quota (5) is under the default burst (12) hears of it before it is spent.
    let budget = LocalBudget::default();
    let period = BudgetQuota::cloudflare().period();
    let got = starts(&budget, 3).await;
    assert_eq!(got[0], Duration::ZERO);
    // tokio's timers tick in milliseconds.
    assert!(got[1] >= period && got[2] >= got[1] + period && got[2] < period * 2 + Duration::from_millis(2), "{got:?}");
    budget.observe(&observation(200, &[("ratelimit", r#""default";r=9;t=300"#)])).await;
    // The first answer lets the rest of the burst go.
    let got = starts(&budget, 9).await;
    assert!(got.iter().all(Duration::is_zero), "{got:?}");
}

#[tokio::test(start_paused = true)]
async fn learns_that_fewer_requests_remain() {
    let budget = LocalBudget::new(quota(1000, 1000).burst(500).unwrap());
    budget.observe(&observation(200, &[("ratelimit", r#""default";r=3;t=5"#)])).await;
    let got = starts(&budget, 5).await;
    assert_eq!(&got[..3], &[Duration::ZERO; 3]);
    // The fourth waits for the server's window to reset.
    assert_eq!(got[3], Duration::from_secs(5));
    // A later answer of the same window cannot raise what is left; a new window can.
    budget.observe(&observation(200, &[("ratelimit", r#""default";r=2;t=5"#)])).await;
    budget.observe(&observation(200, &[("ratelimit", r#""default";r=9;t=5"#)])).await;
    assert_eq!(starts(&budget, 3).await[2], Duration::from_secs(5));
}

#[tokio::test(start_paused = true)]
async fn announced_policies_are_followed_both_ways() {
    let policy = |q: u32, w: u64| observation(200, &[("ratelimit-policy", &format!(r#""d";q={q};w={w}"#))]);
    let q = |requests, secs: u64| quota(requests, secs * 1000);
    // (budget, announced (q, w) in turn, and the quota paced to after each)
    let cases = [
        // The default budget follows a raise, a cut, and a raise again.
        (
            LocalBudget::default(),
            vec![((6000, 300), q(6000, 300)), ((10, 300), q(10, 300)), ((1200, 300), q(1200, 300))],
        ),
        // A quota set is a ceiling: a cut is followed, a raise only back up to it.
        (LocalBudget::new(q(1000, 1)), vec![((10, 1), q(10, 1)), ((100_000, 1), q(1000, 1)), ((500, 1), q(500, 1))]),
        // An absurd policy is refused, the quota kept.
        (LocalBudget::default(), vec![((1, 300), BudgetQuota::cloudflare()), ((0, 1), BudgetQuota::cloudflare())]),
    ];
    for (budget, steps) in cases {
        for ((requests, window), want) in steps {
            budget.observe(&policy(requests, window)).await;
            assert_eq!(budget.quota(), want, "announced q={requests};w={window}");
        }
    }
    // What a raise is for: the default budget paces 600 requests at the raised quota.
    let budget = LocalBudget::default();
    budget.observe(&policy(6000, 300)).await;
    let got = starts(&budget, 600).await;
    let raised = q(6000, 300);
    // The places the old pacing had left (12) go at once, no fresh burst.
    let want = raised.period() * (600 - BudgetQuota::cloudflare().burst_size());
    assert!(got[599] >= want && got[599] < want + Duration::from_millis(600), "{:?}, want {want:?}", got[599]);
    assert!(got[599] * 4 < BudgetQuota::cloudflare().period() * 600, "{:?}", got[599]);
}

#[tokio::test(start_paused = true)]
async fn a_429_pauses_every_task_until_the_reset() {
    let budget = Arc::new(LocalBudget::new(quota(1000, 1000).burst(100).unwrap()));
    budget.observe(&observation(429, &[("retry-after", "30")])).await;
    let t0 = Instant::now();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let b = budget.clone();
            tokio::spawn(async move { b.acquire(None).await })
        })
        .collect();
    for t in tasks {
        let waited = t.await.unwrap().unwrap();
        assert_eq!(waited, Duration::from_secs(30));
    }
    assert_eq!(t0.elapsed(), Duration::from_secs(30));
    // A server asking for a century is believed up to MAX_PAUSE.
    budget.observe(&observation(429, &[("retry-after", "3153600000")])).await;
    assert_eq!(budget.acquire(None).await.unwrap(), MAX_PAUSE);
}

#[tokio::test(start_paused = true)]
async fn a_wait_past_the_deadline_fails_at_once() {
    let budget = LocalBudget::new(quota(1000, 1000));
    budget.observe(&observation(429, &[("retry-after", "10")])).await;
    let t0 = Instant::now();
    let cases = [
        (Some(t0 + Duration::from_secs(1)), Err(Some(Duration::from_secs(10)))),
        (Some(t0), Err(Some(Duration::from_secs(10)))),
        (Some(t0 + Duration::from_secs(10)), Ok(Duration::from_secs(10))),
    ];
    for (deadline, want) in cases {
        let got = budget.acquire(deadline).await.map_err(|e| e.would_wait());
        assert_eq!(got, want, "{deadline:?}");
    }
    assert_eq!(t0.elapsed(), Duration::from_secs(10), "the refusals did not wait");
}

#[tokio::test(start_paused = true)]
async fn dropping_a_wait_gives_up_its_place() {
    let budget = LocalBudget::new(quota(2, 1000).burst(1).unwrap());
    budget.acquire(None).await.unwrap();
    // The next place is half a second away; a caller who gives up after 100 ms takes none.
    assert!(tokio::time::timeout(Duration::from_millis(100), budget.acquire(None)).await.is_err());
    assert_eq!(budget.acquire(None).await.unwrap(), Duration::from_millis(410));
}

#[tokio::test(start_paused = true)]
async fn an_absurd_policy_is_refused_and_no_wait_passes_max_pause() {
    // (Ratelimit-Policy, and a Ratelimit saying how much is left)
    let cases = [
        (r#""d";q=2;w=4000000000"#, None),
        (r#""d";q=0;w=300"#, None),
        (r#""d";q=1;w=300"#, None),
        (r#""d";q=10;w=0"#, None),
        (r#""d";q=1000001;w=300"#, None),
        (r#""d";q=5000000000;w=18446744073709551615"#, None),
        (r#""d";q=2;w=4000000000"#, Some(r#""d";r=1;t=99999999999"#)),
    ];
    for (policy, ratelimit) in cases {
        let configured = quota(20, 1000);
        let budget = LocalBudget::new(configured);
        let mut pairs = vec![("ratelimit-policy", policy)];
        pairs.extend(ratelimit.map(|r| ("ratelimit", r)));
        budget.observe(&observation(200, &pairs)).await;
        assert_eq!(budget.quota(), configured, "{policy}: refused, the configured quota kept");
        let t0 = Instant::now();
        let mut last = t0;
        for _ in 0..10 {
            let waited = budget.acquire(None).await.unwrap();
            assert!(waited <= MAX_PAUSE, "{policy}: one wait of {waited:?}");
            last = Instant::now();
        }
        // Paced to the configured quota (or held for at most one capped window).
        assert!(last - t0 <= MAX_PAUSE + Duration::from_secs(1), "{policy}: {:?}", last - t0);
    }
}

#[tokio::test(start_paused = true)]
async fn adopting_slower_policies_grants_no_fresh_burst() {
    let budget = LocalBudget::new(quota(1000, 1000).burst(100).unwrap());
    budget.observe(&observation(200, &[])).await;
    for _ in 0..100 {
        assert_eq!(budget.acquire(None).await.unwrap(), Duration::ZERO);
    }
    // Each answer announces a slightly slower policy: each is adopted, none refills the burst.
    for q in (50..=100).rev() {
        budget.observe(&observation(200, &[("ratelimit-policy", &format!(r#""d";q={q};w=1"#))])).await;
        assert_eq!(budget.quota().requests(), q);
        let now = Instant::now();
        let err = budget.acquire(Some(now)).await.expect_err("no place at once after a policy change");
        assert!(err.would_wait().is_some_and(|w| w > Duration::ZERO), "q={q}: {err:?}");
    }
    // Places left over carry to the new pacing, up to its burst.
    let budget = LocalBudget::new(quota(1000, 1000).burst(100).unwrap());
    budget.observe(&observation(200, &[])).await;
    budget.acquire(None).await.unwrap();
    budget.observe(&observation(200, &[("ratelimit-policy", r#""d";q=300;w=1"#)])).await;
    assert_eq!(budget.quota().burst_size(), 3);
    let got = starts(&budget, 4).await;
    assert_eq!(&got[..3], &[Duration::ZERO; 3]);
    assert!(got[3] > Duration::ZERO, "{got:?}");
}
