//! Per-call overrides of the retry policy.

use std::time::Duration;

/// Per-call overrides of a [`RetryPolicy`](crate::RetryPolicy), carried in a request's
/// extensions.
///
/// A client inserts them with `request.extensions_mut().insert(options)`; the
/// [`RetryTransport`](crate::RetryTransport) reads them. Fields left `None` keep the
/// policy's value.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestOptions {
    /// Retries after the first attempt.
    pub max_retries: Option<u32>,
    /// The timeout of each attempt.
    pub attempt_timeout: Option<Duration>,
    /// The time all attempts and waits together may take.
    pub deadline: Option<Duration>,
    /// Whether a non-idempotent request (`POST`) may be retried after it may have reached
    /// the server.
    pub retry_non_idempotent: Option<bool>,
}

impl RequestOptions {
    /// Options with nothing set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the retries after the first attempt.
    #[must_use]
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = Some(n);
        self
    }

    /// Sets the timeout of each attempt.
    #[must_use]
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// Sets the overall deadline.
    #[must_use]
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Allows or forbids retrying a non-idempotent request that may have been sent.
    #[must_use]
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.retry_non_idempotent = Some(yes);
        self
    }

    /// `true` when no field is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}
