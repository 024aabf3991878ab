//! `cfzt sync` and `cfzt apply`: make Access match a roster, through a reviewed plan file.

use std::path::PathBuf;

use cfzt_workflows::{ColumnMap, ExtraAction, RemovalLimit};
use clap::Args;

use super::ApplyArgs;

/// `cfzt sync`.
#[derive(Debug, Args)]
pub(crate) struct SyncArgs {
    /// The roster, the people who should have access: a CSV file read through --map, else a
    /// list of emails, one per line (`#` comments).
    #[arg(long, value_name = "FILE")]
    pub(crate) roster: PathBuf,
    /// The roster's CSV columns: email=COLUMN (required), name=COLUMN, and active=COLUMN:VALUE
    /// (only rows whose COLUMN holds VALUE, ignoring ASCII case, are in the roster).
    #[arg(long, value_name = "KEY=COLUMN,...", value_parser = parse_map)]
    pub(crate) map: Option<ColumnMap>,
    /// What to do with Access users not in the roster: report, revoke-sessions, free-seat or
    /// delete (revoke, free, delete).
    #[arg(long, value_name = "ACTION", default_value = "report", value_parser = parse_extra)]
    pub(crate) not_in_roster: ExtraAction,
    /// A file of protected accounts, never touched: emails, and @domain for whole domains,
    /// one per line (`#` comments); repeat for more.
    #[arg(long, value_name = "FILE")]
    pub(crate) protect: Vec<PathBuf>,
    /// A protected email domain, e.g. vendor.example; repeat for more.
    #[arg(long, value_name = "DOMAIN")]
    pub(crate) protect_domain: Vec<String>,
    /// Refuse the whole plan when it acts on more users not in the roster than N, or N% of
    /// the current users; repeat to set both; `off` turns the guard off.
    #[arg(long, value_name = "N|N%|off", default_value = "10%", value_parser = parse_limit)]
    pub(crate) max_removals: Vec<Option<RemovalLimit>>,
    /// Refuse a roster with more than N% fewer people than Access has users (a truncated
    /// export); `off` turns the guard off. An empty roster is always refused.
    #[arg(long, value_name = "N%|off", default_value = "50%", value_parser = parse_shrink)]
    pub(crate) max_shrink: Shrink,
    /// Create the roster's people who have no Access user (by default they are reported, and
    /// appear when they first log in).
    #[arg(long)]
    pub(crate) create_missing: bool,
    /// Do not rename users whose name differs from the roster's.
    #[arg(long)]
    pub(crate) no_rename: bool,
    /// Also revoke devices when revoking sessions.
    #[arg(long)]
    pub(crate) revoke_devices: bool,
    /// Write the plan to FILE, for `cfzt apply FILE --yes` after review.
    #[arg(long, value_name = "FILE")]
    pub(crate) plan_out: Option<PathBuf>,
    /// Exit 0 when Access matches the roster, 2 when there is drift, 1 on an error.
    #[arg(long)]
    pub(crate) exit_code: bool,
}

/// `cfzt apply`.
#[derive(Debug, Args)]
pub(crate) struct ApplyPlanArgs {
    /// A plan written by `cfzt sync --plan-out`.
    #[arg(value_name = "PLAN")]
    pub(crate) plan: PathBuf,
    #[command(flatten)]
    pub(crate) apply: ApplyArgs,
}

/// Parses `email=Work Email,name=Full Name,active=Status:Active`.
fn parse_map(raw: &str) -> Result<ColumnMap, String> {
    let (mut email, mut name, mut active) = (None, None, None);
    for part in raw.split(',') {
        let (key, column) = part.split_once('=').ok_or_else(|| format!("{part:?} is not KEY=COLUMN"))?;
        let column = column.trim().trim_matches('\'').trim_matches('"').to_string();
        match key.trim() {
            "email" => email = Some(column),
            "name" => name = Some(column),
            "active" => {
                let (col, value) =
                    column.rsplit_once(':').ok_or_else(|| format!("active={column:?} is not COLUMN:VALUE"))?;
                active = Some((col.to_string(), value.to_string()));
            }
            other => return Err(format!("{other:?} is not one of email, name, active")),
        }
    }
    let mut map = ColumnMap::new(email.ok_or("email=COLUMN is required")?);
    if let Some(name) = name {
        map = map.name(name);
    }
    if let Some((col, value)) = active {
        map = map.active(col, value);
    }
    Ok(map)
}

fn parse_extra(raw: &str) -> Result<ExtraAction, String> {
    raw.trim().parse()
}

fn parse_limit(raw: &str) -> Result<Option<RemovalLimit>, String> {
    match raw.trim() {
        "off" => Ok(None),
        other => other.parse().map(Some),
    }
}

/// `--max-shrink`: a percentage, or `None` for off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shrink(pub(crate) Option<u8>);

fn parse_shrink(raw: &str) -> Result<Shrink, String> {
    match raw.trim() {
        "off" => Ok(Shrink(None)),
        other => match other.parse() {
            Ok(RemovalLimit::Percent(p)) => Ok(Shrink(Some(p))),
            _ => Err(format!("{other:?} is not a percentage such as 50% (or off)")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_map_reads_quoted_columns_and_names_what_is_wrong() {
        let map = parse_map("email='Work Email',name=\"Full Name\",active=Status:Active").unwrap();
        assert_eq!(map, ColumnMap::new("Work Email").name("Full Name").active("Status", "Active"));
        for bad in ["name=x", "email", "email=a,colour=b", "email=a,active=Status"] {
            assert!(parse_map(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_limit("off"), Ok(None));
        assert_eq!(parse_shrink("50%"), Ok(Shrink(Some(50))));
        assert!(parse_shrink("50").is_err());
    }
}
