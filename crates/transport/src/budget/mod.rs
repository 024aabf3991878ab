//! The request budget: keeps every request of a client inside the API's rate limit.
//!
//! A [`RequestBudget`] is asked for a place before each attempt and told what each answer
//! said. [`LocalBudget`] keeps the budget in this process; the trait is the seam for one kept
//! in a store that several processes share.

use std::time::Duration;

use async_trait::async_trait;
use tokio::time::Instant;

mod clock;
mod headers;
mod local;
mod quota;

pub use headers::{Observation, RateLimitStatus};
pub use local::{LocalBudget, MAX_PAUSE};
pub use quota::{BudgetQuota, InvalidQuota};

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
    /// [`BudgetExceeded`] at once, without waiting, when the wait would pass `deadline`.
    async fn acquire(&self, deadline: Option<Instant>) -> Result<Duration, BudgetExceeded>;

    /// Learns from one answer: its rate-limit headers, and a 429's pause.
    async fn observe(&self, observation: &Observation);
}

/// A request was not started because the rate budget would have made it wait past its
/// deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the rate budget would have made the request wait {would_wait:?}, past its deadline")]
pub struct BudgetExceeded {
    /// How long the request would have waited.
    pub would_wait: Duration,
}
