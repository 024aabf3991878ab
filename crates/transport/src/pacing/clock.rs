//! A `governor` clock on tokio's time, so that pacing follows `tokio::time::pause()` in
//! tests and sleeps on the same clock it measures.

use std::ops::Add;
use std::time::Duration;

use governor::clock::{Clock, Reference};
use governor::nanos::Nanos;
use tokio::time::Instant;

/// An instant of tokio's clock, as `governor` reads time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) struct TokioInstant(pub(super) Instant);

impl Add<Nanos> for TokioInstant {
    type Output = Self;

    fn add(self, nanos: Nanos) -> Self {
        // Saturates: an instant past what the platform can hold stays where it is, which
        // only makes the limiter stricter.
        Self(self.0.checked_add(Duration::from(nanos)).unwrap_or(self.0))
    }
}

impl Reference for TokioInstant {
    fn duration_since(&self, earlier: Self) -> Nanos {
        Nanos::from(self.0.saturating_duration_since(earlier.0))
    }

    fn saturating_sub(&self, duration: Nanos) -> Self {
        Self(self.0.checked_sub(Duration::from(duration)).unwrap_or(self.0))
    }
}

/// `governor`'s view of tokio's clock.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct TokioClock;

impl Clock for TokioClock {
    type Instant = TokioInstant;

    fn now(&self) -> TokioInstant {
        TokioInstant(Instant::now())
    }
}
