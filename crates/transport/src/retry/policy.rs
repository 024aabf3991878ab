//! When and how often to retry, and how long to wait: the policy, its backoff and jitter.

use std::time::Duration;

use super::RequestOptions;

/// When and how often the [`RetryTransport`](crate::RetryTransport) retries, and how long
/// it waits.
///
/// The defaults follow Cloudflare's official SDKs (TypeScript and Python) where they are
/// sound: 2 retries, backoff `min(0.5 s × 2ⁿ, 8 s)` times a jitter in (0.75, 1], a 60 s
/// timeout per attempt, `Retry-After` honoured up to 60 s. They are safer where the SDKs
/// are not: a `POST` is not retried once it may have reached the server (unless
/// [`retry_non_idempotent`](RetryPolicy::retry_non_idempotent) is set), and a demand to wait
/// longer than the cap ends the call at once instead of falling back to a short backoff.
///
/// **With a request budget** (a client's default: [`LocalBudget`](crate::LocalBudget)), a
/// 429 is not waited for here: its `Retry-After` pauses the budget, up to
/// [`MAX_PAUSE`](crate::MAX_PAUSE) (15 minutes), and the retry waits there, so the 60 s cap
/// does not apply. With no [`deadline`](Self::deadline) (the default) such a call can wait
/// up to [`MAX_PAUSE`](crate::MAX_PAUSE); set one to bound it (the CLI's default is 6 min).
///
/// Any duration is accepted, `Duration::MAX` included: a deadline past what the clock can
/// hold is no deadline, and a wait that long passes any deadline.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt. Default 2.
    pub max_retries: u32,
    /// The first backoff. Default 0.5 s.
    pub initial_backoff: Duration,
    /// The longest backoff. Default 8 s.
    pub max_backoff: Duration,
    /// The timeout of each attempt. Default 60 s.
    pub attempt_timeout: Option<Duration>,
    /// The time all attempts and waits together may take, waits for the request budget
    /// included. Default none: a call can then wait up to [`MAX_PAUSE`](crate::MAX_PAUSE)
    /// for each pause a server asks for through the budget.
    pub deadline: Option<Duration>,
    /// The longest server-requested wait (`retry-after-ms`, `Retry-After`) that is honoured
    /// before a retry. A longer demand is not waited for: the response is returned as it
    /// is. Default 60 s. A 429 under a request budget waits in the budget instead (up to
    /// [`MAX_PAUSE`](crate::MAX_PAUSE)), where this cap does not apply.
    pub max_retry_after: Duration,
    /// Retry a `POST` even when it may have reached the server. Default `false`.
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            attempt_timeout: Some(Duration::from_secs(60)),
            deadline: None,
            max_retry_after: Duration::from_secs(60),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries (timeouts still apply).
    pub fn no_retries() -> Self {
        Self { max_retries: 0, ..Self::default() }
    }

    /// Sets the number of retries after the first attempt.
    #[must_use]
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// Sets the first and the longest backoff.
    #[must_use]
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max;
        self
    }

    /// Sets the timeout of each attempt (`None`: no timeout).
    #[must_use]
    pub fn attempt_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// Sets the overall deadline across attempts and waits (`None`: no deadline).
    #[must_use]
    pub fn deadline(mut self, deadline: Option<Duration>) -> Self {
        self.deadline = deadline;
        self
    }

    /// Sets the longest server-requested wait that is honoured.
    #[must_use]
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// Allows retrying a `POST` that may have reached the server.
    #[must_use]
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.retry_non_idempotent = yes;
        self
    }

    /// This policy with a call's overrides applied.
    pub(super) fn with_options(&self, options: Option<&RequestOptions>) -> Self {
        let mut policy = self.clone();
        if let Some(o) = options {
            policy.max_retries = o.max_retries.unwrap_or(policy.max_retries);
            policy.attempt_timeout = o.attempt_timeout.or(policy.attempt_timeout);
            policy.deadline = o.deadline.or(policy.deadline);
            policy.retry_non_idempotent = o.retry_non_idempotent.unwrap_or(policy.retry_non_idempotent);
        }
        policy
    }

    /// `true` when a call under this policy may arm a timer: an attempt timeout, a
    /// deadline, or a wait before a retry.
    pub(super) fn needs_timer(&self) -> bool {
        self.attempt_timeout.is_some() || self.deadline.is_some() || self.max_retries > 0
    }

    /// The backoff before retry number `retries_done + 1`, before jitter.
    pub fn backoff_for(&self, retries_done: u32) -> Duration {
        let factor = 2u32.saturating_pow(retries_done.min(31));
        self.initial_backoff.saturating_mul(factor).min(self.max_backoff)
    }

    /// The jittered backoff before retry number `retries_done + 1`.
    pub(super) fn jittered_backoff(&self, retries_done: u32) -> Duration {
        jitter(self.backoff_for(retries_done))
    }
}

/// `d` times a factor in (0.75, 1]; a product past `Duration::MAX` stays `d`.
fn jitter(d: Duration) -> Duration {
    Duration::try_from_secs_f64(d.as_secs_f64() * (1.0 - fastrand::f64() * 0.25)).unwrap_or(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_schedule() {
        let p = RetryPolicy::default();
        let got: Vec<_> = (0..7).map(|n| p.backoff_for(n)).collect();
        let ms = |n| Duration::from_millis(n);
        assert_eq!(got, [ms(500), ms(1000), ms(2000), ms(4000), ms(8000), ms(8000), ms(8000)]);
        assert_eq!(p.backoff_for(u32::MAX), ms(8000));
        for _ in 0..1000 {
            let j = jitter(ms(1000));
            assert!(j > ms(750) && j <= ms(1000), "{j:?}");
        }
        let endless = RetryPolicy::default().backoff(Duration::MAX, Duration::MAX);
        assert_eq!(endless.backoff_for(u32::MAX), Duration::MAX);
        for _ in 0..1000 {
            assert!(endless.jittered_backoff(3) > Duration::from_secs(u64::MAX / 4 * 3));
        }
    }

    #[test]
    fn options_override_the_policy() {
        let o = RequestOptions {
            max_retries: Some(7),
            attempt_timeout: Some(Duration::from_secs(1)),
            ..Default::default()
        };
        let p = RetryPolicy::default().with_options(Some(&o));
        assert_eq!(p.max_retries, 7);
        assert_eq!(p.attempt_timeout, Some(Duration::from_secs(1)));
        assert_eq!(p.max_retry_after, Duration::from_secs(60));
        assert!(RequestOptions::default().is_empty());
    }

    #[test]
    fn which_policies_need_a_timer() {
        let none = RetryPolicy::no_retries().attempt_timeout(None);
        let cases = [
            (RetryPolicy::default(), true),
            (RetryPolicy::no_retries(), true),
            (none.clone(), false),
            (none.clone().max_retries(1), true),
            (none.deadline(Some(Duration::from_secs(1))), true),
        ];
        for (policy, want) in cases {
            assert_eq!(policy.needs_timer(), want, "{policy:?}");
        }
    }
}
