//! Planning a sync: compare the users with the roster, decide, change nothing.

use std::fmt;

use cfzt_models::Timestamp;
use serde::{Deserialize, Serialize};

use super::options::ExtraAction;
#[cfg(doc)]
use super::options::SyncOptions;
#[cfg(doc)]
use crate::Workflows;
use crate::plan::{PersonPlan, Plan, PlanKind, PlannedStep};
use crate::roster::InvalidRow;

/// What a sync plans for one person.
///
/// ```
/// use cfzt_workflows::Change;
/// let rename = Change::Rename { from: Some("J Doe".into()), to: "Jane Doe".into() };
/// assert_eq!(serde_json::to_string(&rename)?, r#"{"kind":"rename","from":"J Doe","to":"Jane Doe"}"#);
/// assert!(rename.is_drift() && !Change::Missing.is_drift());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    /// The configured [`ExtraAction`]'s steps, for a user not in the roster.
    Remove {
        /// The steps, each to run or skipped with a reason.
        steps: Vec<PlannedStep>,
    },
    /// A user not in the roster, reported only ([`ExtraAction::Report`]).
    Report,
    /// A rename through *update a user* (the current email confirms the user).
    Rename {
        /// The user's name now.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<String>,
        /// The roster's name.
        to: String,
    },
    /// A roster person with no Access user, created ([`SyncOptions::create_missing`]).
    Create {
        /// The roster's name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    /// A roster person with no Access user, reported: they appear when they first log in.
    Missing,
    /// Something would be done, but a guard or the roster's data says to leave the user
    /// as they are (see the entry's [`Why`]).
    Untouched,
}

impl Change {
    /// `true` when the change is drift a rerun would act on or report again: steps to
    /// run (or undecided), a user reported, a rename, a creation.
    pub fn is_drift(&self) -> bool {
        match self {
            Self::Remove { steps } => steps.iter().any(PlannedStep::is_open),
            Self::Report | Self::Rename { .. } | Self::Create { .. } => true,
            Self::Missing | Self::Untouched => false,
        }
    }
}

/// Why a sync plans what it does for a person.
///
/// ```
/// use cfzt_workflows::Why;
/// assert_eq!(Why::NotInRoster.to_string(), "not in the roster");
/// assert_eq!(serde_json::to_string(&Why::Protected { rule: "@vendor.example".into() })?,
///     r#"{"reason":"protected","rule":"@vendor.example"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Why {
    /// The user's email is not in the roster.
    NotInRoster,
    /// The roster lists the email on a row its active column marks not active.
    MarkedInactive,
    /// The user's name is not the roster's.
    NameDiffers,
    /// The roster's person has no Access user.
    NotInAccess,
    /// A protected account: never touched.
    Protected {
        /// The email or `@domain` that protects it.
        rule: String,
    },
    /// The roster lists the person on several rows, so its name is not taken.
    DuplicateInRoster {
        /// The rows (1-based, header excluded).
        rows: Vec<usize>,
    },
}

impl fmt::Display for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotInRoster => f.write_str("not in the roster"),
            Self::MarkedInactive => f.write_str("marked not active in the roster"),
            Self::NameDiffers => f.write_str("the name differs from the roster's"),
            Self::NotInAccess => f.write_str("in the roster, no Access user"),
            Self::Protected { rule } => write!(f, "protected by {rule}"),
            Self::DuplicateInRoster { rows } => {
                write!(f, "listed {} times in the roster (rows {rows:?}); its name is not taken", rows.len())
            }
        }
    }
}

/// One person of a sync plan: what is planned and why.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncEntry {
    /// The user's email (or the roster's, for a person with no user).
    pub email: String,
    /// The user's id, when there is a user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The user's seat id, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seat_uid: Option<String>,
    /// What is planned.
    pub change: Change,
    /// Why.
    pub why: Why,
}

