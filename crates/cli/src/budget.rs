//! The client's request budget, as `--rate-limit` sets it, metered: how long requests have
//! waited for it (for the progress bar), and a line on stderr when a wait is long. The
//! budget tells of its waits itself ([`PacingEvent`]); the meter only listens.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use cfzt_transport::{BudgetQuota, LocalBudget, PacingEvent, RequestBudget};
use tokio::time::Instant;

/// A wait at least this long is announced on stderr.
const ANNOUNCE: Duration = Duration::from_secs(3);

/// The in-process budget with a stopwatch: the wall-clock time during which at least one
/// request waited for it.
#[derive(Debug)]
pub(crate) struct MeteredBudget {
    inner: Arc<LocalBudget>,
    clock: Arc<Stopwatch>,
}

/// What the budget's listener updates.
#[derive(Debug, Default)]
struct Stopwatch(Mutex<Clock>);

#[derive(Debug, Default)]
struct Clock {
    waiting: usize,
    since: Option<Instant>,
    total: Duration,
    announced_until: Option<Instant>,
}

impl MeteredBudget {
    /// Meters `inner`, which paces the client.
    pub(crate) fn new(inner: LocalBudget) -> MeteredBudget {
        let clock = Arc::new(Stopwatch::default());
        let heard = clock.clone();
        let inner = inner.on_event(move |event| match event {
            PacingEvent::Waiting { wait } => heard.start_waiting(wait),
            PacingEvent::Waited { .. } => heard.stop_waiting(),
            _ => {}
        });
        MeteredBudget { inner: Arc::new(inner), clock }
    }

    /// The budget itself, for the client to pace with.
    pub(crate) fn budget(&self) -> Arc<dyn RequestBudget> {
        self.inner.clone()
    }

    /// The quota it paces to now: the one set, or the one the server announced.
    pub(crate) fn quota(&self) -> BudgetQuota {
        self.inner.quota()
    }

    /// How long requests have waited so far (waits that overlap count once).
    pub(crate) fn waited(&self) -> Duration {
        let clock = self.clock.lock();
        clock.total + clock.since.map_or(Duration::ZERO, |since| since.elapsed())
    }
}

impl Stopwatch {
    fn lock(&self) -> std::sync::MutexGuard<'_, Clock> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Starts the stopwatch for one waiting request; the budget says when the wait ends,
    /// also when it is given up (its future dropped, as on Ctrl-C or a timeout).
    fn start_waiting(&self, wait: Duration) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn waits_are_metered_once_however_many_wait() {
        let quota = BudgetQuota::new(10, Duration::from_secs(10)).unwrap();
        let budget = std::sync::Arc::new(MeteredBudget::new(LocalBudget::new(quota)));
        let paced = budget.budget();
        for _ in 0..quota.burst_size() {
            assert_eq!(paced.acquire(None).await.unwrap(), Duration::ZERO);
        }
        assert_eq!(budget.waited(), Duration::ZERO);
        let (a, b) = tokio::join!(paced.acquire(None), paced.acquire(None));
        let longest = a.unwrap().max(b.unwrap());
        assert!(longest > Duration::ZERO);
        assert_eq!(budget.waited(), longest, "overlapping waits count once");
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_past_the_deadline_fails_at_once() {
        let quota = BudgetQuota::new(2, Duration::from_secs(60)).unwrap();
        let budget = MeteredBudget::new(LocalBudget::new(quota));
        let paced = budget.budget();
        for _ in 0..quota.burst_size() {
            assert_eq!(paced.acquire(None).await.unwrap(), Duration::ZERO);
        }
        let err = paced.acquire(Some(Instant::now() + Duration::from_secs(1))).await.unwrap_err();
        assert!(err.would_wait().is_some_and(|w| w > Duration::from_secs(1)));
        assert_eq!(budget.waited(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_given_up_stops_the_stopwatch() {
        let quota = BudgetQuota::new(2, Duration::from_secs(60)).unwrap();
        let budget = MeteredBudget::new(LocalBudget::new(quota));
        let paced = budget.budget();
        for _ in 0..quota.burst_size() {
            paced.acquire(None).await.unwrap();
        }
        // The next place is a minute away; the caller gives up after 100 ms (Ctrl-C, a timeout).
        let given_up = tokio::time::timeout(Duration::from_millis(100), paced.acquire(None)).await;
        assert!(given_up.is_err());
        assert_eq!(budget.waited(), Duration::from_millis(100));
        tokio::time::sleep(Duration::from_secs(600)).await;
        assert_eq!(budget.waited(), Duration::from_millis(100), "nobody waits any more");
    }
}
