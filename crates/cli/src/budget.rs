//! The client's request budget, as `--rate-limit` sets it, metered: how long requests have
//! waited for it (for the progress bar), and a line on stderr when a wait is long.

use std::sync::Mutex;
use std::time::Duration;

use cfzt_transport::{BudgetError, BudgetQuota, LocalBudget, Observation, RequestBudget, async_trait};
use tokio::time::Instant;

/// A wait at least this long is announced on stderr.
const ANNOUNCE: Duration = Duration::from_secs(3);

/// The in-process budget with a stopwatch: the wall-clock time during which at least one
/// request waited for it.
#[derive(Debug)]
pub(crate) struct MeteredBudget {
    inner: LocalBudget,
    clock: Mutex<Clock>,
}

#[derive(Debug, Default)]
struct Clock {
    waiting: usize,
    since: Option<Instant>,
    total: Duration,
    announced_until: Option<Instant>,
}

impl MeteredBudget {
    pub(crate) fn new(inner: LocalBudget) -> MeteredBudget {
        MeteredBudget { inner, clock: Mutex::default() }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Clock> {
        self.clock.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The quota it paces to now: the one set, or the one the server announced.
    pub(crate) fn quota(&self) -> BudgetQuota {
        self.inner.quota()
    }

    /// How long requests have waited so far (waits that overlap count once).
    pub(crate) fn waited(&self) -> Duration {
        let clock = self.lock();
        clock.total + clock.since.map_or(Duration::ZERO, |since| since.elapsed())
    }

    /// Starts the stopwatch for one waiting request; it stops when the guard drops, so a
    /// wait given up (its future dropped, as on Ctrl-C or a timeout) stops it too.
    fn start_waiting(&self, wait: Duration) -> Waiting<'_> {
        let now = Instant::now();
        let mut clock = self.lock();
        if clock.waiting == 0 {
            clock.since = Some(now);
        }
        clock.waiting += 1;
        // One line per pause, however many requests wait in it.
        if wait >= ANNOUNCE && clock.announced_until.is_none_or(|until| until < now) {
            clock.announced_until = Some(now + wait);
            let at = chrono::Utc::now() + chrono::Duration::from_std(wait).unwrap_or_default();
            crate::console::say!(
                "waiting {} s for the rate budget (until {} UTC); Ctrl-C to stop",
                wait.as_secs(),
                at.format("%H:%M:%S")
            );
        }
        Waiting(self)
    }

    fn stop_waiting(&self) {
        let mut clock = self.lock();
        clock.waiting = clock.waiting.saturating_sub(1);
        if clock.waiting == 0
            && let Some(since) = clock.since.take()
        {
            clock.total += since.elapsed();
        }
    }
}

/// One request waiting for the budget: the stopwatch counts it until this drops.
struct Waiting<'a>(&'a MeteredBudget);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.stop_waiting();
    }
}

#[async_trait]
impl RequestBudget for MeteredBudget {
    async fn acquire(&self, deadline: Option<Instant>) -> Result<Duration, BudgetError> {
        // A place free now is taken at once; otherwise the refusal says how long the wait is.
        let wait = match self.inner.acquire(Some(Instant::now())).await {
            Ok(waited) => return Ok(waited),
            Err(BudgetError::WouldPassDeadline { would_wait }) => would_wait,
            Err(e) => return Err(e),
        };
        if deadline.is_some_and(|d| Instant::now().checked_add(wait).is_none_or(|until| until > d)) {
            return Err(BudgetError::WouldPassDeadline { would_wait: wait });
        }
        let _waiting = self.start_waiting(wait);
        self.inner.acquire(deadline).await
    }

    async fn observe(&self, observation: &Observation) {
        self.inner.observe(observation).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn waits_are_metered_once_however_many_wait() {
        let quota = BudgetQuota::new(10, Duration::from_secs(10)).unwrap();
        let budget = std::sync::Arc::new(MeteredBudget::new(LocalBudget::new(quota)));
        for _ in 0..quota.burst_size() {
            assert_eq!(budget.acquire(None).await.unwrap(), Duration::ZERO);
        }
        assert_eq!(budget.waited(), Duration::ZERO);
        let (a, b) = tokio::join!(budget.acquire(None), budget.acquire(None));
        let longest = a.unwrap().max(b.unwrap());
        assert!(longest > Duration::ZERO);
        assert_eq!(budget.waited(), longest, "overlapping waits count once");
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_past_the_deadline_fails_at_once() {
        let quota = BudgetQuota::new(2, Duration::from_secs(60)).unwrap();
        let budget = MeteredBudget::new(LocalBudget::new(quota));
        for _ in 0..quota.burst_size() {
            assert_eq!(budget.acquire(None).await.unwrap(), Duration::ZERO);
        }
        let err = budget.acquire(Some(Instant::now() + Duration::from_secs(1))).await.unwrap_err();
        assert!(err.would_wait().is_some_and(|w| w > Duration::from_secs(1)));
        assert_eq!(budget.waited(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_given_up_stops_the_stopwatch() {
        let quota = BudgetQuota::new(2, Duration::from_secs(60)).unwrap();
        let budget = MeteredBudget::new(LocalBudget::new(quota));
        for _ in 0..quota.burst_size() {
            budget.acquire(None).await.unwrap();
        }
        // The next place is a minute away; the caller gives up after 100 ms (Ctrl-C, a timeout).
        let given_up = tokio::time::timeout(Duration::from_millis(100), budget.acquire(None)).await;
        assert!(given_up.is_err());
        assert_eq!(budget.waited(), Duration::from_millis(100));
        tokio::time::sleep(Duration::from_secs(600)).await;
        assert_eq!(budget.waited(), Duration::from_millis(100), "nobody waits any more");
    }
}
