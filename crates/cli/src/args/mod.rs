//! The command line: global options and the command tree, with each command's help.

use std::time::Duration;

use cfzt_access_users::{AccountId, SessionNonce, UserId};
use cfzt_transport::BudgetQuota;
use clap::{Args, Parser, Subcommand};

use crate::output::Format;

const ABOUT: &str = "Cloudflare Zero Trust Access users, sessions and seats from the shell";

const LONG_ABOUT: &str = "\
Cloudflare Zero Trust Access users, sessions and seats from the shell.

Credentials come from the environment only, never from a flag (flags land in shell history):
  CLOUDFLARE_API_TOKEN                    an API token (preferred), or
  CLOUDFLARE_EMAIL + CLOUDFLARE_API_KEY   an email and global API key.
The account comes from --account or CLOUDFLARE_ACCOUNT_ID.

Try every command with no account: `cfzt --demo users list` starts an embedded fake of the API
with demo data on 127.0.0.1 for the duration of the command (changes last for that one command).";

/// The exit codes, as a literal for `concat!`.
macro_rules! exit_codes {
    () => {
        "Exit codes:
  0  done
  1  error (the API refused, the network failed, nothing matched, or a prompt was declined)
  2  usage error (bad arguments, no account, a bad setting such as --base-url or --budget,
     or a change refused without --yes off a terminal)
  3  partial failure (a bulk command finished, but some items failed, or a plan could not look
     someone up)
  130  interrupted by Ctrl-C (a bulk command reports the steps under way first)"
    };
}

/// A command's after-help: its examples, then the exit codes.
macro_rules! examples {
    ($($line:literal),+ $(,)?) => {
        concat!("Examples:\n", $("  ", $line, "\n",)+ "\n", exit_codes!())
    };
}

