//! The quota a request budget paces to.

use std::time::Duration;

/// How many requests a budget lets through per window, and how many at once.
///
/// The budget keeps to this promise: in **any** interval as long as the window plus a
/// margin, at most `requests` requests start. The [margin](Self::margin), 1 % of the window
/// but at least 20 ms, absorbs the time requests spend on the way, so that the server,
/// which counts arrivals, never sees more than `requests` in a window.
///
/// It lets `burst` requests go at once and paces the rest evenly, one per
/// [`period`](Self::period): the window and its margin over `requests - burst + 1`, the
/// most that keeps the promise. The default burst is 1/100 of the quota, at least 2 from 50
/// requests a window (a request that woke late is caught up) and 1 below: a quota of 2 per
/// 2 s is paced one request every 1.01 s, and a long job reaches 97 to 99 % of any quota
/// (98 % of Cloudflare's, whose burst is 12). A larger burst lets short scripts
/// go faster at first and long jobs slower.
///
/// ```
/// use std::time::Duration;
/// use cfzt_transport::BudgetQuota;
/// let quota = BudgetQuota::new(100, Duration::from_secs(1))?.burst(10)?;
/// assert_eq!(quota.requests(), 100);
/// assert_eq!(BudgetQuota::cloudflare().requests(), 1200);
/// // 2 per 2 s: one request every 1.01 s.
/// let slow = BudgetQuota::new(2, Duration::from_secs(2))?;
/// assert_eq!((slow.burst_size(), slow.period()), (1, Duration::from_millis(1010)));
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
        Self { requests: 1200, window: Duration::from_secs(300), burst: Self::default_burst(1200) }
    }

    /// `requests` per `window`, with the default burst: 1/100 of `requests`, at least 2 from
    /// 50 requests a window and 1 below. Every place of the burst past the first costs the
    /// pacing one place of the window, so a small quota has none to spare: 2 per 2 s paces
    /// one request every 1.01 s.
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
        Ok(Self { requests, window, burst: Self::default_burst(requests) })
    }

    /// The default burst of a quota of `requests`: 1/100 of it; at least 2 from 50 requests
    /// a window, so that a request that woke late (tokio's timers tick in milliseconds) is
    /// caught up by the next one; 1 below, where one place is more than 2 % of the window.
    const fn default_burst(requests: u32) -> u32 {
        let burst = requests / 100;
        if burst >= 2 {
            burst
        } else if requests >= 50 {
            2
        } else {
            1
        }
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
    /// the window, at least 20 ms.
    pub fn margin(&self) -> Duration {
        (self.window / 100).max(Duration::from_millis(20))
    }

    /// The even spacing of requests after the burst: the window and its margin, over
    /// `requests - burst + 1`. A burst of `b` and a start every period put at most
    /// `b - 1 + n` starts in an interval of `n` periods, so `requests` fit in the window
    /// and its margin, and no fewer would: with a burst of 1, `requests` starts are spread
    /// over the whole window.
    pub fn period(&self) -> Duration {
        self.window.saturating_add(self.margin()) / (self.requests - self.burst + 1)
    }

    /// The longest one wait on this pacing can be: the time a whole burst takes to come
    /// back, [`period`](Self::period) × [`burst_size`](Self::burst_size). A request waits at
    /// most one period for a budget that paces to this quota alone; processes sharing a
    /// store, one of them on a slower quota, at most this.
    ///
    /// ```
    /// use std::time::Duration;
    /// let quota = cfzt_transport::BudgetQuota::new(3, Duration::from_secs(1))?.burst(2)?;
    /// assert_eq!(quota.longest_wait(), Duration::from_millis(1020));
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
        assert_eq!(BudgetQuota::cloudflare(), BudgetQuota::new(1200, s(300)).unwrap());
        assert!(BudgetQuota::new(20, s(1)).unwrap().is_faster_than(&BudgetQuota::cloudflare()));
        assert!(!BudgetQuota::cloudflare().is_faster_than(&BudgetQuota::new(4, s(1)).unwrap()));
        let ns = Duration::from_nanos;
        // (requests, window, default burst, period): the window and its margin over
        // `requests - burst + 1`, so that a long job reaches the quota at any size.
        let cases = [
            (2, s(1), 1, ns(510_000_000)),
            (2, s(2), 1, ns(1_010_000_000)),
            (5, s(70), 1, ns(14_140_000_000)),
            (20, s(1), 1, ns(51_000_000)),
            (49, s(1), 1, ns(20_816_326)),
            (50, s(1), 2, ns(20_816_326)),
            (60, s(10), 2, ns(171_186_440)),
            (100, s(5), 2, ns(51_010_101)),
            (1200, s(300), 12, ns(254_835_996)),
            (6000, s(300), 60, ns(51_001_514)),
        ];
        for (requests, window, burst, period) in cases {
            let q = BudgetQuota::new(requests, window).unwrap();
            assert_eq!((q.burst_size(), q.period()), (burst, period), "{requests} per {window:?}");
            // What a long job reaches: `requests - burst + 1` per window and margin.
            let reached = window.as_secs_f64() / period.as_secs_f64() / f64::from(requests);
            assert!(reached >= 0.95, "{requests} per {window:?}: {reached}");
            assert_eq!(q.longest_wait(), period * burst);
        }
        // Any window and count: the period never divides by zero, nor overflows.
        let q = BudgetQuota::new(u32::MAX, Duration::MAX).unwrap().burst(u32::MAX - 1).unwrap();
        assert_eq!(q.period(), Duration::MAX / 2);
        assert_eq!(q.longest_wait(), Duration::MAX);
    }
}
