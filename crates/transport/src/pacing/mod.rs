//! Pacing: keeps every request of a client inside the API's rate limit.
//!
//! Everything a 429 touches lives here: the rate-limit headers ([`Observation`]),
//! `Retry-After` ([`retry_after`], its one parser), the [`RequestBudget`] trait, the
//! in-process [`LocalBudget`] and the Redis-kept `RedisBudget` (feature `redis`), and what a
//! budget tells of its waits ([`PacingEvent`]). A budget is asked for a place before each
//! attempt and told what each answer said; its [`observe`](RequestBudget::observe) is the
//! one owner of how long the next attempt must wait after an answer that asked for a pause.
//! The retry layer (`retry/`) imports this folder; nothing here imports `retry/`.

use std::time::Duration;

use async_trait::async_trait;
use tokio::time::Instant;

mod clock;
mod events;
mod headers;
mod local;
mod policy;
mod quota;
#[cfg(feature = "redis")]
mod redis;
mod retry_after;

pub use events::PacingEvent;
pub use headers::{Observation, RateLimitStatus};
pub use local::LocalBudget;
pub use policy::MAX_PAUSE;
pub use quota::{BudgetQuota, InvalidQuota};
#[cfg(all(feature = "redis", feature = "test-util"))]
pub use redis::RedisServer;
#[cfg(feature = "redis")]
pub use redis::{InvalidRedisBudget, RedisBudget, RedisBudgetBuilder, WhenUnavailable, credential_fingerprint};
pub use retry_after::retry_after;

/// Paces requests to a rate limit shared by everything that holds it.
///
/// The [`RetryTransport`](crate::RetryTransport) calls [`acquire`](Self::acquire) before
/// every attempt and [`observe`](Self::observe) after every answer. Implementations are
/// shared (`Arc`) by every request that spends the same quota.
///
/// Waiting is done by the future `acquire` returns: dropping it gives up the wait.
#[async_trait]
pub trait RequestBudget: Send + Sync + std::fmt::Debug {
    /// Waits until one more request may start, and returns how long it waited.
    ///
    /// # Errors
    ///
    /// [`BudgetError::WouldPassDeadline`] at once, without waiting, when the wait would pass
    /// `deadline`; [`BudgetError::Unavailable`] when a shared budget's store cannot be reached.
    async fn acquire(&self, deadline: Option<Instant>) -> Result<Duration, BudgetError>;

    /// Learns from one answer (its rate-limit headers, and a 429's pause), and answers how
    /// long this budget now holds every request because of it: `Some(pause)` when the
    /// answer asked for a pause (a 429, or no request left in the window) and the budget
    /// took it, `None` otherwise.
    ///
    /// The retry layer takes this answer as the wait before a retry: a budget that holds
    /// the pause makes the retry wait in [`acquire`](Self::acquire) (bounded by the
    /// deadline, not by `RetryPolicy::max_retry_after`); after `None` the retry layer waits
    /// as the policy says. A budget that does not pause answers `None`.
    async fn observe(&self, observation: &Observation) -> Option<Duration>;
}

/// In the extensions of a response the retry layer returned instead of retrying it,
/// because the request budget would have held the retry past the call's deadline: how
/// long the retry would have waited.
///
/// The response itself (a 429, with the API's error code, message and `cf-ray`) is what
/// the call returns; a call refused before any answer came gets
/// [`TransportError::Pacing`](crate::TransportError::Pacing) instead.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PacingRefusal {
    /// How long the request budget would have made the retry wait.
    pub would_wait: Duration,
}

impl PacingRefusal {
    /// A refusal of a retry that would have waited `would_wait`.
    pub fn new(would_wait: Duration) -> Self {
        Self { would_wait }
    }
}

/// Why a request budget did not give a place.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum BudgetError {
    /// The wait would have passed the request's deadline; nothing was sent.
    #[error("the rate budget would have made the request wait {would_wait:?}, past its deadline")]
    WouldPassDeadline {
        /// How long the request would have waited.
        would_wait: Duration,
    },
    /// The store that keeps a shared budget could not be reached, and the budget is set to
    /// fail rather than fall back.
    #[error("the shared rate budget is unavailable")]
    Unavailable {
        /// What the store reported.
        #[source]
        source: crate::BoxError,
    },
}

impl BudgetError {
    /// How long the request would have waited, for [`BudgetError::WouldPassDeadline`].
    pub fn would_wait(&self) -> Option<Duration> {
        match self {
            Self::WouldPassDeadline { would_wait } => Some(*would_wait),
            Self::Unavailable { .. } => None,
        }
    }
}
