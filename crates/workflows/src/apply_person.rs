//! Applying one person of a plan: their steps in order, the state read again before the
//! first, so that applying twice changes nothing the second time.

use cfzt_access_users::{User, UserId};
use cfzt_models::RevokeUserParams;
use futures_util::future::{self, Either};

use crate::offboard::{has_something_to_revoke, planned_id, seat_step};
use crate::options::StopSignal;
use crate::plan::{Action, PersonPlan, Plan, PlanKind, SkipReason};
use crate::query::inactive;
use crate::report::{Outcome, PersonReport, StepError, StepReport};
use crate::{WorkflowError, Workflows, revoke_and_free};

impl Workflows {
    /// Applies one person's steps (see [`Workflows::apply`] for what each outcome means).
    /// Never fails as a whole: every failure is in the report.
    pub(crate) async fn apply_person(&self, plan: &Plan, person: &PersonPlan, stop: &StopSignal) -> PersonReport {
        let mut report =
            PersonReport { email: person.email.clone(), user_id: person.user_id.clone(), steps: Vec::new() };
        // Read the user again once, if any step is to run or undecided: that is the state
        // every step checks.
        let open = person.steps.iter().any(|s| s.is_open());
        let current = match open && !stop.is_stopped() {
            false => None,
            // Abandoned while reading: nothing was changed, and no step starts.
            true => unless_abandoned(self.current_state(plan, person), stop).await,
        };
        let mut failed = false;
        for step in &person.steps {
            let outcome = match (&step.skip, &current) {
                _ if failed => Outcome::NotAttempted,
                (Some(reason), _) if !step.is_open() => Outcome::Skipped { reason: reason.clone() },
                _ if stop.is_stopped() => Outcome::Stopped,
                (_, Some(Ok((id, user)))) => {
                    // A call given up may have reached the server: say so, not "stopped".
                    unless_abandoned(self.run_step(plan, id, user, step.action), stop)
                        .await
                        .unwrap_or(Outcome::Interrupted)
                }
                (_, Some(Err(State::Gone(reason)))) => Outcome::Skipped { reason: reason.clone() },
                (_, Some(Err(State::Unreadable(error)))) => Outcome::Failed { error: error.clone() },
                (_, None) => Outcome::Stopped,
            };
            failed |= matches!(outcome, Outcome::Failed { .. });
            report.steps.push(StepReport { action: step.action, outcome });
        }
        report
    }

    /// The user as they are now, or why no step can run on them. A person planning could
    /// not find (their lookup failed) is looked up by email again.
    async fn current_state(&self, plan: &Plan, person: &PersonPlan) -> Result<(UserId, User), State> {
        let unreadable = |e: &WorkflowError| State::Unreadable(StepError::from(e));
        let Some(id) = planned_id(person) else {
            if plan.kind != PlanKind::Offboard || person.undecided().next().is_none() {
                return Err(State::Gone(SkipReason::NoSuchUser));
            }
            return match self.find_by_email(&person.email).await {
                Ok(Some(user)) => match user.user_id() {
                    Ok(id) => Ok((id, user)),
                    Err(e) => Err(unreadable(&cfzt_access_users::Error::from(e).into())),
                },
                Ok(None) => Err(State::Gone(SkipReason::NoSuchUser)),
                Err(WorkflowError::AmbiguousEmail { matches, .. }) => {
                    Err(State::Gone(SkipReason::AmbiguousEmail { matches }))
                }
                Err(e) => Err(unreadable(&e)),
            };
        };
        let user = match self.users.get(&id).await {
            Ok(user) => user,
            Err(e) if e.is_not_found() => return Err(State::Gone(SkipReason::NoSuchUser)),
            Err(e) => return Err(unreadable(&WorkflowError::from(e))),
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
        revoke_and_free::revoke(&self.users, params).await.map(|()| None)
    }

    /// `Ok(None)` when freed, `Ok(Some(reason))` when the seat is free already.
    async fn free_if_needed(&self, user: &User) -> Result<Option<SkipReason>, WorkflowError> {
        if let Some(reason) = seat_step(user).skip {
            return Ok(Some(reason));
        }
        let seat_uid = user.seat_uid.as_deref().unwrap_or_default();
        revoke_and_free::free_seat(&self.users, seat_uid).await.map(|_| None)
    }
}

/// `future`'s output, or `None` if `stop` is abandoned first (the future is dropped).
async fn unless_abandoned<T>(future: impl Future<Output = T>, stop: &StopSignal) -> Option<T> {
    let future = std::pin::pin!(future);
    match future::select(future, stop.abandoned()).await {
        Either::Left((output, _)) => Some(output),
        Either::Right(((), _)) => None,
    }
}

/// Why no step of a person can run: the user is gone (or no longer qualifies), or could
/// not be read.
enum State {
    Gone(SkipReason),
    Unreadable(StepError),
}
