//! Reports: what applying a plan did, person by person and step by step.

use std::fmt;

use cfzt_models::Timestamp;
use serde::{Deserialize, Serialize};

use crate::{Action, PlanKind, SkipReason, WorkflowError};

/// A step's failure, as data.
///
/// ```
/// let json = r#"{"message":"Internal error (code 10001)","status":500,"retryable":true}"#;
/// let error: cfzt_workflows::StepError = serde_json::from_str(json)?;
/// assert_eq!(error.status, Some(500));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepError {
    /// The error's message.
    pub message: String,
    /// The HTTP status, when the API answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// `true` when applying the plan again may succeed.
    pub retryable: bool,
}

impl From<&WorkflowError> for StepError {
    fn from(error: &WorkflowError) -> Self {
        let status = error.as_api().and_then(|e| e.status()).map(|s| s.as_u16());
        Self { message: error.to_string(), status, retryable: error.is_retryable() }
    }
}

/// What became of one step.
///
/// ```
/// use cfzt_workflows::{Outcome, SkipReason};
/// let skipped = Outcome::Skipped { reason: SkipReason::HoldsNoSeat };
/// assert_eq!(serde_json::to_string(&skipped)?, r#"{"status":"skipped","reason":"holds_no_seat"}"#);
/// assert_eq!(serde_json::to_string(&Outcome::Done)?, r#"{"status":"done"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    /// The step ran and took effect.
    Done,
    /// The step did not run: the plan skipped it, or the state, checked again, made it
    /// unnecessary.
    Skipped {
        /// Why.
        #[serde(flatten)]
        reason: SkipReason,
    },
    /// The step failed.
    Failed {
        /// Why.
        error: StepError,
    },
    /// An earlier step of the same person failed, so this one was not tried.
    NotAttempted,
    /// The run was stopped ([`StopSignal`](crate::StopSignal)) before this step started:
    /// nothing was sent for it.
    Stopped,
    /// The step was under way when the run was abandoned: its request may have reached
    /// the server and taken effect. Applying the plan again looks at it again.
    Interrupted,
}

impl Outcome {
    /// `true` when the step is settled: it took effect, or there was nothing to do. A
    /// failed, not attempted, stopped or interrupted step is not.
    ///
    /// ```
    /// use cfzt_workflows::Outcome;
    /// assert!(Outcome::Done.is_settled());
    /// assert!(!Outcome::Interrupted.is_settled() && !Outcome::Stopped.is_settled());
    /// ```
    pub fn is_settled(&self) -> bool {
        matches!(self, Self::Done | Self::Skipped { .. })
    }
}

/// What became of one step of one person.
///
/// ```
/// let step: cfzt_workflows::StepReport =
///     serde_json::from_str(r#"{"action":"delete_user","outcome":{"status":"not_attempted"}}"#)?;
/// assert_eq!(step.outcome, cfzt_workflows::Outcome::NotAttempted);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepReport {
    /// The step's action.
    pub action: Action,
    /// What became of it.
    pub outcome: Outcome,
}

/// What applying a plan did to one person.
///
/// ```
/// let json = r#"{"email":"a@example.com","steps":[{"action":"free_seat","outcome":{"status":"done"}}]}"#;
/// let person: cfzt_workflows::PersonReport = serde_json::from_str(json)?;
/// assert_eq!((person.done(), person.failed()), (1, false));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonReport {
    /// The person's email, as in the plan.
    pub email: String,
    /// The user's id, as in the plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// One report per planned step, in order.
    pub steps: Vec<StepReport>,
}

impl PersonReport {
    /// `true` if a step failed.
    pub fn failed(&self) -> bool {
        self.steps.iter().any(|s| matches!(s.outcome, Outcome::Failed { .. }))
    }

    /// How many steps took effect.
    pub fn done(&self) -> usize {
        self.steps.iter().filter(|s| s.outcome == Outcome::Done).count()
    }

    /// `true` when every step is settled ([`Outcome::is_settled`]): nothing is left to do
    /// for this person, and a rerun may skip them.
    pub fn finished(&self) -> bool {
        self.steps.iter().all(|s| s.outcome.is_settled())
    }
}

