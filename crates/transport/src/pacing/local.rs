//! The in-process request budget: `governor` paces, the server's headers correct it.

use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use governor::middleware::NoOpMiddleware;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};
use tokio::time::Instant;

use super::clock::{TokioClock, TokioInstant};
use super::events::{Listener, WaitReport};
use super::policy::{MAX_PAUSE, PolicyLearner, remaining_within};
use super::{BudgetError, BudgetQuota, Observation, PacingEvent, RequestBudget};

type Limiter = RateLimiter<NotKeyed, InMemoryState, TokioClock, NoOpMiddleware<TokioInstant>>;

/// A request budget kept in this process: the default budget of a client.
///
/// - **Paces** requests to a [`BudgetQuota`] with `governor`'s GCRA limiter (on tokio's
///   clock, so tests can pause time). Until the first answer has told it the server's
///   quota, it lets one request go per period, without a burst: a server whose quota is
///   under the burst is heard before it is spent.
/// - **Learns** from every answer's `Ratelimit` header what is left in the server's window
///   and when it ends: when fewer requests remain than this budget would allow (another
///   program spends the same token), or none, it lets through only that many until the
///   window's end (the earliest end the answers of that window allow, to the second).
/// - **Follows** the `Ratelimit-Policy` the server announces, faster or slower, with no more
///   places at once than the old pacing had left. A budget made with [`new`](Self::new)
///   holds the quota it was given as a ceiling (a raise is followed up to it); the default
///   one ([`following`](Self::following), [`Default`]) has none. An absurd policy (a window
///   longer than [`MAX_PAUSE`], fewer than 2 or more than a million requests, a pace that
///   would make one request wait longer than [`MAX_PAUSE`]) is refused with a warning, and
///   the quota kept.
/// - **Pauses** every request on a 429, until the server's `Retry-After` (or the window's
///   reset) has passed. A pause is at most [`MAX_PAUSE`].
///
/// Share it between clients with an `Arc` so that they share one quota.
#[derive(Debug)]
pub struct LocalBudget {
    state: Mutex<State>,
    listener: Option<Listener>,
}

#[derive(Debug)]
struct State {
    quota: BudgetQuota,
    limiter: Limiter,
    /// No request starts before this (a 429, or an exhausted window).
    paused_until: Option<Instant>,
    /// What the server last said of its window: when it ends, and how many are left.
    server_window: Option<(Instant, u64)>,
    policies: PolicyLearner,
    /// Until the first answer: when the next request may go (one per period, no burst).
    untaught: Option<Option<Instant>>,
}

fn limiter(quota: &BudgetQuota) -> Limiter {
    // A period past a year is as good as never; governor counts in 64-bit nanoseconds.
    let period = quota.period().min(Duration::from_secs(365 * 24 * 3600));
    let burst = NonZeroU32::new(quota.burst_size()).unwrap_or(NonZeroU32::MIN);
    let quota = Quota::with_period(period).unwrap_or_else(|| Quota::per_second(NonZeroU32::MAX)).allow_burst(burst);
    RateLimiter::direct_with_clock(quota, TokioClock)
}

/// A limiter for `quota` that starts with the places `old` has left, at most its burst:
/// changing the quota never lets more requests through at once than the old pacing would.
fn carry_over(old: &Limiter, quota: &BudgetQuota) -> Limiter {
    let new = limiter(quota);
    let burst = quota.burst_size();
    let spare = (0..burst).take_while(|_| old.check().is_ok()).count() as u32;
    for _ in spare..burst {
        let _ = new.check();
    }
    new
}

impl LocalBudget {
    /// A budget pacing to `quota`, a ceiling: it follows a slower policy the server
    /// announces, and a faster one back up to `quota`, never past it.
    pub fn new(quota: BudgetQuota) -> Self {
        Self::with_learner(quota, PolicyLearner::new(Some(quota)))
    }

    /// A budget that starts at `quota` and follows every sane policy the server announces,
    /// faster or slower: the default budget, at [`BudgetQuota::cloudflare`], paces an
    /// account whose limit was raised to the raise.
    ///
    /// ```
    /// use cfzt_transport::{BudgetQuota, LocalBudget};
    /// let budget = LocalBudget::following(BudgetQuota::cloudflare());
    /// assert_eq!(budget.quota(), BudgetQuota::cloudflare());
    /// ```
    pub fn following(quota: BudgetQuota) -> Self {
        Self::with_learner(quota, PolicyLearner::new(None))
    }

    /// A budget that stands in for another (a shared budget's fallback), with the same
    /// `ceiling`: the other one logs the policies it refuses, so this one does not repeat it.
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    pub(super) fn fallback(quota: BudgetQuota, ceiling: Option<BudgetQuota>) -> Self {
        Self::with_learner(quota, PolicyLearner::new(ceiling).quiet())
    }

