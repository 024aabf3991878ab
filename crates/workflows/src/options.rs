//! How to apply a plan: concurrency, progress, and a signal that stops it early.

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::task::{Context, Poll};

use futures_util::FutureExt;
use futures_util::future::Shared;
use futures_util::task::AtomicWaker;

use crate::DEFAULT_CONCURRENCY;

/// Where applying a plan stands: reported after each person is finished.
///
/// ```
/// use cfzt_workflows::ApplyOptions;
/// let options = ApplyOptions::default().on_progress(|progress| {
///     eprintln!("{}/{} people, {} failed", progress.done, progress.total, progress.failed);
/// });
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// People finished, including failed ones.
    pub done: usize,
    /// People in the plan.
    pub total: usize,
    /// People with a failed step so far.
    pub failed: usize,
}

pub(crate) type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

/// How to apply a plan: how many people at once, and who to tell about progress.
///
/// ```
/// use cfzt_workflows::ApplyOptions;
/// let options = ApplyOptions::default()
///     .concurrency(8)
///     .on_progress(|p| eprintln!("{}/{} ({} failed)", p.done, p.total, p.failed));
/// ```
#[derive(Clone)]
#[must_use]
pub struct ApplyOptions {
    pub(crate) concurrency: usize,
    pub(crate) progress: Option<ProgressFn>,
    pub(crate) stop: StopSignal,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        Self { concurrency: DEFAULT_CONCURRENCY, progress: None, stop: StopSignal::new() }
    }
}

impl fmt::Debug for ApplyOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApplyOptions")
            .field("concurrency", &self.concurrency)
            .field("progress", &self.progress.is_some())
            .field("stop", &self.stop)
            .finish()
    }
}

impl ApplyOptions {
    /// How many people are worked on at once (default [`DEFAULT_CONCURRENCY`]; 0 is
    /// taken as 1). One person's steps always run in order.
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// Called after each person is finished, from the task that applies the plan.
    pub fn on_progress(mut self, f: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(f));
        self
    }

    /// Stops the run early once `signal` is stopped: no person and no step starts after
    /// that, and the ones under way finish (each call within the client's own bounds), or
    /// are given up when the signal is abandoned. See [`StopSignal`].
    pub fn stop_on(mut self, signal: StopSignal) -> Self {
        self.stop = signal;
        self
    }
}

/// Asks a running [`Workflows::apply`](crate::Workflows::apply) to stop, e.g. on Ctrl-C.
/// Clones share one signal.
///
/// [`stop`](Self::stop) lets the steps under way finish: no person and no step starts
/// after it ([`Outcome::Stopped`](crate::Outcome::Stopped)). [`abandon`](Self::abandon)
/// also gives up the calls under way: their steps are
/// [`Outcome::Interrupted`](crate::Outcome::Interrupted), since a request that was sent may
/// have taken effect.
///
/// ```
/// use cfzt_workflows::{ApplyOptions, StopSignal};
/// let stop = StopSignal::new();
/// let options = ApplyOptions::default().stop_on(stop.clone());
/// // From a signal handler or another task:
/// stop.stop();
/// assert!(stop.is_stopped() && !stop.is_abandoned());
/// stop.abandon();
/// assert!(stop.is_abandoned());
/// # drop(options);
/// ```
#[derive(Clone)]
pub struct StopSignal {
    inner: Arc<Inner>,
    abandoned: Shared<Abandoned>,
}

/// How far a [`StopSignal`] went, and the task waiting for it to be abandoned.
#[derive(Debug, Default)]
struct Inner {
    level: AtomicU8,
    waker: AtomicWaker,
}

const STOPPED: u8 = 1;
const ABANDONED: u8 = 2;

/// Ready once the signal is abandoned. Polled through [`Shared`], which wakes every waiter.
pub(crate) struct Abandoned(Arc<Inner>);

impl Future for Abandoned {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let abandoned = || self.0.level.load(Ordering::SeqCst) >= ABANDONED;
        if abandoned() {
            return Poll::Ready(());
        }
        self.0.waker.register(cx.waker());
        if abandoned() { Poll::Ready(()) } else { Poll::Pending }
    }
}

impl Default for StopSignal {
    fn default() -> Self {
        let inner = Arc::new(Inner::default());
        Self { abandoned: Abandoned(inner.clone()).shared(), inner }
    }
}

impl fmt::Debug for StopSignal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StopSignal")
            .field("stopped", &self.is_stopped())
            .field("abandoned", &self.is_abandoned())
            .finish()
    }
}

impl StopSignal {
    /// A signal not stopped yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Stops starting people and steps; the steps under way finish.
    pub fn stop(&self) {
        self.inner.level.fetch_max(STOPPED, Ordering::SeqCst);
    }

    /// Stops, and gives up the calls under way (their steps are reported interrupted).
    pub fn abandon(&self) {
        self.inner.level.fetch_max(ABANDONED, Ordering::SeqCst);
        self.inner.waker.wake();
    }

    /// `true` once [`stop`](Self::stop) or [`abandon`](Self::abandon) was called.
    pub fn is_stopped(&self) -> bool {
        self.inner.level.load(Ordering::SeqCst) >= STOPPED
    }

    /// `true` once [`abandon`](Self::abandon) was called.
    pub fn is_abandoned(&self) -> bool {
        self.inner.level.load(Ordering::SeqCst) >= ABANDONED
    }

    /// Ready once the signal is abandoned.
    pub(crate) fn abandoned(&self) -> Shared<Abandoned> {
        self.abandoned.clone()
    }
}
