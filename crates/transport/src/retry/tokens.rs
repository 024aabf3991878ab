//! The retry tokens shared by every request of a client.

use std::sync::atomic::{AtomicU32, Ordering};

/// The retry tokens: a token bucket that bounds retries across every request sharing it,
/// as the AWS SDKs do (their "retry quota"; this crate's "budget" is the request budget,
/// [`RequestBudget`](crate::RequestBudget), which paces requests): a retry costs 5 tokens (10 after a timeout), a success returns 1 (or the cost of the
/// retry that led to it), and when the bucket is empty requests are still sent but no
/// longer retried. During an outage this stops a thousand tasks from tripling the load.
#[derive(Debug)]
pub struct RetryTokens {
    tokens: AtomicU32,
    capacity: u32,
}

impl RetryTokens {
    /// The cost of a retry.
    pub const RETRY_COST: u32 = 5;
    /// The cost of a retry after a timeout.
    pub const TIMEOUT_RETRY_COST: u32 = 10;

    /// A full bucket of `capacity` tokens. The default is 500.
    pub fn new(capacity: u32) -> Self {
        Self { tokens: AtomicU32::new(capacity), capacity }
    }

    /// The tokens left.
    pub fn available(&self) -> u32 {
        self.tokens.load(Ordering::Relaxed)
    }

    pub(super) fn try_acquire(&self, cost: u32) -> bool {
        self.tokens.fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| t.checked_sub(cost)).is_ok()
    }

    pub(super) fn refund(&self, amount: u32) {
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| Some(t.saturating_add(amount).min(self.capacity)));
    }
}

/// The former name of [`RetryTokens`].
#[deprecated(note = "renamed RetryTokens: \"budget\" now means the request budget only")]
pub type RetryBudget = RetryTokens;

impl Default for RetryTokens {
    fn default() -> Self {
        Self::new(500)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_empty_and_refill() {
        let b = RetryTokens::new(12);
        assert!(b.try_acquire(5) && b.try_acquire(5));
        assert!(!b.try_acquire(5));
        b.refund(100);
        assert_eq!(b.available(), 12);
    }
}