/// A plan -> apply command's after-help: its examples, what it prints, the exit codes.
macro_rules! plan_examples {
    ($($line:literal),+ $(,)?) => {
        concat!("Examples:\n", $("  ", $line, "\n",)+ "
Without --yes the command prints its plan (one row per person and step: run, skip and why, or
undecided when a lookup failed, which is exit 3) and changes nothing. With --yes it applies the
plan and prints the report (one row per person and step: done, skipped, failed, not_attempted,
stopped, interrupted); undecided steps are looked up again and fail if that fails again. With
-o json, the plan or report is one object. A progress bar is drawn on stderr when stderr is a
terminal. --resume records only people whose every step is done or skipped.
If stdout is closed midway, the rows stop but the job goes on to the end.
Ctrl-C once: no new step starts, the steps under way finish and are reported, exit 130. Twice:
the steps under way are abandoned and reported as interrupted (they may have taken effect).

", exit_codes!())
    };
}

mod bulk;
mod view;

pub(crate) use bulk::{ApplyArgs, ExportArgs, ExportPart, OffboardArgs, ReclaimArgs, SeatsCommand};
pub(crate) use view::{ColorChoice, CompletionsArgs, ManArgs, ViewArgs};

/// Output rules and exit codes, shown after the top-level help.
pub(crate) const AFTER_HELP: &str = concat!(
    "Output (--output):
  table   a readable table; the default when stdout is a terminal
  ndjson  one JSON object per line; the default when stdout is not a terminal
  json    one JSON value: an object for one item, an array for a list
  csv     a header row, then one row per item; safe to open in a spreadsheet (see --csv-raw)
  Lists are written item by item as pages arrive (memory stays flat for any number of users).
  CSV and table columns are stable; JSON carries the API's objects as the SDK decodes them.
  Tables, CSV and messages on stderr show control and format characters from the server
  (escape sequences, bidi overrides, zero-width characters) as \\u{..} escapes; JSON and NDJSON
  carry values exactly, those characters written as JSON's \\uXXXX escapes.

",
    exit_codes!()
);

/// `cfzt`: the parsed command line.
#[derive(Debug, Parser)]
#[command(name = "cfzt", version, about = ABOUT, long_about = LONG_ABOUT, after_help = AFTER_HELP)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
    #[command(flatten, next_help_heading = "Output options")]
    pub(crate) view: ViewArgs,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub(crate) struct GlobalArgs {
    /// The Cloudflare account id (32 hex digits).
    #[arg(long, global = true, env = "CLOUDFLARE_ACCOUNT_ID", value_name = "ID")]
    pub(crate) account: Option<AccountId>,

    /// The API base URL; https, or http to a loopback host.
    #[arg(long, global = true, env = "CLOUDFLARE_BASE_URL", value_name = "URL")]
    pub(crate) base_url: Option<String>,

    /// Run against an embedded fake of the API with demo data (no account, no network).
    /// Overrides --base-url and --account: the account is the demo account.
    #[arg(long, global = true)]
    pub(crate) demo: bool,

    /// Output format [default: table on a terminal, ndjson otherwise].
    #[arg(long, short = 'o', global = true, value_enum, value_name = "FORMAT")]
    pub(crate) output: Option<Format>,

    /// With -o csv: write every cell exactly as the API gave it, for programs. Without it,
    /// CSV is safe to open in a spreadsheet: a cell starting with =, +, -, @, tab or carriage
    /// return gets a leading ' (so it is not run as a formula), and control and format
    /// characters (escape sequences, bidi overrides, zero-width characters) are shown as
    /// \u{..} escapes.
    #[arg(long, global = true)]
    pub(crate) csv_raw: bool,

    /// Retries of a failed request after its first attempt [default: 2].
    #[arg(long, global = true, value_name = "N")]
    pub(crate) max_retries: Option<u32>,

    /// The rate budget that paces every request: at most N per WINDOW, e.g. 1200/300s
    /// (Cloudflare's limit per token, the default) or 4/1s; `off` sends without pacing.
    #[arg(long, global = true, value_name = "N/WINDOW|off", value_parser = parse_rate_limit)]
    pub(crate) rate_limit: Option<RateLimitArg>,

    /// Keep the rate budget in Redis, shared by every process that uses the same token and
    /// store, e.g. redis://127.0.0.1:6379. While Redis is unreachable, requests are paced
    /// in this process with a warning [default: in this process only].
    #[arg(long, global = true, env = "CFZT_BUDGET_URL", value_name = "URL")]
    pub(crate) budget: Option<String>,

    /// Give up a request that would take longer than this, its attempts and its waits for
    /// the rate budget together, e.g. 30s or 10m. The default lets one of Cloudflare's
    /// five-minute blocks pass inside a call; a longer wait ends the call at once, saying
    /// when the budget resets. `off` waits as long as the budget says: up to 15 minutes for
    /// each pause a server asks for.
    #[arg(
        long,
        global = true,
        value_name = "DURATION|off",
        value_parser = parse_deadline,
        default_value = DEFAULT_DEADLINE
    )]
    pub(crate) deadline: DeadlineArg,

    /// Timeout of each attempt, e.g. 30s, 500ms, 2m [default: 60s].
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_duration)]
    pub(crate) timeout: Option<Duration>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// List, find, get, create, rename and delete Access users.
    #[command(subcommand)]
    Users(UsersCommand),
    /// A user's active Access sessions.
    #[command(subcommand)]
    Sessions(SessionsCommand),
    /// Seat counts, from the users themselves.
    #[command(subcommand)]
    Seats(SeatsCommand),
    /// Free the seats of people inactive for N days (they keep their user record).
    #[command(after_help = plan_examples!(
        "cfzt reclaim --inactive-days 90                # the plan; nothing changes",
        "cfzt reclaim --inactive-days 90 --exclude keep.txt --exclude-email ceo@example.com \\",
        "    --yes --resume reclaim.done",
    ))]
    Reclaim(ReclaimArgs),
    /// Offboard people: revoke their sessions, free their seats and, with --delete, delete them.
    #[command(after_help = plan_examples!(
        "cfzt offboard leaver@example.com               # the plan; nothing changes",
        "cfzt offboard --from-file leavers.txt --delete --yes --resume offboard.done",
        "cut -d, -f1 leavers.csv | cfzt offboard --from-file - --yes",
    ))]
    Offboard(OffboardArgs),
    /// Every user with their sessions, failed logins and last seen identity, one row each.
    #[command(after_help = examples!(
        "cfzt export -o csv > audit.csv",
        "cfzt export --with sessions,identity -o ndjson | jq 'select(.active_sessions > 0)'",
    ))]
    Export(ExportArgs),
    /// The identity Access last saw for a user.
    #[command(after_help = examples!("cfzt identity f174e90a-fafe-4643-bbbc-4a0ed4fc8415 -o json"))]
    Identity {
        /// The user's id.
        user: UserId,
    },
    /// A user's failed logins.
    #[command(after_help = examples!("cfzt failed-logins f174e90a-fafe-4643-bbbc-4a0ed4fc8415 -o csv"))]
    FailedLogins {
        /// The user's id.
        user: UserId,
    },
    /// Print a completion script for bash, zsh, fish or powershell.
    #[command(after_help = examples!(
        "cfzt completions bash > ~/.local/share/bash-completion/completions/cfzt",
        "cfzt completions zsh > \"${fpath[1]}/_cfzt\"",
        "cfzt completions fish > ~/.config/fish/completions/cfzt.fish",
    ))]
    Completions(CompletionsArgs),
    /// Print the cfzt(1) man page, or write one page per command into a directory.
    #[command(after_help = examples!("cfzt man | man -l -", "cfzt man --dir ~/.local/share/man/man1"))]
    Man(ManArgs),
}

