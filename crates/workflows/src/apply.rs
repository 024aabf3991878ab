//! Applying a plan: people with bounded concurrency, as a stream of per-person reports
//! ([`Workflows::apply_stream`]), and the whole report collected from it
//! ([`Workflows::apply`]). One person's steps are in `apply_person.rs`.

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use cfzt_models::Timestamp;
use futures_core::Stream;
use futures_util::stream::BoxStream;
use futures_util::{StreamExt, stream};

use crate::Workflows;
use crate::options::{ApplyOptions, Progress, ProgressFn};
use crate::plan::{Plan, PlanKind};
use crate::report::{PersonReport, Report};

impl Workflows {
    /// Applies a plan and reports what became of every step of every person.
    ///
    /// Before each step the state is read again: a user gone since planning, a seat
    /// already free, sessions already ended or a login since the cutoff make the step
    /// [`Outcome::Skipped`](crate::Outcome::Skipped), so applying the same plan twice
    /// changes nothing the second time. A step planning could not decide
    /// ([`PlannedStep::is_undecided`](crate::PlannedStep::is_undecided)) is looked at the
    /// same way (the user found again by email if need be): it runs, is skipped for what
    /// is found, or is [`Outcome::Failed`](crate::Outcome::Failed) when the lookup fails
    /// again. A failed step stops that person's later steps
    /// ([`Outcome::NotAttempted`](crate::Outcome::NotAttempted)) and no one else's. With
    /// [`ApplyOptions::stop_on`], the steps not started when the signal is stopped are
    /// [`Outcome::Stopped`](crate::Outcome::Stopped), and a call given up when it is
    /// abandoned is [`Outcome::Interrupted`](crate::Outcome::Interrupted). Never fails as a
    /// whole: every failure is in the report.
    ///
    /// This is [`apply_stream`](Self::apply_stream) collected: use that to see each
    /// person as soon as they are finished.
    ///
    /// The future is `Send + 'static` once the plan is owned, so it can be spawned:
    ///
    /// ```no_run
    /// # async fn run(workflows: cfzt_workflows::Workflows, plan: cfzt_workflows::Plan) {
    /// use cfzt_workflows::ApplyOptions;
    /// let task = tokio::spawn(async move { workflows.apply(&plan, ApplyOptions::default()).await });
    /// # }
    /// ```
    ///
    /// ```no_run
    /// # async fn run(workflows: cfzt_workflows::Workflows, plan: cfzt_workflows::Plan) {
    /// use cfzt_workflows::ApplyOptions;
    /// let report = workflows.apply(&plan, ApplyOptions::default().concurrency(2)).await;
    /// println!("{report}");
    /// let again = workflows.apply(&plan, ApplyOptions::default()).await;
    /// assert!(again.is_noop() || again.people_failed() > 0);
    /// # }
    /// ```
    pub async fn apply(&self, plan: &Plan, options: ApplyOptions) -> Report {
        let mut people = self.apply_stream(plan, options);
        let applied: Vec<AppliedPerson> = (&mut people).collect().await;
        people.report(applied)
    }

