//! The request budget: keeps every request of a client inside the API's rate limit.
//!
//! A [`RequestBudget`] is asked for a place before each attempt and told what each answer
//! said. [`LocalBudget`] keeps the budget in this process; `RedisBudget` (feature `redis`)
//! keeps it in Redis, shared by several processes.

use std::time::Duration;

use async_trait::async_trait;
use tokio::time::Instant;

mod clock;
mod headers;
mod local;
mod policy;
mod quota;
#[cfg(feature = "redis")]
mod redis;
mod retry_after;

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

    /// Learns from one answer: its rate-limit headers, and a 429's pause.
    async fn observe(&self, observation: &Observation);
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
