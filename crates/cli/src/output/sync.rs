//! The rows of a sync plan: one per person, what is planned and why.

use cfzt_workflows::{Change, SyncEntry};
use serde::Serialize;

use super::Record;

/// One person of a sync plan.
#[derive(Debug, Serialize)]
pub(crate) struct SyncRow {
    pub(crate) email: String,
    pub(crate) user_id: Option<String>,
    /// `remove`, `report`, `rename`, `create`, `missing` or `untouched`.
    pub(crate) change: &'static str,
    /// The steps of a removal (`revoke_sessions`, `free_seat (skip: holds no seat)`), or the
    /// new name of a rename or creation.
    pub(crate) detail: Option<String>,
    /// Why.
    pub(crate) why: String,
}

impl SyncRow {
    pub(crate) fn of(entry: &SyncEntry) -> SyncRow {
        let (change, detail) = match &entry.change {
            Change::Remove { steps } => {
                let steps: Vec<String> = steps
                    .iter()
                    .map(|s| match &s.skip {
                        None => s.action.to_string(),
                        Some(reason) if s.is_undecided() => format!("{} (undecided: {reason})", s.action),
                        Some(reason) => format!("{} (skip: {reason})", s.action),
                    })
                    .collect();
                ("remove", Some(steps.join("; ")))
            }
            Change::Report => ("report", None),
            Change::Rename { to, .. } => ("rename", Some(to.clone())),
            Change::Create { name } => ("create", name.clone()),
            Change::Missing => ("missing", None),
            _ => ("untouched", None),
        };
        SyncRow {
            email: entry.email.clone(),
            user_id: entry.user_id.clone(),
            change,
            detail,
            why: entry.why.to_string(),
        }
    }
}

impl Record for SyncRow {
    const COLUMNS: &'static [&'static str] = &["email", "user_id", "change", "detail", "why"];

    fn cells(&self) -> Vec<Option<String>> {
        vec![
            Some(self.email.clone()),
            self.user_id.clone(),
            Some(self.change.to_string()),
            self.detail.clone(),
            Some(self.why.clone()),
        ]
    }
}
