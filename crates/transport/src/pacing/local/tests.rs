use std::sync::Arc;

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

#[tokio::test(start_paused = true)]
async fn paces_to_the_quota_in_any_window() {
    // (requests, window ms, burst, starts): never more than `requests` in any window.
    let cases =
        [(20, 1000, 2, 100), (100, 1000, 2, 400), (100, 1000, 10, 400), (1200, 300_000, 12, 2500), (5, 200, 4, 30)];
    for (requests, window_ms, burst, n) in cases {
        let q = quota(requests, window_ms).burst(burst).unwrap();
        let budget = LocalBudget::new(q);
        let got = starts(&budget, n).await;
        // The promise holds for an interval as long as the window and its margin.
        let busiest = busiest_window(&got, q.window() + q.margin());
        assert!(busiest <= requests as usize, "{requests}/{window_ms}ms burst {burst}: {busiest} in one window");
        // The burst goes at once; then one start per period.
        assert!(got[..burst as usize].iter().all(Duration::is_zero), "{got:?}");
        let rate = (n as f64 - f64::from(burst)) / got[n - 1].as_secs_f64();
        let paced = f64::from(requests - burst) / (q.window() + q.margin()).as_secs_f64();
        assert!((rate - paced).abs() / paced < 0.01, "{requests}/{window_ms}ms: {rate} per s, want {paced}");
    }
}

#[tokio::test(start_paused = true)]
async fn clones_of_an_arc_share_one_quota() {
    let budget = Arc::new(LocalBudget::new(quota(20, 1000)));
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let b = budget.clone();
            tokio::spawn(async move { starts(&b, 10).await })
        })
        .collect();
    let t0 = Instant::now();
    for t in tasks {
        t.await.unwrap();
    }
    // 40 starts: a burst of 2, then one per 1.1 s / 18.
    let elapsed = t0.elapsed();
    assert!(elapsed >= Duration::from_millis(2322) && elapsed < Duration::from_millis(2345), "{elapsed:?}");
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
async fn a_slower_announced_policy_replaces_the_quota() {
    let budget = LocalBudget::new(quota(1000, 1000));
    budget.observe(&observation(200, &[("ratelimit-policy", r#""default";q=10;w=1"#)])).await;
    assert_eq!(budget.quota(), quota(10, 1000));
    // A faster one does not.
    budget.observe(&observation(200, &[("ratelimit-policy", r#""default";q=100000;w=1"#)])).await;
    assert_eq!(budget.quota(), quota(10, 1000));
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
    // The next place is a second away; a caller who gives up after 100 ms takes none.
    assert!(tokio::time::timeout(Duration::from_millis(100), budget.acquire(None)).await.is_err());
    assert_eq!(budget.acquire(None).await.unwrap(), Duration::from_millis(1000));
}

#[tokio::test(start_paused = true)]
async fn an_absurd_policy_is_refused_and_no_wait_passes_max_pause() {
    // (Ratelimit-Policy, and a Ratelimit saying how much is left)
    let cases = [
        (r#""d";q=2;w=4000000000"#, None),
        (r#""d";q=0;w=300"#, None),
        (r#""d";q=1;w=300"#, None),
        (r#""d";q=10;w=0"#, None),
        (r#""d";q=2;w=900"#, None),
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
    budget.acquire(None).await.unwrap();
    budget.observe(&observation(200, &[("ratelimit-policy", r#""d";q=300;w=1"#)])).await;
    assert_eq!(budget.quota().burst_size(), 3);
    let got = starts(&budget, 4).await;
    assert_eq!(&got[..3], &[Duration::ZERO; 3]);
    assert!(got[3] > Duration::ZERO, "{got:?}");
}
