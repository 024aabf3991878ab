//! The `--yes` half of a plan -> apply command: the plan applied through
//! [`Workflows::apply_stream`] (which works on several people at once), each person
//! recorded as soon as they are finished and printed in the plan's order, through Ctrl-C
//! and a closed stdout.
//!
//! The changes come first and the report second: when stdout goes away the rows stop
//! but the job goes on. The first Ctrl-C stops starting people and steps and lets the
//! calls under way finish (within the client's own bounds); a second abandons them, and
//! their steps are reported as "interrupted: may have taken effect" (see
//! [`StopSignal`]). Only people whose every step is settled are recorded as finished.

use std::collections::BTreeMap;
use std::io;

use cfzt_workflows::{ApplyOptions, PersonReport, Plan, Report, StopSignal, Workflows};
use futures_util::StreamExt;

use crate::config::Context;
use crate::errors::CliError;
use crate::output::{Format, ReportRow, Shape, Sink, print_json};
use crate::progress::Progress;

/// What applying a plan came to.
pub(super) struct Applied {
    /// Every person of the plan, in its order.
    pub(super) report: Report,
    /// How many times Ctrl-C was pressed (0: the run went to its end).
    pub(super) interrupts: u32,
    /// Why the report could not be written to stdout, if it could not.
    pub(super) output: Option<io::Error>,
    /// Why a finished person could not be recorded, if one could not (the run stopped).
    pub(super) record: Option<CliError>,
}

/// Where the report's rows go: stdout until writing fails, then nowhere.
struct Rows {
    sink: Option<Sink<io::Stdout>>,
    json: bool,
    error: Option<io::Error>,
}

impl Rows {
    fn new(format: Format) -> Rows {
        let json = format == Format::Json;
        let sink = (!json).then(|| Sink::new::<ReportRow>(format, Shape::Many, io::stdout()));
        Rows { sink, json, error: None }
    }

    /// Writes a person's rows; after a failed write, nothing more is written.
    fn write(&mut self, person: &PersonReport) {
        let Some(sink) = &mut self.sink else { return };
        if let Err(e) = ReportRow::of(person).iter().try_for_each(|row| sink.write(row)) {
            self.sink = None;
            self.error = Some(e);
        }
    }

    /// Ends the output: the table or CSV is completed, or the JSON report printed.
    fn finish(mut self, report: &Report) -> Option<io::Error> {
        let result = match self.sink.take() {
            Some(sink) => sink.finish(),
            None if self.json && self.error.is_none() => print_json(io::stdout(), report),
            None => Ok(()),
        };
        self.error.or(result.err())
    }
}

/// Applies `plan` through the workflows' stream (`options` say how many people at once),
/// calling `record` with each person finished (every step settled) as soon as they are.
pub(super) async fn apply(
    ctx: &Context,
    plan: Plan,
    options: ApplyOptions,
    verb: &'static str,
    mut record: impl FnMut(&PersonReport) -> Result<(), CliError>,
) -> Applied {
    // What each person costs on average, for the time left at the rate budget.
    let steps = plan.pending_steps() + plan.undecided_steps();
    let total = plan.people.len();
    let stop = StopSignal::new();
    let progress = Progress::new(total as u64, verb).with_cost(steps as f64 / total.max(1) as f64, ctx.quota());
    let mut rows = Rows::new(ctx.format);
    let mut people = Workflows::new(ctx.users()).apply_stream(&plan, options.stop_on(stop.clone()));
    let mut interrupt = Interrupt::listen();
    let mut applied = Vec::with_capacity(total);
    let (mut waiting, mut next_row) = (BTreeMap::new(), 0_usize);
    let (mut interrupts, mut record_error) = (0_u32, None);
    loop {
        // Every person is yielded, stopped or not: each one is in the report.
        let next = tokio::select! {
            biased;
            () = interrupt.next() => {
                interrupts += 1;
                if interrupts == 1 {
                    stop.stop();
                    progress.println(
                        "interrupted: no new step starts; waiting for the steps under way (Ctrl-C again to abandon them)",
                    );
                } else {
                    stop.abandon();
                }
                continue;
            }
            next = people.next() => next,
        };
        let Some(person) = next else { break };
        if person.report.finished()
            && record_error.is_none()
            && let Err(e) = record(&person.report)
        {
            // Nothing can be recorded any more: stop starting work, as on Ctrl-C.
            stop.stop();
            record_error = Some(e);
        }
        let (done, failed) = (person.progress.done as u64, person.progress.failed as u64);
        // Rows come in the plan's order: a person finished early waits for those before.
        waiting.insert(person.index, person);
        while let Some(person) = waiting.remove(&next_row) {
            rows.write(&person.report);
            applied.push(person);
            next_row += 1;
        }
        progress.update(done, failed, ctx.budget_wait());
    }
    progress.finish();
    // Every person is yielded, so none is left waiting; were one to be, it still is reported.
    applied.extend(waiting.into_values());
    let report = people.report(applied);
    let output = rows.finish(&report);
    Applied { report, interrupts, output, record: record_error }
}

/// Ctrl-C, listened for from the start of the run: a press between two polls is kept
/// (on Unix), not lost.
struct Interrupt {
    #[cfg(unix)]
    signal: Option<tokio::signal::unix::Signal>,
}

impl Interrupt {
    fn listen() -> Interrupt {
        #[cfg(unix)]
        {
            let signal = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok();
            Interrupt { signal }
        }
        #[cfg(not(unix))]
        Interrupt {}
    }

    /// The next Ctrl-C; never, if none can be listened for.
    async fn next(&mut self) {
        #[cfg(unix)]
        let pressed = match &mut self.signal {
            Some(signal) => signal.recv().await.is_some(),
            None => false,
        };
        #[cfg(not(unix))]
        let pressed = tokio::signal::ctrl_c().await.is_ok();
        if !pressed {
            std::future::pending::<()>().await;
        }
    }
}