    /// Applies a plan person by person, yielding each person's report as soon as their
    /// steps are finished: in the order people finish, each with their place in the plan
    /// ([`AppliedPerson::index`]) and where the run stands ([`AppliedPerson::progress`]).
    ///
    /// The steps and their outcomes are those of [`apply`](Self::apply), which is this
    /// stream collected: [`ApplyOptions::concurrency`] people are worked on at once,
    /// [`ApplyOptions::on_progress`] is called as each person is yielded, and a stopped
    /// or abandoned [`StopSignal`](crate::StopSignal) ([`ApplyOptions::stop_on`]) ends
    /// the run with every person still yielded, their steps not started
    /// [`Outcome::Stopped`](crate::Outcome::Stopped). Every person of the plan is yielded
    /// exactly once, then the stream ends.
    ///
    /// Nothing is sent until the stream is polled, and nothing more once it is dropped:
    /// dropping it gives up the calls under way (a request already sent may have taken
    /// effect; applying the plan again looks at it again). The stream owns what it needs
    /// (`Send + 'static`), so it can be moved into a task.
    ///
    /// ```no_run
    /// # async fn run(workflows: cfzt_workflows::Workflows, plan: cfzt_workflows::Plan) {
    /// use cfzt_workflows::ApplyOptions;
    /// use futures_util::StreamExt;
    ///
    /// let mut people = workflows.apply_stream(&plan, ApplyOptions::default().concurrency(2));
    /// let mut applied = Vec::new();
    /// while let Some(person) = people.next().await {
    ///     let (progress, report) = (&person.progress, &person.report);
    ///     eprintln!("{}/{} {}: {} steps done", progress.done, progress.total, report.email, report.done());
    ///     applied.push(person);
    /// }
    /// // The same report `apply` gives, in the plan's order.
    /// let report = people.report(applied);
    /// println!("{report}");
    /// # }
    /// ```
    pub fn apply_stream(&self, plan: &Plan, options: ApplyOptions) -> ApplyStream {
        let started_at = chrono::Utc::now();
        let total = plan.people.len();
        let (kind, progress, stop) = (plan.kind, options.progress, options.stop);
        let (workflows, plan) = (self.clone(), Arc::new(plan.clone()));
        let people = stream::iter(0..total)
            .map(move |index| {
                let (workflows, plan, stop) = (workflows.clone(), plan.clone(), stop.clone());
                async move { (index, workflows.apply_person(&plan, &plan.people[index], &stop).await) }
            })
            .buffer_unordered(options.concurrency)
            .boxed();
        ApplyStream { people, kind, started_at, progress, done: 0, failed: 0, total }
    }
}

/// One person of a plan, applied: what [`ApplyStream`] yields.
///
/// ```
/// # fn show(person: cfzt_workflows::AppliedPerson) {
/// println!("#{} {}: {} failed so far", person.index, person.report.email, person.progress.failed);
/// # }
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedPerson {
    /// The person's place in the plan: `plan.people[index]`.
    pub index: usize,
    /// What became of their steps.
    pub report: PersonReport,
    /// Where the run stands with this person finished (they are counted in it).
    pub progress: Progress,
}

/// The people of a plan being applied, yielded as each is finished:
/// [`Workflows::apply_stream`].
///
/// A [`Stream`] of [`AppliedPerson`]s that owns what it needs: `Send`, `'static` and
/// `Unpin`. Dropping it stops the run (see [`Workflows::apply_stream`]).
#[must_use = "a stream applies nothing unless polled"]
pub struct ApplyStream {
    people: BoxStream<'static, (usize, PersonReport)>,
    kind: PlanKind,
    started_at: Timestamp,
    progress: Option<ProgressFn>,
    done: usize,
    failed: usize,
    total: usize,
}

impl ApplyStream {
    /// The report of the run from the people it yielded, in the plan's order whatever
    /// order they are given in, finished now.
    ///
    /// Pass every person the stream yielded once it has ended, and the report is the one
    /// [`Workflows::apply`] gives; a person left out is not in the report.
    pub fn report(&self, people: impl IntoIterator<Item = AppliedPerson>) -> Report {
        let mut people: Vec<AppliedPerson> = people.into_iter().collect();
        people.sort_by_key(|person| person.index);
        Report {
            kind: self.kind,
            started_at: self.started_at,
            finished_at: chrono::Utc::now(),
            people: people.into_iter().map(|person| person.report).collect(),
        }
    }
}

impl Stream for ApplyStream {
    type Item = AppliedPerson;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<AppliedPerson>> {
        let Some((index, report)) = std::task::ready!(self.people.poll_next_unpin(cx)) else {
            return Poll::Ready(None);
        };
        self.done += 1;
        self.failed += usize::from(report.failed());
        let progress = Progress { done: self.done, total: self.total, failed: self.failed };
        if let Some(on_progress) = &self.progress {
            on_progress(progress);
        }
        Poll::Ready(Some(AppliedPerson { index, report, progress }))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.total.saturating_sub(self.done);
        (left, Some(left))
    }
}

impl fmt::Debug for ApplyStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApplyStream")
            .field("kind", &self.kind)
            .field("started_at", &self.started_at)
            .field("done", &self.done)
            .field("failed", &self.failed)
            .field("total", &self.total)
            .finish_non_exhaustive()
    }
}
