//! The retry layer with a request budget: every attempt takes a place, every answer is
//! reported, a 429 waits out the budget's pause, and a wait past the deadline ends the
//! call at once, with the answer being retried when there is one. All on tokio's paused
//! clock.

mod support;

use std::sync::Arc;
use std::time::Duration;

use cfzt_transport::{
    BudgetQuota, HttpTransport, LocalBudget, PacingRefusal, RequestBudget, RequestOptions, RetryPolicy, RetryTransport,
};
use support::{Scripted, Step, req, retry_after, scripted, status};
use tokio::time::Instant;

fn paced(script: &[Step], quota: BudgetQuota) -> (RetryTransport<Scripted>, Scripted, Arc<LocalBudget>) {
    let scripted = scripted(script);
    let budget = Arc::new(LocalBudget::new(quota));
    let layer =
        RetryTransport::new(scripted.clone()).with_request_budget(Some(budget.clone() as Arc<dyn RequestBudget>));
    (layer, scripted, budget)
}

fn quota(requests: u32, window: Duration) -> BudgetQuota {
    BudgetQuota::new(requests, window).unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_429_waits_for_the_budgets_pause_then_succeeds() {
    // A five-minute block is longer than the 60 s `max_retry_after` cap: without a budget
    // the call ends with the 429; with one, it waits out the block and succeeds.
    let script = [retry_after(429, "300"), status(200)];
    let plain = scripted(&script);
    let response = RetryTransport::new(plain.clone()).send(req("GET")).await.unwrap();
    assert_eq!((response.status().as_u16(), plain.calls()), (429, 1));

    let (layer, scripted, _) = paced(&script, BudgetQuota::cloudflare());
    let t0 = Instant::now();
    let (response, attempts) = layer.send_counted(req("GET")).await;
    assert_eq!((response.unwrap().status().as_u16(), attempts, scripted.calls()), (200, 2, 2));
    assert_eq!(t0.elapsed(), Duration::from_secs(300));
}

#[tokio::test(start_paused = true)]
async fn a_pause_past_the_deadline_returns_the_429_at_once_and_says_how_long() {
    let (layer, scripted, budget) = paced(&[retry_after(429, "300"), status(200)], BudgetQuota::cloudflare());
    let mut request = req("GET");
    request.extensions_mut().insert(RequestOptions::new().deadline(Duration::from_secs(10)));
    let t0 = Instant::now();
    let (result, attempts) = layer.send_counted(request).await;
    // The call keeps the server's answer (its code, message and cf-ray), marked with the
    // wait the budget would have made its retry take.
    let response = result.expect("the 429 itself");
    assert_eq!(response.status().as_u16(), 429);
    let refusal = response.extensions().get::<PacingRefusal>().copied();
    assert_eq!(refusal.map(|r| r.would_wait), Some(Duration::from_secs(300)));
    assert_eq!((attempts, scripted.calls()), (1, 1));
    assert_eq!(t0.elapsed(), Duration::ZERO, "it did not wait");
    // Another call on the same budget is paused too: no answer came, so the budget's
    // refusal is what it gets.
    let mut request = req("GET");
    request.extensions_mut().insert(RequestOptions::new().deadline(Duration::from_secs(10)));
    let (result, attempts) = layer.send_counted(request).await;
    let error = result.unwrap_err();
    assert!(error.is_pacing() && !error.may_have_reached_server(), "{error:?}");
    assert_eq!((error.pacing_wait(), attempts), (Some(Duration::from_secs(300)), 0));
    assert_eq!(scripted.calls(), 1, "nothing was sent");
    drop(budget);
}

#[tokio::test(start_paused = true)]
async fn a_retry_the_budget_cannot_place_before_the_deadline_returns_the_answer_it_retried() {
    // One place a minute: the 503's retry would wait a minute for the next one.
    let q = quota(2, Duration::from_secs(120)).burst(1).unwrap();
    let (layer, scripted, _) = paced(&[status(503), status(200)], q);
    let layer = layer.with_policy(RetryPolicy::default().backoff(Duration::ZERO, Duration::ZERO));
    let mut request = req("GET");
    request.extensions_mut().insert(RequestOptions::new().deadline(Duration::from_secs(10)));
    let (result, attempts) = layer.send_counted(request).await;
    let response = result.expect("the 503 itself");
    assert_eq!((response.status().as_u16(), attempts, scripted.calls()), (503, 1, 1));
    let would_wait = response.extensions().get::<PacingRefusal>().map(|r| r.would_wait);
    assert!(would_wait.is_some_and(|w| w > Duration::from_secs(10)), "{would_wait:?}");
}

#[tokio::test(start_paused = true)]
async fn attempts_are_paced_and_answers_are_learned_from() {
    // 5 per second with a burst of 2: ten calls take 2 at once, then one per 1.1 s / 3.
    let q = quota(5, Duration::from_secs(1)).burst(2).unwrap();
    let (layer, scripted, _) = paced(&[status(200)], q);
    let t0 = Instant::now();
    for _ in 0..10 {
        layer.send(req("GET")).await.unwrap();
    }
    assert_eq!(scripted.calls(), 10);
    let elapsed = t0.elapsed();
    let want = q.period() * 8;
    assert!(elapsed >= want && elapsed < want + Duration::from_millis(10), "{elapsed:?}, want {want:?}");

    // An answer that says nothing is left pauses the next call until the window resets.
    let exhausted = Step::Status(200, vec![("ratelimit", r#""default";r=0;t=7"#.to_string())]);
    let (layer, _, _) = paced(&[exhausted, status(200)], quota(1000, Duration::from_secs(1)));
    layer.send(req("GET")).await.unwrap();
    let t0 = Instant::now();
    layer.send(req("GET")).await.unwrap();
    assert_eq!(t0.elapsed(), Duration::from_secs(7));
}

#[tokio::test(start_paused = true)]
async fn every_retry_takes_a_place_too() {
    let q = quota(5, Duration::from_secs(1)).burst(2).unwrap();
    let (layer, scripted, _) = paced(&[status(503), status(503), status(200)], q);
    let policy = RetryPolicy::default().backoff(Duration::ZERO, Duration::ZERO);
    let layer = layer.with_policy(policy);
    let t0 = Instant::now();
    let (response, attempts) = layer.send_counted(req("GET")).await;
    assert_eq!((response.unwrap().status().as_u16(), attempts, scripted.calls()), (200, 3, 3));
    // Two places at once, the third a period later (tokio's timers tick in milliseconds).
    let elapsed = t0.elapsed();
    assert!(elapsed >= q.period() && elapsed <= q.period() + Duration::from_millis(1), "{elapsed:?}");
}

#[test]
fn a_budget_needs_tokio_and_says_so() {
    let (layer, scripted, _) = paced(&[status(200)], BudgetQuota::cloudflare());
    let layer = layer.with_policy(RetryPolicy::no_retries().attempt_timeout(None));
    let (result, attempts) = futures_executor::block_on(layer.send_counted(req("GET")));
    assert!(result.unwrap_err().is_no_runtime());
    assert_eq!((attempts, scripted.calls()), (0, 0));
}

#[tokio::test(start_paused = true)]
async fn the_budget_answers_the_pause_an_answer_made_it_hold() {
    use cfzt_transport::Observation;
    let budget = LocalBudget::new(BudgetQuota::cloudflare());
    let answer = |status: u16, pairs: &[(&'static str, &str)]| {
        let mut headers = http::HeaderMap::new();
        for (k, v) in pairs {
            headers.insert(*k, v.parse().unwrap());
        }
        Observation::new(http::StatusCode::from_u16(status).unwrap(), &headers)
    };
    assert_eq!(budget.observe(&answer(200, &[])).await, None);
    assert_eq!(budget.observe(&answer(503, &[("retry-after", "9")])).await, None, "a 503 asks no pause of the budget");
    assert_eq!(budget.observe(&answer(429, &[("retry-after", "30")])).await, Some(Duration::from_secs(30)));
    // A shorter pause asked during a longer one: the budget holds the longer.
    assert_eq!(budget.observe(&answer(429, &[("retry-after", "5")])).await, Some(Duration::from_secs(30)));
    // A pause longer than any a server may impose is held for MAX_PAUSE.
    let held = budget.observe(&answer(429, &[("retry-after", "3600")])).await;
    assert_eq!(held, Some(cfzt_transport::MAX_PAUSE));
}
