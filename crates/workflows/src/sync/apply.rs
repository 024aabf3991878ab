//! [`Workflows::apply_sync`]: refuse a stale plan, then rename and create, and hand the
//! removal steps to [`Workflows::apply`].

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

use cfzt_models::UpdateUserParams;
use futures_util::{StreamExt, stream};
use serde::{Deserialize, Serialize};

use super::SyncError;
use super::guards::fingerprint;
use super::plan::{Change, SyncEntry, SyncPlan};
use crate::options::{ApplyOptions, Progress};
use crate::report::{Outcome, Report, StepError};
use crate::{SkipReason, WorkflowError, Workflows};

/// `true` for a rename or a creation.
fn is_change(entry: &SyncEntry) -> bool {
    matches!(entry.change, Change::Rename { .. } | Change::Create { .. })
}

/// Which change a [`ChangeReport`] is about.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// A rename through *update a user*.
    Rename,
    /// A user created.
    Create,
}

/// What became of one rename or creation.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeReport {
    /// The person's email, as in the plan.
    pub email: String,
    /// The change.
    pub change: ChangeKind,
    /// What became of it.
    pub outcome: Outcome,
}

/// What applying a sync plan did: the renames and creations, and the report of the
/// removal steps (a [`Report`] of kind [`PlanKind::Sync`](crate::PlanKind::Sync)).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncReport {
    /// The renames and creations, in the plan's order.
    pub changes: Vec<ChangeReport>,
    /// The removal steps, person by person.
    pub removals: Report,
}

impl SyncReport {
    /// How many changes and steps took effect.
    pub fn done(&self) -> usize {
        self.changes.iter().filter(|c| c.outcome == Outcome::Done).count() + self.removals.steps_done()
    }

    /// How many people had a change or a step fail.
    pub fn failed(&self) -> usize {
        self.changes.iter().filter(|c| matches!(c.outcome, Outcome::Failed { .. })).count()
            + self.removals.people_failed()
    }

    /// How many changes and people are not settled (failed, stopped, interrupted).
    pub fn unfinished(&self) -> usize {
        self.changes.iter().filter(|c| !c.outcome.is_settled()).count() + self.removals.people_unfinished()
    }
}

impl fmt::Display for SyncReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sync: {} done, {} failed, {} unfinished", self.done(), self.failed(), self.unfinished())?;
        for change in &self.changes {
            let kind = match change.change {
                ChangeKind::Rename => "rename",
                ChangeKind::Create => "create",
            };
            write!(f, "\n  {}: {kind}: ", change.email)?;
            match &change.outcome {
                Outcome::Done => f.write_str("done")?,
                Outcome::Skipped { reason } => write!(f, "skipped, {reason}")?,
                Outcome::Failed { error } => write!(f, "FAILED, {}", error.message)?,
                _ => f.write_str("not finished (the run was stopped)")?,
            }
        }
        if !self.removals.people.is_empty() {
            write!(f, "\n{}", self.removals)?;
        }
        Ok(())
    }
}

impl Workflows {
    /// Applies a sync plan, once the users are read again and found as the plan saw
    /// them ([`SyncPlan::fingerprint`]; the users the plan changes aside, so an
    /// interrupted apply can be run again): renames and creations first, then the removal
    /// steps through [`Workflows::apply`] (each user read again before each step, so
    /// applying twice changes nothing the second time). Progress counts renames,
    /// creations and removed people together.
    ///
    /// # Errors
    ///
    /// [`SyncError::StalePlan`] when the users changed since planning (nothing is
    /// changed: plan again), or the list call's error. A failed change is in the report.
    pub async fn apply_sync(&self, plan: &SyncPlan, options: ApplyOptions) -> Result<SyncReport, SyncError> {
        self.check_sync_plan(plan).await?;
        let removal_plan = plan.removal_plan();
        let total = plan.entries.iter().filter(|e| is_change(e)).count() + removal_plan.people.len();
        let changes = self.changes(plan, &options, total).await;
        // The removals report progress after the changes, on the same scale.
        let offset = changes.len();
        let failed_before = changes.iter().filter(|c| matches!(c.outcome, Outcome::Failed { .. })).count();
        let mut removal_options = options.clone();
        if let Some(progress) = options.progress.clone() {
            removal_options = removal_options.on_progress(move |p| {
                progress(Progress { done: offset + p.done, total, failed: failed_before + p.failed });
            });
        }
        let removals = self.apply(&removal_plan, removal_options).await;
        Ok(SyncReport { changes, removals })
    }