/// What a sync would do: plain data to print, write to a file, review, and apply with
/// [`Workflows::apply_sync`], which refuses it once the users have changed
/// ([`SyncPlan::fingerprint`]).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncPlan {
    /// When the plan was made.
    pub planned_at: Timestamp,
    /// A fingerprint of the users the plan was made from (ids, emails, names), but for
    /// the ones it changes.
    pub fingerprint: String,
    /// How many users the account had.
    pub users: usize,
    /// How many people the roster had.
    pub roster: usize,
    /// What happens to users not in the roster.
    pub extra: ExtraAction,
    /// Revoking sessions also revokes devices.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub revoke_devices: bool,
    /// One entry per person the plan acts on, reports or leaves alone for a reason.
    pub entries: Vec<SyncEntry>,
    /// Roster rows whose email is invalid.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub invalid_rows: Vec<InvalidRow>,
}

impl SyncPlan {
    /// How many entries are drift ([`Change::is_drift`]): `0` means Access matches the roster.
    pub fn drift(&self) -> usize {
        self.entries.iter().filter(|e| e.change.is_drift()).count()
    }

    /// `true` when there is drift.
    pub fn has_drift(&self) -> bool {
        self.drift() > 0
    }

    /// How many users the plan acts on for not being in the roster (what the removal
    /// limit counts).
    pub fn removals(&self) -> usize {
        self.entries.iter().filter(|e| matches!(e.change, Change::Remove { .. })).count()
    }

    /// The email keys of the people the plan changes (removes, renames or creates):
    /// left out of the fingerprint, so the plan's own changes do not make it stale.
    pub(crate) fn touched(&self) -> std::collections::HashSet<String> {
        let changes =
            |e: &&SyncEntry| matches!(e.change, Change::Remove { .. } | Change::Rename { .. } | Change::Create { .. });
        self.entries.iter().filter(changes).map(|e| cfzt_models::email_key(&e.email)).collect()
    }

    /// The removal steps as a [`Plan`] of kind [`PlanKind::Sync`], for
    /// [`Workflows::apply`] (what [`Workflows::apply_sync`] does after
    /// [`Workflows::check_sync_plan`] and [`Workflows::apply_sync_changes`]).
    pub fn removal_plan(&self) -> Plan {
        let people = self
            .entries
            .iter()
            .filter_map(|e| match &e.change {
                Change::Remove { steps } => Some(PersonPlan {
                    email: e.email.clone(),
                    user_id: e.user_id.clone(),
                    seat_uid: e.seat_uid.clone(),
                    steps: steps.clone(),
                }),
                _ => None,
            })
            .collect();
        Plan {
            kind: PlanKind::Sync,
            planned_at: self.planned_at,
            cutoff: None,
            revoke_devices: self.revoke_devices,
            people,
        }
    }
}

impl fmt::Display for SyncPlan {
    /// A summary line, then one line per entry with its reason.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "sync plan: {} users, {} in the roster, {} drift, {} acted on as not in the roster ({})",
            self.users,
            self.roster,
            self.drift(),
            self.removals(),
            self.extra
        )?;
        for entry in &self.entries {
            let what = match &entry.change {
                Change::Remove { steps } => {
                    let steps: Vec<String> = steps
                        .iter()
                        .map(|s| match &s.skip {
                            None => s.action.to_string(),
                            Some(reason) => format!("{} (skip: {reason})", s.action),
                        })
                        .collect();
                    steps.join(", ")
                }
                Change::Report => "report".into(),
                Change::Rename { from, to } => format!("rename {:?} -> {to:?}", from.as_deref().unwrap_or("")),
                Change::Create { .. } => "create".into(),
                Change::Missing => "missing".into(),
                Change::Untouched => "untouched".into(),
            };
            write!(f, "\n  {}: {what}; {}", entry.email, entry.why)?;
        }
        for row in &self.invalid_rows {
            write!(f, "\n  roster row {}: {:?} is not an email ({})", row.row, row.email, row.error)?;
        }
        Ok(())
    }
}
