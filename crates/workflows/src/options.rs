//! How to apply a plan: concurrency, progress, and a signal that stops it early.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

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

type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

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
    /// that, and the ones under way finish (each call within the client's own bounds).
    /// The steps that did not start are [`Outcome::Stopped`](crate::Outcome::Stopped).
    pub fn stop_on(mut self, signal: StopSignal) -> Self {
        self.stop = signal;
        self
    }
}

/// Asks a running [`Workflows::apply`](crate::Workflows::apply) to stop starting work,
/// e.g. on Ctrl-C. Clones share one signal.
///
/// ```
/// use cfzt_workflows::{ApplyOptions, StopSignal};
/// let stop = StopSignal::new();
/// let options = ApplyOptions::default().stop_on(stop.clone());
/// // From a signal handler or another task:
/// stop.stop();
/// assert!(stop.is_stopped());
/// # drop(options);
/// ```
#[derive(Debug, Clone, Default)]
pub struct StopSignal(Arc<AtomicBool>);

impl StopSignal {
    /// A signal not stopped yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Stops every run that was given this signal (or a clone of it).
    pub fn stop(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// `true` once [`stop`](Self::stop) was called.
    pub fn is_stopped(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}