    fn with_learner(quota: BudgetQuota, policies: PolicyLearner) -> Self {
        let state = State {
            limiter: limiter(&quota),
            quota,
            paused_until: None,
            server_window: None,
            policies,
            untaught: Some(None),
        };
        Self { state: Mutex::new(state), listener: None }
    }

    /// Tells `listener` of every wait a request starts and ends in this budget (see
    /// [`PacingEvent`]): a progress display's way to show the time spent waiting, without
    /// asking the budget for a place to learn how long the wait is.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// use cfzt_transport::{BudgetQuota, LocalBudget, PacingEvent};
    ///
    /// let heard = Arc::new(Mutex::new(Vec::new()));
    /// let log = heard.clone();
    /// let budget = LocalBudget::new(BudgetQuota::cloudflare())
    ///     .on_event(move |event: PacingEvent| log.lock().unwrap().push(event));
    /// # drop(budget);
    /// ```
    #[must_use]
    pub fn on_event(mut self, listener: impl Fn(PacingEvent) + Send + Sync + 'static) -> Self {
        self.listener = Some(Listener::new(listener));
        self
    }

    /// The quota it paces to now: the one it was made with, or the one the server announced.
    pub fn quota(&self) -> BudgetQuota {
        self.lock().quota
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state stays consistent at every await-free step, so a poisoned lock is usable.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// How long the next request must wait; `None` takes a place now.
    fn next_wait(&self, now: Instant) -> Option<Duration> {
        let mut s = self.lock();
        if let Some(until) = s.paused_until {
            if until > now {
                return Some(until - now);
            }
            s.paused_until = None;
        }
        if let Some((end, left)) = s.server_window {
            if end <= now {
                s.server_window = None;
            } else if left == 0 {
                return Some(end - now);
            }
        }
        if let Some(Some(next)) = s.untaught
            && next > now
        {
            return Some(next - now);
        }
        if let Err(not_until) = s.limiter.check() {
            return Some(not_until.wait_time_from(TokioInstant(now)));
        }
        let period = s.quota.period();
        if let Some(next) = &mut s.untaught {
            *next = now.checked_add(period);
        }
        if let Some((_, left)) = &mut s.server_window {
            *left -= 1;
        }
        None
    }
}

impl Default for LocalBudget {
    /// [`LocalBudget::following`] Cloudflare's documented quota.
    fn default() -> Self {
        Self::following(BudgetQuota::default())
    }
}

#[async_trait]
impl RequestBudget for LocalBudget {
    async fn acquire(&self, deadline: Option<Instant>) -> Result<Duration, BudgetError> {
        let start = Instant::now();
        let mut report = WaitReport::new(self.listener.as_ref());
        loop {
            let now = Instant::now();
            let Some(wait) = self.next_wait(now) else {
                return Ok(now - start);
            };
            let waited = now - start;
            if let Some(deadline) = deadline
                && now.checked_add(wait).is_none_or(|until| until > deadline)
            {
                return Err(BudgetError::WouldPassDeadline { would_wait: waited.saturating_add(wait) });
            }
            report.waiting(wait);
            tokio::time::sleep(wait).await;
        }
    }

    async fn observe(&self, observation: &Observation) -> Option<Duration> {
        let now = Instant::now();
        let mut s = self.lock();
        s.untaught = None;
        // A window with nothing left holds requests until its end (below), which the
        // answers of that window tell to the second; only a 429 pauses by itself.
        let asked = observation.pause().filter(|_| observation.is_refusal());
        if let Some(pause) = asked {
            let until = now.checked_add(pause.min(MAX_PAUSE));
            if until > s.paused_until {
                s.paused_until = until;
                tracing::warn!(
                    pause_ms = pause.min(MAX_PAUSE).as_millis() as u64,
                    "rate limited: pausing every request"
                );
            }
        }
        // The pause this answer asked for, as this budget holds it (a longer one may be in force).
        let pause = asked.and(s.paused_until).map(|until| until.saturating_duration_since(now));
        let Some(status) = observation.rate_limit else { return pause };
        // The policy first: what is left is clamped to the quota it announces.
        let current = s.quota;
        if let Some(announced) = s.policies.follow(&current, &status) {
            s.limiter = carry_over(&s.limiter, &announced);
            s.quota = announced;
        }
        if let (Some(left), Some(reset)) = (status.remaining, status.reset)
            && let Some(end) = now.checked_add(reset.min(MAX_PAUSE))
        {
            let left = remaining_within(left, &s.quota);
            s.server_window = Some(match s.server_window {
                // `t` is in whole seconds, rounded up: each answer of one window gives an end
                // up to a second late, never early, so the earliest is the closest.
                Some((known, ours)) if known > now && end <= known + Duration::from_secs(1) => {
                    (known.min(end), ours.min(left))
                }
                _ => (end, left),
            });
        }
        pause
    }
}

#[cfg(test)]
mod tests;
