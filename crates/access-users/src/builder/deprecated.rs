//! The builder's pacing and retry-token methods by their former names: thin wrappers over
//! [`ClientBuilder::pacing`] and [`ClientBuilder::retry_tokens`], kept because they were
//! published.

use std::sync::Arc;

use cfzt_transport::{BudgetQuota, RequestBudget, RetryTokens};

use super::ClientBuilder;
use crate::Pacing;

impl ClientBuilder {
    /// Paces to `quota`: `pacing(Pacing::Quota(quota))`, or, after
    /// [`redis_budget`](Self::redis_budget), the quota of the budget kept in Redis.
    #[deprecated(note = "use `pacing(Pacing::Quota(quota))`")]
    pub fn rate_limit(mut self, quota: BudgetQuota) -> Self {
        let pacing = match self.pacing.take() {
            Some(Pacing::Redis { url, .. }) => Pacing::Redis { url, quota: Some(quota) },
            _ => Pacing::Quota(quota),
        };
        self.pacing(pacing)
    }

    /// Keeps the request budget in Redis at `url`, at the quota of
    /// [`rate_limit`](Self::rate_limit) (default: Cloudflare's):
    /// `pacing(Pacing::Redis { url, quota })`. As before, it wins over
    /// [`request_budget`](Self::request_budget) and
    /// [`no_request_budget`](Self::no_request_budget) whatever their order.
    #[deprecated(note = "use `pacing(Pacing::Redis { url, quota })`")]
    pub fn redis_budget(self, url: impl Into<String>) -> Self {
        let quota = self.pacing.as_ref().and_then(Pacing::quota);
        self.pacing(Pacing::Redis { url: url.into(), quota })
    }

    /// Paces every request with `budget`: `pacing(Pacing::Shared(budget))`.
    #[deprecated(note = "use `pacing(Pacing::Shared(budget))`")]
    pub fn request_budget(self, budget: Arc<dyn RequestBudget>) -> Self {
        if matches!(self.pacing, Some(Pacing::Redis { .. })) {
            return self;
        }
        self.pacing(Pacing::Shared(budget))
    }

    /// Switches the request budget off: `pacing(Pacing::Off)`.
    #[deprecated(note = "use `pacing(Pacing::Off)`")]
    pub fn no_request_budget(self) -> Self {
        if matches!(self.pacing, Some(Pacing::Redis { .. })) {
            return self;
        }
        self.pacing(Pacing::Off)
    }

    /// The retry tokens: [`retry_tokens`](Self::retry_tokens).
    #[deprecated(note = "use `retry_tokens`: \"budget\" now means the request budget only")]
    pub fn retry_budget(self, tokens: Arc<RetryTokens>) -> Self {
        self.retry_tokens(tokens)
    }
}
