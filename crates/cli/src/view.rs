//! The output options, settled once before a command runs: `--json` and `--jq` become
//! `-o json`, `--jq` and `--fields` are checked against the command (a usage error, before
//! anything is sent), colour is decided, and `--quiet` is set.

use std::io::IsTerminal;

use cfzt_access_users::{ActiveSession, ActiveSessionDetail, FailedLogin, Identity, User};
use cfzt_workflows::SeatCounts;

use crate::args::{Cli, ColorChoice, Command, SessionsCommand, UsersCommand};
use crate::errors::CliError;
use crate::output::{DeletedUser, ExportRow, Format, PlanRow, Record, ReportRow, Settings, jq};

/// Settles `cli`'s output options: rewrites its `-o` where `--json` or `--jq` imply JSON,
/// and records the rest for the sinks ([`crate::output::settings`]).
pub(crate) fn settle(cli: &mut Cli) -> Result<(), CliError> {
    let view = &cli.view;
    if view.jq.is_some() {
        match cli.global.output {
            None | Some(Format::Json) => {}
            Some(other) => {
                return Err(CliError::usage(
                    format!("--jq filters JSON, and cannot be used with -o {}", format_name(other)),
                    Some("drop -o, or use -o json".into()),
                ));
            }
        }
    }
    if view.json || view.jq.is_some() {
        cli.global.output = Some(Format::Json);
    }
    if let Some(expr) = &view.jq {
        jq::check(expr).map_err(|e| CliError::usage(format!("--jq: {e}"), None))?;
    }
    let stdout_is_terminal = std::io::stdout().is_terminal();
    let format = Format::resolve(cli.global.output, stdout_is_terminal, false);
    let fields = match &view.fields {
        Some(fields) => Some(check_fields(&cli.command, format, fields)?),
        None => None,
    };
    let no_color = std::env::var_os("NO_COLOR");
    let force = std::env::var_os("CLICOLOR_FORCE");
    let colour = colour(view.color, stdout_is_terminal, no_color.as_deref(), force.as_deref());
    crate::console::set_quiet(view.quiet);
    crate::output::settle(Settings { jq: view.jq.clone(), fields, colour });
    Ok(())
}

/// Whether tables are coloured: `--color always|never` decides; with `auto`, a non-empty
/// `NO_COLOR` says no, a `CLICOLOR_FORCE` other than empty or `0` says yes, and otherwise
/// colour only on a terminal. NO_COLOR wins over CLICOLOR_FORCE (asking for less is safer).
pub(crate) fn colour(
    choice: ColorChoice,
    stdout_is_terminal: bool,
    no_color: Option<&std::ffi::OsStr>,
    clicolor_force: Option<&std::ffi::OsStr>,
) -> bool {
    let set = |v: Option<&std::ffi::OsStr>| v.is_some_and(|v| !v.is_empty());
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if set(no_color) => false,
        ColorChoice::Auto if set(clicolor_force) && clicolor_force != Some("0".as_ref()) => true,
        ColorChoice::Auto => stdout_is_terminal,
    }
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Table => "table",
        Format::Json => "json",
        Format::Ndjson => "ndjson",
        Format::Csv | Format::CsvRaw => "csv",
    }
}

/// `--fields`, checked against the columns `command` prints; they apply to tables and CSV,
/// so with JSON or NDJSON (chosen, or the default off a terminal) they are a usage error
/// rather than ignored.
fn check_fields(command: &Command, format: Format, fields: &[String]) -> Result<Vec<String>, CliError> {
    if let Format::Json | Format::Ndjson = format {
        return Err(CliError::usage(
            format!("--fields picks the columns of table and CSV output, not of {} output", format_name(format)),
            Some("add -o csv or -o table, or pick from JSON with --jq, e.g. --jq '.[] | {email, name}'".into()),
        ));
    }
    let Some(valid) = columns(command) else {
        return Err(CliError::usage("--fields: this command prints no columns", None));
    };
    let fields: Vec<String> = fields.iter().map(|f| f.trim().to_string()).collect();
    let unknown: Vec<&str> = fields.iter().map(String::as_str).filter(|f| !valid.contains(f)).collect();
    if !unknown.is_empty() || fields.is_empty() {
        return Err(CliError::usage(
            format!("--fields: unknown field {}", unknown.join(", ")),
            Some(format!("valid fields: {}", valid.join(","))),
        ));
    }
    Ok(fields)
}

/// The columns `command` prints, or `None` for a command that prints no records.
fn columns(command: &Command) -> Option<&'static [&'static str]> {
    Some(match command {
        Command::Users(UsersCommand::Delete { .. }) => DeletedUser::COLUMNS,
        Command::Users(_) => User::COLUMNS,
        Command::Sessions(SessionsCommand::List { .. }) => ActiveSession::COLUMNS,
        Command::Sessions(SessionsCommand::Get { .. }) => ActiveSessionDetail::COLUMNS,
        Command::Seats(_) => SeatCounts::COLUMNS,
        Command::Reclaim(args) if args.apply.yes => ReportRow::COLUMNS,
        Command::Offboard(args) if args.apply.yes => ReportRow::COLUMNS,
        Command::Reclaim(_) | Command::Offboard(_) => PlanRow::COLUMNS,
        Command::Apply(args) if args.apply.yes => ReportRow::COLUMNS,
        Command::Sync(_) | Command::Apply(_) => crate::output::SyncRow::COLUMNS,
        Command::Export(_) => ExportRow::COLUMNS,
        Command::Identity { .. } => Identity::COLUMNS,
        Command::FailedLogins { .. } => FailedLogin::COLUMNS,
        Command::Completions(_) | Command::Man(_) | Command::Config(_) => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn colour_rules() {
        use ColorChoice::*;
        let s = |v: &'static str| Some(OsStr::new(v));
        // (choice, terminal, NO_COLOR, CLICOLOR_FORCE, want)
        let cases = [
            (Auto, true, None, None, true),
            (Auto, false, None, None, false),
            (Auto, true, s("1"), None, false),
            (Auto, true, s(""), None, true),
            (Auto, false, None, s("1"), true),
            (Auto, false, None, s("0"), false),
            (Auto, false, None, s(""), false),
            (Auto, false, s("1"), s("1"), false),
            (Always, false, s("1"), None, true),
            (Never, true, None, s("1"), false),
        ];
        for (choice, terminal, no_color, force, want) in cases {
            assert_eq!(colour(choice, terminal, no_color, force), want, "{choice:?} {terminal} {no_color:?} {force:?}");
        }
    }
}
