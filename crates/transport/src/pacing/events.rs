//! What a request budget tells a listener about its waits, as they happen.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

/// One moment of a request's wait for a place in a request budget, told to the budget's
/// listener (see [`LocalBudget::on_event`](super::LocalBudget::on_event)).
///
/// Every [`Waiting`](Self::Waiting) is followed by exactly one [`Waited`](Self::Waited),
/// also when the wait is given up (its future dropped, as on Ctrl-C or a timeout). A
/// request that finds a place at once, or is refused because the wait would pass its
/// deadline, sends neither.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PacingEvent {
    /// A request starts to wait, for about `wait` (the budget's estimate at the start).
    Waiting {
        /// How long the budget expects the request to wait.
        wait: Duration,
    },
    /// The request's wait ended, with a place or given up, after `waited`.
    Waited {
        /// How long the request waited.
        waited: Duration,
    },
}

/// A listener of [`PacingEvent`]s, shared by every clone of the budget that holds it.
#[derive(Clone)]
pub(super) struct Listener(Arc<dyn Fn(PacingEvent) + Send + Sync>);

impl Listener {
    pub(super) fn new(f: impl Fn(PacingEvent) + Send + Sync + 'static) -> Self {
        Self(Arc::new(f))
    }
}

impl fmt::Debug for Listener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Listener")
    }
}

/// One request's wait, as its listener hears of it: [`waiting`](Self::waiting) tells the
/// start (once), and dropping it tells the end.
pub(super) struct WaitReport<'a> {
    listener: Option<&'a Listener>,
    since: Option<Instant>,
}

impl<'a> WaitReport<'a> {
    pub(super) fn new(listener: Option<&'a Listener>) -> Self {
        Self { listener, since: None }
    }

    /// The request is about to wait `wait`; told once per request.
    pub(super) fn waiting(&mut self, wait: Duration) {
        if let (Some(listener), None) = (self.listener, self.since) {
            self.since = Some(Instant::now());
            (listener.0)(PacingEvent::Waiting { wait });
        }
    }
}

impl Drop for WaitReport<'_> {
    fn drop(&mut self) {
        if let (Some(listener), Some(since)) = (self.listener, self.since) {
            (listener.0)(PacingEvent::Waited { waited: since.elapsed() });
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::{BudgetQuota, LocalBudget, RequestBudget};

    /// A budget of one place a minute, and what its listener heard.
    fn heard() -> (LocalBudget, Arc<Mutex<Vec<PacingEvent>>>) {
        let heard = Arc::new(Mutex::new(Vec::new()));
        let log = heard.clone();
        let quota = BudgetQuota::new(2, Duration::from_secs(120)).unwrap().burst(1).unwrap();
        (LocalBudget::new(quota).on_event(move |e| log.lock().unwrap().push(e)), heard)
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_is_told_once_at_its_start_and_once_at_its_end() {
        let (budget, heard) = heard();
        budget.acquire(None).await.unwrap();
        assert!(heard.lock().unwrap().is_empty(), "a place at once is no wait");
        let waited = budget.acquire(None).await.unwrap();
        assert!(waited > Duration::ZERO);
        assert_eq!(*heard.lock().unwrap(), [PacingEvent::Waiting { wait: waited }, PacingEvent::Waited { waited }]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_refused_wait_is_not_told_and_a_given_up_one_ends() {
        let (budget, heard) = heard();
        budget.acquire(None).await.unwrap();
        assert!(budget.acquire(Some(Instant::now() + Duration::from_secs(1))).await.is_err());
        assert!(heard.lock().unwrap().is_empty(), "refused at once: no wait");
        let given_up = tokio::time::timeout(Duration::from_millis(100), budget.acquire(None)).await;
        assert!(given_up.is_err());
        let events = heard.lock().unwrap().clone();
        assert!(
            matches!(events[..], [PacingEvent::Waiting { .. }, PacingEvent::Waited { waited }] if waited == Duration::from_millis(100)),
            "{events:?}"
        );
    }
}
