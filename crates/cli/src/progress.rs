//! The progress bar of bulk commands: on stderr, and only when stderr is a terminal, so a
//! log file or a CI job sees none of it.

use std::io::IsTerminal;
use std::time::Duration;

use cfzt_transport::BudgetQuota;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Counts, rate and the time spent waiting for the rate budget, cleared when done.
#[derive(Debug, Clone)]
pub(crate) struct Progress {
    bar: ProgressBar,
    /// Requests each item costs and the budget's quota, for the time left at the budget.
    cost: Option<(f64, BudgetQuota)>,
}

/// The bar of work whose size is known: position, length, rate and time left.
const BAR: &str = "{spinner} {prefix} [{bar:30}] {pos}/{len} {per_sec:.dim} eta {eta} {msg}";
/// The counter of work whose size is not known: how many so far, and the rate.
const COUNTER: &str = "{spinner} {prefix} {pos} {per_sec:.dim} {elapsed} {msg}";

impl Progress {
    /// Whether bars are drawn: stderr is a terminal.
    pub(crate) fn visible() -> bool {
        std::io::stderr().is_terminal()
    }

    /// A bar for `total` items; `verb` says what is done to them ("offboarding").
    pub(crate) fn new(total: u64, verb: &'static str) -> Progress {
        Progress::with(Some(total), BAR, verb, Progress::visible())
    }

    /// A counter for items of a number not known in advance ("exporting"); a bar when
    /// `total` is known after all.
    pub(crate) fn counter(verb: &'static str, total: Option<u64>) -> Progress {
        match total {
            Some(total) => Progress::new(total, verb),
            None => Progress::with(None, COUNTER, verb, Progress::visible()),
        }
    }

    fn with(total: Option<u64>, template: &str, verb: &'static str, visible: bool) -> Progress {
        let visible = visible && !crate::console::is_quiet();
        let target = if visible { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() };
        let bar = ProgressBar::with_draw_target(total, target);
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix(verb);
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress { bar, cost: None }
    }

    /// Shows, with a known total, the time the items left take at the rate budget: each
    /// costs `requests` requests, and the budget lets `quota` through.
    pub(crate) fn with_cost(mut self, requests: f64, quota: Option<BudgetQuota>) -> Progress {
        self.cost = quota.map(|quota| (requests, quota));
        self
    }

    /// The time the items left take at the budget's pace, when the total and cost are known.
    fn budget_left(&self, done: u64) -> Option<Duration> {
        let ((requests, quota), total) = (self.cost?, self.bar.length()?);
        let per_second = f64::from(quota.requests()) / quota.window().as_secs_f64();
        Duration::try_from_secs_f64(total.saturating_sub(done) as f64 * requests / per_second).ok()
    }

    /// Sets the counts: items finished (failed ones included) and how many failed, and the
    /// time spent waiting for the rate budget so far.
    pub(crate) fn update(&self, done: u64, failed: u64, budget_wait: Duration) {
        self.bar.set_position(done);
        let mut msg = String::new();
        if failed > 0 {
            msg.push_str(&format!("{failed} failed "));
        }
        if let Some(left) = self.budget_left(done).filter(|d| *d >= Duration::from_secs(1)) {
            msg.push_str(&format!("{} left at the rate budget ", indicatif::HumanDuration(left)));
        }
        if !budget_wait.is_zero() {
            msg.push_str(&format!("waited {} for the rate budget", indicatif::HumanDuration(budget_wait)));
        }
        self.bar.set_message(msg);
    }

    /// A function that moves the bar to a position, for a callback that runs elsewhere
    /// (e.g. [`cfzt_workflows::ReclaimOptions::on_listed`]).
    pub(crate) fn mover(&self) -> impl Fn(u64) + Send + Sync + 'static {
        let bar = self.bar.clone();
        move |position| bar.set_position(position)
    }

    /// Prints a line on stderr, above the bar when one is drawn.
    pub(crate) fn println(&self, line: &str) {
        if self.bar.is_hidden() {
            crate::console::say_line(line);
        } else {
            self.bar.println(crate::console::lines(line).trim_end());
        }
    }

    /// Removes the bar from the terminal.
    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hidden_bar_still_counts() {
        let progress = Progress::with(Some(10), BAR, "testing", false);
        assert!(progress.bar.is_hidden());
        progress.update(4, 1, Duration::from_secs(3));
        assert_eq!(progress.bar.position(), 4);
        assert!(progress.bar.message().contains("1 failed"));
        assert!(progress.bar.message().contains("rate budget"));
        progress.finish();
    }

    #[test]
    fn the_time_left_is_the_items_left_at_the_budget() {
        let quota = BudgetQuota::new(10, Duration::from_secs(10)).unwrap();
        let progress = Progress::with(Some(100), BAR, "testing", false).with_cost(3.0, Some(quota));
        // 60 items left, 3 requests each, 1 request a second.
        assert_eq!(progress.budget_left(40), Some(Duration::from_secs(180)));
        assert_eq!(Progress::with(None, COUNTER, "testing", false).with_cost(3.0, Some(quota)).budget_left(4), None);
    }

    #[test]
    fn the_templates_parse() {
        for template in [BAR, COUNTER] {
            assert!(ProgressStyle::with_template(template).is_ok(), "{template}");
        }
    }
}