/// What applying a plan did, person by person, in the plan's order.
///
/// ```
/// let json = r#"{"kind":"offboard","started_at":"2026-12-02T05:00:00Z","finished_at":"2026-12-02T05:00:01Z",
///   "people":[{"email":"a@example.com","steps":[{"action":"free_seat","outcome":{"status":"done"}}]}]}"#;
/// let report: cfzt_workflows::Report = serde_json::from_str(json)?;
/// assert_eq!((report.steps_done(), report.people_failed()), (1, 0));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// The workflow of the plan applied.
    pub kind: PlanKind,
    /// When applying started.
    pub started_at: Timestamp,
    /// When it finished.
    pub finished_at: Timestamp,
    /// One report per person of the plan, in the plan's order.
    pub people: Vec<PersonReport>,
}

impl Report {
    /// How many steps took effect.
    pub fn steps_done(&self) -> usize {
        self.people.iter().map(PersonReport::done).sum()
    }

    /// How many people had a step fail.
    pub fn people_failed(&self) -> usize {
        self.people.iter().filter(|p| p.failed()).count()
    }

    /// How many people are not finished ([`PersonReport::finished`]): a step failed, or
    /// the run was stopped or interrupted before their steps were settled.
    pub fn people_unfinished(&self) -> usize {
        self.people.iter().filter(|p| !p.finished()).count()
    }

    /// `true` when nothing took effect and everyone is finished: there was nothing left
    /// to do.
    pub fn is_noop(&self) -> bool {
        self.steps_done() == 0 && self.people_unfinished() == 0
    }
}

/// A report of [`Workflows::apply`](crate::Workflows::apply) on an offboarding plan: a
/// [`Report`] of kind [`PlanKind::Offboard`].
#[deprecated(note = "use Report: every plan's report is the one type, and its `kind` says which")]
pub type OffboardReport = Report;
/// A report of [`Workflows::apply`](crate::Workflows::apply) on a reclamation plan: a
/// [`Report`] of kind [`PlanKind::Reclaim`].
#[deprecated(note = "use Report: every plan's report is the one type, and its `kind` says which")]
pub type ReclaimReport = Report;

impl fmt::Display for Report {
    /// One line per person, one indented line per step.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "report: {} people, {} steps done, {} people failed",
            self.people.len(),
            self.steps_done(),
            self.people_failed()
        )?;
        let unfinished = self.people_unfinished() - self.people_failed();
        if unfinished > 0 {
            write!(f, ", {unfinished} people not finished (the run was stopped)")?;
        }
        for person in &self.people {
            write!(f, "\n  {}", person.email)?;
            for step in &person.steps {
                write!(f, "\n    - {}: ", step.action)?;
                match &step.outcome {
                    Outcome::Done => f.write_str("done")?,
                    Outcome::Skipped { reason } => write!(f, "skipped, {reason}")?,
                    Outcome::Failed { error } => write!(f, "FAILED, {}", error.message)?,
                    Outcome::NotAttempted => f.write_str("not attempted (an earlier step failed)")?,
                    Outcome::Stopped => f.write_str("not started (the run was stopped)")?,
                    Outcome::Interrupted => f.write_str("interrupted: may have taken effect")?,
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_round_trips_through_json_with_flat_outcomes() {
        let report = Report {
            kind: PlanKind::Offboard,
            started_at: "2026-12-02T05:00:00Z".parse().unwrap(),
            finished_at: "2026-12-02T05:00:01Z".parse().unwrap(),
            people: vec![PersonReport {
                email: "a@example.com".into(),
                user_id: Some("id".into()),
                steps: vec![
                    StepReport { action: Action::RevokeSessions, outcome: Outcome::Done },
                    StepReport {
                        action: Action::FreeSeat,
                        outcome: Outcome::Failed {
                            error: StepError { message: "boom".into(), status: Some(503), retryable: true },
                        },
                    },
                    StepReport { action: Action::DeleteUser, outcome: Outcome::NotAttempted },
                ],
            }],
        };
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["people"][0]["steps"][1]["outcome"]["status"], "failed");
        let skipped = Outcome::Skipped { reason: SkipReason::AmbiguousEmail { matches: 2 } };
        let value = serde_json::to_value(&skipped).unwrap();
        assert_eq!(value, serde_json::json!({"status": "skipped", "reason": "ambiguous_email", "matches": 2}));
        assert_eq!(serde_json::from_value::<Outcome>(value).unwrap(), skipped);
        assert_eq!(serde_json::from_value::<Report>(json).unwrap(), report);
        assert_eq!((report.steps_done(), report.people_failed(), report.is_noop()), (1, 1, false));
        let text = report.to_string();
        assert!(text.contains("FAILED, boom") && text.contains("not attempted"), "{text}");
    }
}