/// `cfzt users ...`.
#[derive(Debug, Subcommand)]
pub(crate) enum UsersCommand {
    /// Every user (all pages), optionally filtered by the API.
    #[command(after_help = examples!("cfzt users list", "cfzt users list --search jane -o csv > users.csv"))]
    List(ListArgs),
    /// One user by id.
    #[command(after_help = examples!("cfzt users get f174e90a-fafe-4643-bbbc-4a0ed4fc8415"))]
    Get {
        /// The user's id.
        id: UserId,
    },
    /// The user with exactly this email (ignoring ASCII case only); exit 1 if there is none.
    #[command(after_help = examples!("cfzt users find JDoe@example.com -o json"))]
    Find {
        /// The email to look for.
        email: String,
    },
    /// Create a user.
    #[command(after_help = examples!("cfzt users create jdoe@example.com --name \"Jane Doe\""))]
    Create {
        /// The new user's email.
        email: String,
        /// The new user's name.
        #[arg(long)]
        name: Option<String>,
    },
    /// Rename a user; the current email confirms which user.
    #[command(after_help = examples!(
        "cfzt users rename f174e90a-fafe-4643-bbbc-4a0ed4fc8415 --email jdoe@example.com --name \"Jane Q. Doe\""
    ))]
    Rename {
        /// The user's id.
        id: UserId,
        /// The user's current email, as confirmation.
        #[arg(long)]
        email: String,
        /// The new name.
        #[arg(long)]
        name: String,
    },
    /// Delete a user (this also frees their seats). Asks first on a terminal.
    #[command(after_help = examples!(
        "cfzt users delete f174e90a-fafe-4643-bbbc-4a0ed4fc8415        # asks on a terminal",
        "cfzt users delete f174e90a-fafe-4643-bbbc-4a0ed4fc8415 --yes  # scripts and CI",
    ))]
    Delete {
        /// The user's id.
        id: UserId,
        /// Delete without asking (required when stdin is not a terminal); --force is the same.
        #[arg(long, short = 'y', visible_alias = "force")]
        yes: bool,
    },
}

/// The filters of `users list`.
#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// Users whose name or email matches.
    #[arg(long)]
    pub(crate) search: Option<String>,
    /// Users with this email.
    #[arg(long)]
    pub(crate) email: Option<String>,
    /// Users with this name.
    #[arg(long)]
    pub(crate) name: Option<String>,
    /// Users per request (1, 5, 10, 20, 25, 50, 100 or 1000 are known to work).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) per_page: u64,
}

/// `cfzt sessions ...`.
#[derive(Debug, Subcommand)]
pub(crate) enum SessionsCommand {
    /// A user's active sessions.
    #[command(after_help = examples!("cfzt sessions list f174e90a-fafe-4643-bbbc-4a0ed4fc8415"))]
    List {
        /// The user's id.
        user: UserId,
    },
    /// One active session, by the nonce `sessions list` shows.
    #[command(
        after_help = examples!("cfzt sessions get f174e90a-fafe-4643-bbbc-4a0ed4fc8415 X1aXj1lFVcqqyoXF -o json")
    )]
    Get {
        /// The user's id.
        user: UserId,
        /// The session's nonce.
        nonce: SessionNonce,
    },
}

/// `--deadline` when none is given: one of Cloudflare's five-minute blocks, and a minute for
/// the attempts around it. Without a deadline a call waits up to `MAX_PAUSE` (15 minutes)
/// for each pause a server asks for, which no operator at a terminal expects.
pub(crate) const DEFAULT_DEADLINE: &str = "6m";

/// `--deadline`: how long one call may take, or `off` for no limit but the budget's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DeadlineArg(pub(crate) Option<Duration>);

/// Parses a duration (`30s`, `6m`) or `off`.
pub(crate) fn parse_deadline(raw: &str) -> Result<DeadlineArg, String> {
    if raw.trim().eq_ignore_ascii_case("off") {
        return Ok(DeadlineArg(None));
    }
    parse_duration(raw).map(|d| DeadlineArg(Some(d)))
}