    /// Reads the users again and refuses `plan` if they are not as it saw them, the
    /// users it changes aside (so a plan applied in part, or twice, is not stale).
    ///
    /// # Errors
    ///
    /// [`SyncError::StalePlan`], or the list call's error.
    pub async fn check_sync_plan(&self, plan: &SyncPlan) -> Result<(), SyncError> {
        let now = fingerprint(&self.all_users().await?, &plan.touched());
        match now == plan.fingerprint {
            true => Ok(()),
            false => Err(SyncError::StalePlan { planned: plan.fingerprint.clone(), now }),
        }
    }

    /// Applies the renames and creations of `plan` only (no staleness check: see
    /// [`Workflows::check_sync_plan`]); each is read again first, so applying twice
    /// changes nothing the second time. Progress counts the changes.
    pub async fn apply_sync_changes(&self, plan: &SyncPlan, options: ApplyOptions) -> Vec<ChangeReport> {
        let total = plan.entries.iter().filter(|e| is_change(e)).count();
        self.changes(plan, &options, total).await
    }

    async fn changes(&self, plan: &SyncPlan, options: &ApplyOptions, total: usize) -> Vec<ChangeReport> {
        let changes: Vec<&SyncEntry> = plan.entries.iter().filter(|e| is_change(e)).collect();
        let (done, failed) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let stop = &options.stop;
        let mut reports: Vec<(usize, ChangeReport)> = stream::iter(changes.into_iter().enumerate())
            .map(|(i, entry)| async move {
                let outcome = match stop.is_stopped() {
                    true => Outcome::Stopped,
                    false => self.apply_change(entry).await,
                };
                let change =
                    if matches!(entry.change, Change::Rename { .. }) { ChangeKind::Rename } else { ChangeKind::Create };
                (i, ChangeReport { email: entry.email.clone(), change, outcome })
            })
            .buffer_unordered(options.concurrency)
            .inspect(|(_, report)| {
                let is_failed = usize::from(matches!(report.outcome, Outcome::Failed { .. }));
                let failed = failed.fetch_add(is_failed, Ordering::Relaxed) + is_failed;
                let done = done.fetch_add(1, Ordering::Relaxed) + 1;
                if let Some(progress) = &options.progress {
                    progress(Progress { done, total, failed });
                }
            })
            .collect()
            .await;
        reports.sort_by_key(|(i, _)| *i);
        reports.into_iter().map(|(_, r)| r).collect()
    }

    /// Runs one rename or creation if the user's current state still needs it.
    async fn apply_change(&self, entry: &SyncEntry) -> Outcome {
        let result = match &entry.change {
            Change::Rename { to, .. } => self.rename_if_needed(entry, to).await,
            Change::Create { name } => match self.ensure_user(&entry.email, name.as_deref()).await {
                Ok(ensured) if ensured.created() => Ok(None),
                Ok(_) => Ok(Some(SkipReason::AlreadyDone)),
                Err(e) => Err(e),
            },
            _ => Ok(None),
        };
        match result {
            Ok(None) => Outcome::Done,
            Ok(Some(reason)) => Outcome::Skipped { reason },
            Err(e) => Outcome::Failed { error: StepError::from(&e) },
        }
    }

    /// `Ok(None)` when renamed, `Ok(Some(reason))` when there was nothing to do.
    async fn rename_if_needed(&self, entry: &SyncEntry, to: &str) -> Result<Option<SkipReason>, WorkflowError> {
        let Some(id) = entry.user_id.as_deref().and_then(|id| id.parse().ok()) else {
            return Ok(Some(SkipReason::NoSuchUser));
        };
        let user = match self.users.get(&id).await {
            Ok(user) => user,
            Err(e) if e.is_not_found() => return Ok(Some(SkipReason::NoSuchUser)),
            Err(e) => return Err(e.into()),
        };
        // The current email confirms the user: the one the plan was made for.
        let Some(email) = user.email.filter(|e| cfzt_models::emails_match(e, &entry.email)) else {
            return Ok(Some(SkipReason::NoSuchUser));
        };
        if user.name.as_deref() == Some(to) {
            return Ok(Some(SkipReason::AlreadyDone));
        }
        self.users.update(&id, UpdateUserParams::new(email, to)).await?;
        Ok(None)
    }
}
