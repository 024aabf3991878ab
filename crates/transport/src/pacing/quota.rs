//! The quota a request budget paces to.

use std::time::Duration;

/// How many requests a budget lets through per window, and how many at once.
///
/// The budget keeps to this promise: in **any** interval as long as the window plus a
/// margin, at most `requests` requests start. The [margin](Self::margin), 1 % of the window
/// but at least 100 ms, absorbs the time requests spend on the way, so that the server,
/// which counts arrivals, never sees more than `requests` in a window.
///
/// It lets `burst` requests go at once and paces the rest evenly, one per
/// [`period`](Self::period). A small burst keeps a long job close to the quota (the
/// default, 1/100 of it, keeps about 98 % at Cloudflare's quota); a larger one lets short
/// scripts go faster at first and long jobs slower.
///
/// ```
/// use std::time::Duration;
/// use cfzt_transport::BudgetQuota;
/// let quota = BudgetQuota::new(100, Duration::from_secs(1))?.burst(10)?;
/// assert_eq!(quota.requests(), 100);
/// assert_eq!(BudgetQuota::cloudflare().requests(), 1200);
/// # Ok::<(), cfzt_transport::InvalidQuota>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BudgetQuota {
    requests: u32,
    window: Duration,
    burst: u32,
}

/// A [`BudgetQuota`] value that cannot be paced to; it names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid rate budget `{field}`: {reason}")]
pub struct InvalidQuota {
    /// The field: `requests`, `window` or `burst`.
    pub field: &'static str,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl BudgetQuota {
    /// Cloudflare's documented quota: 1,200 requests per 5 minutes per user or token.
    pub const fn cloudflare() -> Self {
        Self { requests: 1200, window: Duration::from_secs(300), burst: 12 }
    }

    /// `requests` per `window`, with the default burst: 1/100 of `requests`, at least 2 (a
    /// burst of 2 lets a request that woke late be caught up by the next).
    ///
    /// # Errors
    ///
    /// [`InvalidQuota`] when `requests` is below 2 or `window` is zero.
    pub fn new(requests: u32, window: Duration) -> Result<Self, InvalidQuota> {
        if requests < 2 {
            return Err(InvalidQuota { field: "requests", reason: "must be at least 2" });
        }
        if window.is_zero() {
            return Err(InvalidQuota { field: "window", reason: "must be longer than zero" });
        }
        Ok(Self { requests, window, burst: (requests / 100).max(2).min(requests - 1) })
    }

    /// Sets how many requests may start at once.
    ///
    /// # Errors
    ///
    /// [`InvalidQuota`] unless `1 <= burst < requests`.
    pub fn burst(mut self, burst: u32) -> Result<Self, InvalidQuota> {
        if burst == 0 || burst >= self.requests {
            return Err(InvalidQuota { field: "burst", reason: "must be at least 1 and below `requests`" });
        }
        self.burst = burst;
        Ok(self)
    }

    /// Requests per window.
    pub fn requests(&self) -> u32 {
        self.requests
    }

    /// The window.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// Requests that may start at once.
    pub fn burst_size(&self) -> u32 {
        self.burst
    }

    /// What the pacing adds to the window for the time requests spend on the way: 1 % of
    /// the window, at least 100 ms.
    pub fn margin(&self) -> Duration {
        (self.window / 100).max(Duration::from_millis(100))
    }

    /// The even spacing of requests after the burst: the window and its margin, over
    /// `requests - burst`.
    pub fn period(&self) -> Duration {
        self.window.saturating_add(self.margin()) / (self.requests - self.burst)
    }

    /// The longest one wait on this pacing can be: the time a whole burst takes to come
    /// back, [`period`](Self::period) × [`burst_size`](Self::burst_size). A request waits at
    /// most one period for a budget that paces to this quota alone; processes sharing a
    /// store, one of them on a slower quota, at most this.
    ///
    /// ```
    /// use std::time::Duration;
    /// let quota = cfzt_transport::BudgetQuota::new(3, Duration::from_secs(1))?;
    /// assert_eq!(quota.longest_wait(), Duration::from_millis(2200));
    /// # Ok::<(), cfzt_transport::InvalidQuota>(())
    /// ```
    pub fn longest_wait(&self) -> Duration {
        self.period().saturating_mul(self.burst)
    }

    /// `true` if this quota lets requests through faster than `other` over a window.
    pub(super) fn is_faster_than(&self, other: &Self) -> bool {
        // requests / window, compared without division.
        u128::from(self.requests) * other.window.as_nanos() > u128::from(other.requests) * self.window.as_nanos()
    }
}

impl Default for BudgetQuota {
    fn default() -> Self {
        Self::cloudflare()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quota_table() {
        let s = Duration::from_secs;
        assert_eq!(BudgetQuota::new(1, s(1)).unwrap_err().field, "requests");
        assert_eq!(BudgetQuota::new(10, Duration::ZERO).unwrap_err().field, "window");
        assert_eq!(BudgetQuota::new(10, s(1)).unwrap().burst(10).unwrap_err().field, "burst");
        assert_eq!(BudgetQuota::new(10, s(1)).unwrap().burst(0).unwrap_err().field, "burst");
        let q = BudgetQuota::new(20, s(1)).unwrap();
        assert_eq!((q.burst_size(), q.period()), (2, Duration::from_nanos(61_111_111)));
        assert_eq!(BudgetQuota::new(2, s(1)).unwrap().burst_size(), 1);
        assert_eq!(BudgetQuota::cloudflare(), BudgetQuota::new(1200, s(300)).unwrap());
        assert_eq!(BudgetQuota::cloudflare().period(), Duration::from_nanos(255_050_505));
        assert!(BudgetQuota::new(20, s(1)).unwrap().is_faster_than(&BudgetQuota::cloudflare()));
        assert!(!BudgetQuota::cloudflare().is_faster_than(&BudgetQuota::new(4, s(1)).unwrap()));
        // Any window and count: the period never divides by zero.
        let q = BudgetQuota::new(u32::MAX, Duration::MAX).unwrap().burst(u32::MAX - 1).unwrap();
        assert_eq!(q.period(), Duration::MAX);
        assert_eq!(q.longest_wait(), Duration::MAX);
        assert_eq!(BudgetQuota::new(20, s(1)).unwrap().longest_wait(), Duration::from_nanos(122_222_222));
    }
}
