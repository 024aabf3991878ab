//! Plans: what a bulk workflow would do to each person, as data to print, store, review
//! and apply later.

use std::fmt;

use cfzt_models::Timestamp;
use serde::{Deserialize, Serialize};

/// Which workflow made a plan.
///
/// ```
/// assert_eq!(serde_json::to_string(&cfzt_workflows::PlanKind::Reclaim)?, r#""reclaim""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanKind {
    /// Offboarding leavers by email ([`Workflows::plan_offboard`](crate::Workflows::plan_offboard)).
    Offboard,
    /// Reclaiming the seats of inactive people ([`Workflows::plan_reclaim`](crate::Workflows::plan_reclaim)).
    Reclaim,
    /// The removal steps of a roster sync ([`Workflows::apply_sync`](crate::Workflows::apply_sync)).
    Sync,
}

/// One thing a plan can do to a person, in the order they run.
///
/// ```
/// use cfzt_workflows::Action;
/// assert_eq!(Action::FreeSeat.to_string(), "free seat");
/// assert_eq!(serde_json::to_string(&Action::FreeSeat)?, r#""free_seat""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// End the person's Access sessions (*revoke a user*), and their devices when asked.
    RevokeSessions,
    /// Free the person's Access and Gateway seat (*edit seats*, both flags `false`).
    FreeSeat,
    /// Delete the user record (*delete a user*).
    DeleteUser,
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::RevokeSessions => "revoke sessions",
            Self::FreeSeat => "free seat",
            Self::DeleteUser => "delete user",
        })
    }
}

/// Why a step is skipped, at planning or when it is applied.
///
/// ```
/// use cfzt_workflows::SkipReason;
/// assert_eq!(SkipReason::HoldsNoSeat.to_string(), "holds no seat");
/// assert_eq!(serde_json::to_string(&SkipReason::NoSuchUser)?, r#"{"reason":"no_such_user"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum SkipReason {
    /// No user has this email (or the user is gone since the plan was made).
    NoSuchUser,
    /// Several users match the email ignoring case; none is touched.
    AmbiguousEmail {
        /// How many users matched.
        matches: usize,
    },
    /// Finding the user or their state failed while planning, so the step is
    /// *undecided* ([`PlannedStep::is_undecided`]), not skipped: applying the plan looks
    /// again, and the step then runs, is skipped for what is found, or fails
    /// ([`Outcome::Failed`](crate::Outcome::Failed)). A report never shows it as skipped.
    LookupFailed {
        /// What failed.
        error: String,
    },
    /// The user has no active session (and no device to revoke, when devices are revoked).
    NoActiveSessions,
    /// The user holds neither an Access nor a Gateway seat.
    HoldsNoSeat,
    /// The user holds a seat but the API did not say its `seat_uid`.
    NoSeatUid,
    /// The person is on the exclusion list.
    Excluded,
    /// The change is in place already (the name is the roster's, the user exists).
    AlreadyDone,
    /// The person logged in after the cutoff, so their seat is kept.
    ActiveSince {
        /// Their last successful login.
        last_login: Timestamp,
    },
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoSuchUser => f.write_str("no such user"),
            Self::AmbiguousEmail { matches } => write!(f, "{matches} users have this email"),
            Self::LookupFailed { error } => write!(f, "lookup failed: {error}"),
            Self::NoActiveSessions => f.write_str("no active session"),
            Self::HoldsNoSeat => f.write_str("holds no seat"),
            Self::NoSeatUid => f.write_str("holds a seat without a seat_uid"),
            Self::Excluded => f.write_str("excluded"),
            Self::AlreadyDone => f.write_str("already in place"),
            Self::ActiveSince { last_login } => write!(f, "active since the cutoff ({last_login})"),
        }
    }
}

/// One step of a person's plan: an action, to run, skipped with a reason, or undecided
/// (planning could not look: [`SkipReason::LookupFailed`]) and looked at again when the
/// plan is applied.
///
/// ```
/// use cfzt_workflows::{Action, PlannedStep, SkipReason};
/// let step = PlannedStep::skip(Action::FreeSeat, SkipReason::HoldsNoSeat);
/// assert_eq!(serde_json::to_string(&step)?, r#"{"action":"free_seat","skip":{"reason":"holds_no_seat"}}"#);
/// assert_eq!(serde_json::to_string(&PlannedStep::run(Action::DeleteUser))?, r#"{"action":"delete_user"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedStep {
    /// What the step does.
    pub action: Action,
    /// Why it will not run; `None` when it will. [`SkipReason::LookupFailed`] is not a
    /// reason not to run: the step is undecided ([`PlannedStep::is_undecided`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip: Option<SkipReason>,
}

impl PlannedStep {
    /// A step that will run.
    pub fn run(action: Action) -> Self {
        Self { action, skip: None }
    }

    /// A step that will not run, and why.
    pub fn skip(action: Action, reason: SkipReason) -> Self {
        Self { action, skip: Some(reason) }
    }

    /// A step planning could not decide, because a lookup failed: applying the plan looks
    /// again.
    ///
    /// ```
    /// use cfzt_workflows::{Action, PlannedStep};
    /// let step = PlannedStep::undecided(Action::RevokeSessions, "HTTP 500");
    /// assert!(step.is_undecided() && step.is_open());
    /// assert!(!PlannedStep::run(Action::FreeSeat).is_undecided());
    /// ```
    pub fn undecided(action: Action, error: impl Into<String>) -> Self {
        Self::skip(action, SkipReason::LookupFailed { error: error.into() })
    }

