//! Applying a plan: each person's steps in order, people with bounded concurrency, state
//! checked again before every step so that applying twice changes nothing the second time.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use cfzt_access_users::{User, UserId};
use cfzt_models::RevokeUserParams;
use futures_util::{StreamExt, stream};

use crate::offboard::{has_something_to_revoke, planned_id, seat_step};
use crate::plan::{Action, PersonPlan, Plan, PlanKind, SkipReason};
use crate::query::inactive;
use crate::report::{Outcome, PersonReport, Report, StepError, StepReport};
use crate::{DEFAULT_CONCURRENCY, WorkflowError, Workflows, ops};

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
    concurrency: usize,
    progress: Option<ProgressFn>,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        Self { concurrency: DEFAULT_CONCURRENCY, progress: None }
    }
}

impl fmt::Debug for ApplyOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApplyOptions")
            .field("concurrency", &self.concurrency)
            .field("progress", &self.progress.is_some())
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
}

impl Workflows {
    /// Applies a plan and reports what became of every step of every person.
    ///
    /// Before each step the state is read again: a user gone since planning, a seat
    /// already free, sessions already ended or a login since the cutoff make the step
    /// [`Outcome::Skipped`], so applying the same plan twice changes nothing the second
    /// time. A failed step stops that person's later steps ([`Outcome::NotAttempted`]) and
    /// no one else's. Never fails as a whole: every failure is in the report.
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
        let started_at = chrono::Utc::now();
        let total = plan.people.len();
        let (done, failed) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let mut people: Vec<(usize, PersonReport)> = stream::iter(plan.people.iter().enumerate())
            .map(|(i, person)| async move { (i, self.apply_person(plan, person).await) })
            .buffer_unordered(options.concurrency)
            .inspect(|(_, report)| {
                let failed =
                    failed.fetch_add(usize::from(report.failed()), Ordering::Relaxed) + usize::from(report.failed());
                let done = done.fetch_add(1, Ordering::Relaxed) + 1;
                if let Some(progress) = &options.progress {
                    progress(Progress { done, total, failed });
                }
            })
            .collect()
            .await;
        people.sort_by_key(|(i, _)| *i);
        Report {
            kind: plan.kind,
            started_at,
            finished_at: chrono::Utc::now(),
            people: people.into_iter().map(|(_, p)| p).collect(),
        }
    }

    async fn apply_person(&self, plan: &Plan, person: &PersonPlan) -> PersonReport {
        let mut report =
            PersonReport { email: person.email.clone(), user_id: person.user_id.clone(), steps: Vec::new() };
        // Read the user again once, if any step is to run: that is the state every step checks.
        let current = match person.pending().next() {
            None => None,
            Some(_) => Some(self.current_state(plan, person).await),
        };
        let mut stopped = false;
        for step in &person.steps {
            let outcome = match (&step.skip, &current) {
                _ if stopped => Outcome::NotAttempted,
                (Some(reason), _) => Outcome::Skipped { reason: reason.clone() },
                (None, Some(Ok((id, user)))) => self.run_step(plan, id, user, step.action).await,
                (None, Some(Err(State::Gone(reason)))) => Outcome::Skipped { reason: reason.clone() },
                (None, Some(Err(State::Unreadable(error)))) => Outcome::Failed { error: error.clone() },
                (None, None) => Outcome::NotAttempted,
            };
            stopped |= matches!(outcome, Outcome::Failed { .. });
            report.steps.push(StepReport { action: step.action, outcome });
        }
        report
    }

    /// The user as they are now, or why no step can run on them.
    async fn current_state(&self, plan: &Plan, person: &PersonPlan) -> Result<(UserId, User), State> {
        let id = planned_id(person).ok_or(State::Gone(SkipReason::NoSuchUser))?;
        let user = match self.users.get(&id).await {
            Ok(user) => user,
            Err(e) if e.is_not_found() => return Err(State::Gone(SkipReason::NoSuchUser)),
            Err(e) => return Err(State::Unreadable(StepError::from(&WorkflowError::from(e)))),
        };
        if plan.kind == PlanKind::Reclaim
            && let Some(cutoff) = plan.cutoff
            && !inactive(&user, cutoff)
            && let Some(last_login) = user.last_successful_login
        {
            return Err(State::Gone(SkipReason::ActiveSince { last_login }));
        }
        Ok((id, user))
    }

    /// Runs one step if the user's current state still needs it.
    async fn run_step(&self, plan: &Plan, id: &UserId, user: &User, action: Action) -> Outcome {
        let result = match action {
            Action::RevokeSessions => self.revoke_if_needed(id, user, plan.revoke_devices).await,
            Action::FreeSeat => self.free_if_needed(user).await,
            Action::DeleteUser => match self.users.delete(id).await {
                Ok(_) => Ok(None),
                Err(e) if e.is_not_found() => Ok(Some(SkipReason::NoSuchUser)),
                Err(e) => Err(e.into()),
            },
        };
        match result {
            Ok(None) => Outcome::Done,
            Ok(Some(reason)) => Outcome::Skipped { reason },
            Err(e) => Outcome::Failed { error: StepError::from(&e) },
        }
    }

    /// `Ok(None)` when revoked, `Ok(Some(reason))` when there was nothing to revoke.
    async fn revoke_if_needed(
        &self,
        id: &UserId,
        user: &User,
        devices: bool,
    ) -> Result<Option<SkipReason>, WorkflowError> {
        let sessions = self.users.active_sessions(id).list().await?;
        if !has_something_to_revoke(sessions.len(), user, devices) {
            return Ok(Some(SkipReason::NoActiveSessions));
        }
        let Some(email) = user.email.clone() else { return Ok(Some(SkipReason::NoSuchUser)) };
        let mut params = RevokeUserParams::new(email);
        if devices {
            params = params.devices(true);
        }
        ops::revoke(&self.users, params).await.map(|()| None)
    }

    /// `Ok(None)` when freed, `Ok(Some(reason))` when the seat is free already.
    async fn free_if_needed(&self, user: &User) -> Result<Option<SkipReason>, WorkflowError> {
        if let Some(reason) = seat_step(user).skip {
            return Ok(Some(reason));
        }
        let seat_uid = user.seat_uid.as_deref().unwrap_or_default();
        ops::free_seat(&self.users, seat_uid).await.map(|_| None)
    }
}

/// Why no step of a person can run: the user is gone (or no longer qualifies), or could
/// not be read.
enum State {
    Gone(SkipReason),
    Unreadable(StepError),
}
