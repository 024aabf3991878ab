//! The rows of the bulk commands: plans and reports (one row per person and step), seat
//! counts, and the audit export.

use cfzt_workflows::{AuditRow, Outcome, PersonPlan, PersonReport, SeatCounts};
use serde::Serialize;
use serde_json::{Map, Value};

use super::Record;

/// The name serde gives a unit variant or an internally tagged enum's tag (`"free_seat"`,
/// `"done"`), so that new variants of the workflows' enums print without a change here.
fn serde_name<T: Serialize>(value: &T, tag: Option<&str>) -> String {
    match (serde_json::to_value(value), tag) {
        (Ok(Value::String(s)), None) => s,
        (Ok(Value::Object(map)), Some(tag)) => map.get(tag).and_then(Value::as_str).unwrap_or_default().to_string(),
        _ => String::new(),
    }
}

/// One planned step of one person.
#[derive(Debug, Serialize)]
pub(crate) struct PlanRow {
    pub(crate) email: String,
    pub(crate) user_id: Option<String>,
    pub(crate) action: String,
    /// `run`, `skip`, or `undecided` (a lookup failed while planning; looked up again
    /// when applied).
    pub(crate) step: &'static str,
    /// Why the step is skipped or undecided.
    pub(crate) reason: Option<String>,
}

impl PlanRow {
    /// The rows of one person's plan.
    pub(crate) fn of(person: &PersonPlan) -> Vec<PlanRow> {
        person
            .steps
            .iter()
            .map(|step| PlanRow {
                email: person.email.clone(),
                user_id: person.user_id.clone(),
                action: serde_name(&step.action, None),
                step: match &step.skip {
                    None => "run",
                    Some(_) if step.is_undecided() => "undecided",
                    Some(_) => "skip",
                },
                reason: step.skip.as_ref().map(ToString::to_string),
            })
            .collect()
    }
}

impl Record for PlanRow {
    const COLUMNS: &'static [&'static str] = &["email", "user_id", "action", "step", "reason"];

    fn cells(&self) -> Vec<Option<String>> {
        vec![
            Some(self.email.clone()),
            self.user_id.clone(),
            Some(self.action.clone()),
            Some(self.step.to_string()),
            self.reason.clone(),
        ]
    }
}

/// What became of one step of one person.
#[derive(Debug, Serialize)]
pub(crate) struct ReportRow {
    pub(crate) email: String,
    pub(crate) user_id: Option<String>,
    pub(crate) action: String,
    /// `done`, `skipped`, `failed`, `not_attempted`, `stopped` (not started: Ctrl-C) or
    /// `interrupted` (under way at a second Ctrl-C: may have taken effect).
    pub(crate) outcome: String,
    /// Why a step was skipped, or how it failed.
    pub(crate) detail: Option<String>,
}

impl ReportRow {
    /// The rows of one person's report.
    pub(crate) fn of(person: &PersonReport) -> Vec<ReportRow> {
        person
            .steps
            .iter()
            .map(|step| ReportRow {
                email: person.email.clone(),
                user_id: person.user_id.clone(),
                action: serde_name(&step.action, None),
                outcome: serde_name(&step.outcome, Some("status")),
                detail: match &step.outcome {
                    Outcome::Skipped { reason } => Some(reason.to_string()),
                    Outcome::Failed { error } => Some(error.message.clone()),
                    Outcome::Stopped => Some("not started: the run was interrupted".into()),
                    Outcome::Interrupted => Some("interrupted: may have taken effect".into()),
                    _ => None,
                },
            })
            .collect()
    }
}

impl Record for ReportRow {
    const COLUMNS: &'static [&'static str] = &["email", "user_id", "action", "outcome", "detail"];

    fn cells(&self) -> Vec<Option<String>> {
        vec![
            Some(self.email.clone()),
            self.user_id.clone(),
            Some(self.action.clone()),
            Some(self.outcome.clone()),
            self.detail.clone(),
        ]
    }
}

impl Record for SeatCounts {
    const COLUMNS: &'static [&'static str] = &["users", "access_seats", "gateway_seats", "any_seat", "both_seats"];

    fn cells(&self) -> Vec<Option<String>> {
        [self.users, self.access_seats, self.gateway_seats, self.any_seat, self.both_seats]
            .iter()
            .map(|n| Some(n.to_string()))
            .collect()
    }
}

/// The columns of the audit export: [`AuditRow`]'s fields, in their order.
const EXPORT_COLUMNS: &[&str] = &[
    "user_id",
    "email",
    "name",
    "access_seat",
    "gateway_seat",
    "active_device_count",
    "created_at",
    "last_successful_login",
    "active_sessions",
    "session_apps",
    "failed_logins",
    "last_failed_login",
    "last_seen_ip",
    "last_seen_country",
    "last_seen_idp",
    "last_seen_warp",
];

/// One row of `cfzt export`: an [`AuditRow`]'s values in column order, with the columns
/// of parts not asked for set to null (empty in CSV), so the columns stay the same
/// whatever `--with` says.
#[derive(Debug)]
pub(crate) struct ExportRow(Vec<Value>);

impl ExportRow {
    /// `row`'s values in column order; a part that was not fetched is null.
    pub(crate) fn new(row: &AuditRow) -> ExportRow {
        let mut map = match serde_json::to_value(row) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        let values = EXPORT_COLUMNS.iter().map(|c| map.remove(*c).unwrap_or(Value::Null)).collect();
        ExportRow(values)
    }
}

impl Serialize for ExportRow {
    /// An object with the columns as keys, in column order.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (column, value) in EXPORT_COLUMNS.iter().zip(&self.0) {
            map.serialize_entry(column, value)?;
        }
        map.end()
    }
}

impl Record for ExportRow {
    const COLUMNS: &'static [&'static str] = EXPORT_COLUMNS;
    const TABLE_COLUMNS: &'static [&'static str] =
        &["email", "access_seat", "gateway_seat", "last_successful_login", "active_sessions", "failed_logins"];

    fn cells(&self) -> Vec<Option<String>> {
        self.0
            .iter()
            .map(|value| match value {
                Value::Null => None,
                Value::String(s) => Some(s.clone()),
                other => Some(other.to_string()),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_columns_are_the_audit_rows_fields_in_order() {
        let value = serde_json::to_value(AuditRow::default()).unwrap();
        let mut keys: Vec<&str> = value.as_object().unwrap().keys().map(String::as_str).collect();
        let mut columns = EXPORT_COLUMNS.to_vec();
        keys.sort_unstable();
        columns.sort_unstable();
        assert_eq!(keys, columns, "every field is a column, and nothing else");
    }

    #[test]
    fn parts_not_fetched_are_null_and_empty() {
        let mut row = AuditRow::default();
        row.failed_logins = Some(1);
        let export = ExportRow::new(&row);
        let cells = export.cells();
        assert_eq!(cells[8], None);
        assert_eq!(cells[10].as_deref(), Some("1"));
        let json = serde_json::to_string(&export).unwrap();
        assert!(json.starts_with(r#"{"user_id":null,"email":null,"#), "{json}");
        assert!(json.contains(r#""active_sessions":null,"session_apps":null,"failed_logins":1"#), "{json}");
    }
}