    /// `true` when planning could not decide the step ([`SkipReason::LookupFailed`]).
    pub fn is_undecided(&self) -> bool {
        matches!(self.skip, Some(SkipReason::LookupFailed { .. }))
    }

    /// `true` when applying the plan looks at the step: it is to run, or undecided.
    pub fn is_open(&self) -> bool {
        self.skip.is_none() || self.is_undecided()
    }
}

/// Everything a plan does to one person.
///
/// ```
/// let json = r#"{"email":"a@example.com","user_id":"f174e90a-fafe-4643-bbbc-4a0ed4fc8415",
///   "steps":[{"action":"revoke_sessions"},{"action":"free_seat","skip":{"reason":"holds_no_seat"}}]}"#;
/// let person: cfzt_workflows::PersonPlan = serde_json::from_str(json)?;
/// assert_eq!(person.pending().count(), 1);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonPlan {
    /// The email the person was asked for (offboarding) or listed with (reclamation).
    pub email: String,
    /// The user's id, when one user was found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The user's seat id, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seat_uid: Option<String>,
    /// The steps, in the order they run.
    pub steps: Vec<PlannedStep>,
}

impl PersonPlan {
    /// The steps that will run.
    pub fn pending(&self) -> impl Iterator<Item = &PlannedStep> {
        self.steps.iter().filter(|s| s.skip.is_none())
    }

    /// The steps planning could not decide: applying the plan looks at them again.
    pub fn undecided(&self) -> impl Iterator<Item = &PlannedStep> {
        self.steps.iter().filter(|s| s.is_undecided())
    }
}

/// What a bulk workflow would do, person by person. Plain data: print it (`Display`),
/// store it (serde), review it, then hand it to [`Workflows::apply`](crate::Workflows::apply).
///
/// ```
/// use cfzt_workflows::{Action, PersonPlan, Plan, PlanKind, PlannedStep, SkipReason};
/// let json = r#"{"kind":"offboard","planned_at":"2026-12-02T05:00:00Z","people":[
///   {"email":"gone@example.com","steps":[{"action":"revoke_sessions","skip":{"reason":"no_such_user"}}]}]}"#;
/// let plan: Plan = serde_json::from_str(json)?;
/// assert_eq!(plan.kind, PlanKind::Offboard);
/// assert_eq!(plan.pending_steps(), 0);
/// assert_eq!(plan.people[0].steps[0].skip, Some(SkipReason::NoSuchUser));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// The workflow that made the plan.
    pub kind: PlanKind,
    /// When the plan was made.
    pub planned_at: Timestamp,
    /// Reclamation only: people who logged in on or after this are left alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cutoff: Option<Timestamp>,
    /// Offboarding only: revoking sessions also revokes the person's devices.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub revoke_devices: bool,
    /// One entry per person, in the order asked (offboarding) or listed (reclamation).
    pub people: Vec<PersonPlan>,
}

impl Plan {
    /// How many steps will run.
    pub fn pending_steps(&self) -> usize {
        self.people.iter().map(|p| p.pending().count()).sum()
    }

    /// How many steps planning could not decide ([`PlannedStep::is_undecided`]).
    pub fn undecided_steps(&self) -> usize {
        self.people.iter().map(|p| p.undecided().count()).sum()
    }

    /// How many people have a step planning could not decide: a lookup failed for them.
    pub fn people_undecided(&self) -> usize {
        self.people.iter().filter(|p| p.undecided().next().is_some()).count()
    }

    /// `true` when no step will run and none is undecided.
    pub fn is_noop(&self) -> bool {
        self.pending_steps() == 0 && self.undecided_steps() == 0
    }
}

/// A plan made by [`Workflows::plan_offboard`](crate::Workflows::plan_offboard): a
/// [`Plan`] of kind [`PlanKind::Offboard`].
#[deprecated(note = "use Plan: every workflow makes the one type, and its `kind` says which")]
pub type OffboardPlan = Plan;
/// A plan made by [`Workflows::plan_reclaim`](crate::Workflows::plan_reclaim): a [`Plan`]
/// of kind [`PlanKind::Reclaim`].
#[deprecated(note = "use Plan: every workflow makes the one type, and its `kind` says which")]
pub type ReclaimPlan = Plan;

impl fmt::Display for Plan {
    /// One line per person, one indented line per step.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            PlanKind::Offboard => "offboard",
            PlanKind::Reclaim => "reclaim seats",
            PlanKind::Sync => "sync removals",
        };
        write!(f, "plan: {kind}, {} people, {} steps to run", self.people.len(), self.pending_steps())?;
        let undecided = self.undecided_steps();
        if undecided > 0 {
            write!(f, ", {undecided} undecided (a lookup failed for {} people)", self.people_undecided())?;
        }
        if let Some(cutoff) = self.cutoff {
            write!(f, ", inactive since {cutoff}")?;
        }
        for person in &self.people {
            write!(f, "\n  {}", person.email)?;
            if let Some(id) = &person.user_id {
                write!(f, " ({id})")?;
            }
            for step in &person.steps {
                match &step.skip {
                    None => write!(f, "\n    - {}", step.action)?,
                    Some(reason) if step.is_undecided() => {
                        write!(f, "\n    - {}: UNDECIDED, {reason}; looked up again when applied", step.action)?;
                    }
                    Some(reason) => write!(f, "\n    - {}: skip, {reason}", step.action)?,
                }
            }
        }
        Ok(())
    }
}