/// `--rate-limit`: a quota to pace to, or no pacing at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RateLimitArg {
    Off,
    Quota(BudgetQuota),
}

/// Parses `1200/300s`, `4/1s`, `100/1m` or `off`.
pub(crate) fn parse_rate_limit(raw: &str) -> Result<RateLimitArg, String> {
    let raw = raw.trim();
    if raw.eq_ignore_ascii_case("off") {
        return Ok(RateLimitArg::Off);
    }
    let usage = || format!("{raw:?} is not a rate limit such as 1200/300s, 4/1s or off");
    let (requests, window) = raw.split_once('/').ok_or_else(usage)?;
    let requests: u32 = requests.trim().parse().map_err(|_| usage())?;
    let window = parse_duration(window)?;
    let quota = BudgetQuota::new(requests, window).map_err(|e| format!("{raw:?}: {} {}", e.field, e.reason))?;
    Ok(RateLimitArg::Quota(quota))
}

/// Parses `30s`, `500ms`, `2m`, `1h` or plain seconds (`45`).
pub(crate) fn parse_duration(raw: &str) -> Result<Duration, String> {
    let raw = raw.trim();
    let split = raw.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(raw.len());
    let (number, unit) = raw.split_at(split);
    let value: f64 = number.parse().map_err(|_| format!("{raw:?} is not a duration such as 30s, 500ms or 2m"))?;
    let seconds = match unit.trim() {
        "" | "s" => value,
        "ms" => value / 1000.0,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        other => return Err(format!("unknown unit {other:?} in {raw:?}: use ms, s, m or h")),
    };
    Duration::try_from_secs_f64(seconds).map_err(|_| format!("{raw:?} is out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_tree_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn rate_limits() {
        let quota = |n, secs| Some(RateLimitArg::Quota(BudgetQuota::new(n, Duration::from_secs(secs)).unwrap()));
        let cases = [
            ("1200/300s", quota(1200, 300)),
            ("4/1s", quota(4, 1)),
            ("100/1m", quota(100, 60)),
            ("OFF", Some(RateLimitArg::Off)),
            ("0/1s", None),
            ("5/0s", None),
            ("5", None),
            ("x/1s", None),
            ("5/1d", None),
        ];
        for (raw, want) in cases {
            assert_eq!(parse_rate_limit(raw).ok(), want, "{raw}");
        }
    }

    #[test]
    fn deadlines_default_to_one_block_and_off_switches_them_off() {
        let six_minutes = DeadlineArg(Some(Duration::from_secs(360)));
        assert_eq!(parse_deadline(DEFAULT_DEADLINE), Ok(six_minutes));
        let cases: [(&[&str], DeadlineArg); 6] = [
            (&["cfzt", "users", "list"], six_minutes),
            (&["cfzt", "--deadline", "off", "users", "list"], DeadlineArg(None)),
            (&["cfzt", "users", "list", "--deadline", "OFF"], DeadlineArg(None)),
            (&["cfzt", "--deadline", "30s", "users", "list"], DeadlineArg(Some(Duration::from_secs(30)))),
            (&["cfzt", "users", "list", "--deadline", "10m"], DeadlineArg(Some(Duration::from_secs(600)))),
            (&["cfzt", "--deadline", "10m", "offboard", "a@example.com"], DeadlineArg(Some(Duration::from_secs(600)))),
        ];
        for (argv, want) in cases {
            let cli = Cli::try_parse_from(argv).unwrap_or_else(|e| panic!("{argv:?}: {e}"));
            assert_eq!(cli.global.deadline, want, "{argv:?}");
        }
        assert!(Cli::try_parse_from(["cfzt", "users", "list", "--deadline", "soon"]).is_err());
    }

    #[test]
    fn durations() {
        let cases = [
            ("30s", Some(Duration::from_secs(30))),
            ("45", Some(Duration::from_secs(45))),
            ("500ms", Some(Duration::from_millis(500))),
            ("2m", Some(Duration::from_secs(120))),
            ("1h", Some(Duration::from_secs(3600))),
            ("1.5s", Some(Duration::from_millis(1500))),
            ("", None),
            ("s", None),
            ("3d", None),
            ("-1s", None),
            ("1e400", None),
        ];
        for (raw, want) in cases {
            assert_eq!(parse_duration(raw).ok(), want, "{raw}");
        }
    }
}
