//! The command line: global options and the command tree, with each command's help.

use std::path::PathBuf;
use std::time::Duration;

use cfzt_access_users::{AccountId, SessionNonce, UserId};
use clap::{Args, Parser, Subcommand};

use crate::output::Format;

#[macro_use]
mod help;
mod bulk;
mod config;
mod sync;
mod values;
mod view;

pub(crate) use bulk::{ApplyArgs, ExportArgs, ExportPart, OffboardArgs, ReclaimArgs, SeatsCommand};
pub(crate) use config::ConfigCommand;
pub(crate) use help::command;
use help::{ABOUT, AFTER_HELP, LONG_ABOUT, ROOT_TEMPLATE};
pub(crate) use sync::{ApplyPlanArgs, SyncArgs};
pub(crate) use values::{
    DEFAULT_DEADLINE, DeadlineArg, RateLimitArg, parse_deadline, parse_duration, parse_rate_limit,
};
pub(crate) use view::{ColorChoice, CompletionsArgs, ManArgs, ViewArgs};

/// `cfzt`: the parsed command line.
#[derive(Debug, Parser)]
#[command(name = "cfzt", version, about = ABOUT, long_about = LONG_ABOUT, after_help = AFTER_HELP,
          help_template = ROOT_TEMPLATE)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
    #[command(flatten, next_help_heading = "Output options")]
    pub(crate) view: ViewArgs,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options every command takes, shown apart from each command's own ("Global options").
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub(crate) struct GlobalArgs {
    /// The profile of the config file to use [default: the file's default_profile, else a
    /// profile named "default" if there is one]. See `cfzt config --help`.
    #[arg(long, global = true, env = "CFZT_PROFILE", value_name = "NAME")]
    pub(crate) profile: Option<String>,

    /// The config file [default: $XDG_CONFIG_HOME/cfzt/config.toml, else
    /// ~/.config/cfzt/config.toml].
    #[arg(long, global = true, env = "CFZT_CONFIG", value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,

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

    /// The rate budget that paces every request: at most N per WINDOW, e.g. 600/300s or
    /// 4/1s, and less when the API announces less; `off` sends without pacing [default:
    /// Cloudflare's 1200/300s per token, then the quota the API announces].
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
    /// each pause a server asks for [default: 6m].
    #[arg(long, global = true, value_name = "DURATION|off", value_parser = parse_deadline)]
    pub(crate) deadline: Option<DeadlineArg>,

    /// Timeout of each attempt, e.g. 30s, 500ms, 2m [default: 60s].
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_duration)]
    pub(crate) timeout: Option<Duration>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// List, find, get, create, rename and delete Access users.
    #[command(subcommand, after_help = examples!("cfzt users list", "cfzt users find jdoe@example.com"))]
    Users(UsersCommand),
    /// A user's active Access sessions.
    #[command(subcommand, after_help = examples!("cfzt sessions list f174e90a-fafe-4643-bbbc-4a0ed4fc8415"))]
    Sessions(SessionsCommand),
    /// Seat counts, from the users themselves.
    #[command(subcommand, after_help = examples!("cfzt seats count"))]
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
    /// Make Access match a roster (HR's export, the IdP's list): plan, with guards; changes nothing.
    #[command(after_help = help::SYNC_HELP, long_about = help::SYNC_ABOUT)]
    Sync(SyncArgs),
    /// Apply a plan written by `cfzt sync --plan-out`, if the users still match it.
    #[command(after_help = plan_examples!(
        "cfzt apply plan.json                           # the plan; nothing changes",
        "cfzt apply plan.json --yes --resume sync.done",
    ))]
    Apply(ApplyPlanArgs),
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
    /// Inspect and edit the config file's profiles (never shows a token).
    #[command(subcommand, after_help = examples!(
        "cfzt config set --profile prod account_id 023e105f4ecef8ad9ca31a8372d0c353",
        "cfzt config set --profile prod token_env CF_PROD_TOKEN",
        "cfzt config list",
        "cfzt --profile prod users list",
    ))]
    #[command(long_about = help::CONFIG_ABOUT)]
    Config(ConfigCommand),
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_tree_is_consistent() {
        Cli::command().debug_assert();
    }
}
