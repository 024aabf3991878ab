//! The options of the bulk commands: seats, reclaim, offboard and export.

use std::path::PathBuf;

use cfzt_workflows::DEFAULT_CONCURRENCY;
use clap::{Args, Subcommand};

/// How many people or users are worked on at once [default: the workflows' default].
const CONCURRENCY_HELP: &str = "How many people are worked on at once, inside the rate budget";

/// `--concurrency`: 1 to 64 people or users at once.
fn concurrency() -> clap::builder::RangedI64ValueParser<usize> {
    clap::builder::RangedI64ValueParser::new().range(1..=64)
}

/// The `--help` of a flag that takes a list file: its own first line, then the format
/// every list file is read with (`crate::inputs`).
macro_rules! list_file_help {
    ($first:literal) => {
        concat!(
            $first,
            "\n\n",
            "FILE is UTF-8 text, one email per line; a byte-order mark and CRLF line ends are fine. Blank lines \
             are skipped, and `#` starts a comment at the start of a line, after whitespace or after the \
             address's `@` (`ceo@example.com  # keep` is ceo@example.com; `a#b@example.com` is an address). \
             The same email twice, in any ASCII case, counts once. A line that is not an email refuses the \
             whole file, naming the line, before anything is sent; so does a file that is not UTF-8."
        )
    };
}

/// `cfzt seats ...`.
#[derive(Debug, Subcommand)]
pub(crate) enum SeatsCommand {
    /// Count Access and Gateway seats from the users themselves (not from `total_count`,
    /// which counts every user record).
    #[command(after_help = examples!("cfzt seats count", "cfzt seats count -o json | jq .any_seat"))]
    Count,
}

/// What every plan -> apply command takes.
#[derive(Debug, Args)]
pub(crate) struct ApplyArgs {
    /// Apply the plan without asking. Without it the plan is printed, and applied only if the
    /// person at the terminal answers yes to "Apply? [y/N]" (off a terminal, never). --force is
    /// the same.
    #[arg(long, short = 'y', visible_alias = "force")]
    pub(crate) yes: bool,
    /// Record each finished item in FILE; a rerun with the same FILE skips them.
    #[arg(long, value_name = "FILE")]
    pub(crate) resume: Option<PathBuf>,
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CONCURRENCY, value_parser = concurrency(),
          help = CONCURRENCY_HELP)]
    pub(crate) concurrency: usize,
}

/// `cfzt reclaim`.
#[derive(Debug, Args)]
pub(crate) struct ReclaimArgs {
    /// Reclaim the seats of users with no successful login in this many days (or ever).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=36500))]
    pub(crate) inactive_days: u32,
    /// A file of emails whose seats are kept, one per line (`#` comments; `-` for stdin).
    #[arg(long, value_name = "FILE",
          long_help = list_file_help!("A file of emails whose seats are kept, one per line (`-` for stdin)."))]
    pub(crate) exclude: Option<PathBuf>,
    /// An email whose seat is kept; repeat for more.
    #[arg(long, value_name = "EMAIL")]
    pub(crate) exclude_email: Vec<String>,
    /// A user who never logged in keeps their seat for this many days after being created.
    #[arg(long, value_name = "DAYS", default_value_t = cfzt_workflows::DEFAULT_NEW_USER_GRACE_DAYS,
          value_parser = clap::value_parser!(u32).range(0..=36500))]
    pub(crate) new_user_grace_days: u32,
    #[command(flatten)]
    pub(crate) apply: ApplyArgs,
}

/// `cfzt offboard`.
#[derive(Debug, Args)]
pub(crate) struct OffboardArgs {
    /// The emails of the people who leave.
    #[arg(value_name = "EMAIL", required_unless_present = "from_file")]
    pub(crate) emails: Vec<String>,
    /// Read the emails from FILE, one per line (`#` comments; `-` for stdin).
    #[arg(long, value_name = "FILE",
          long_help = list_file_help!("Read the emails from FILE, one per line (`-` for stdin), after any EMAIL given."))]
    pub(crate) from_file: Option<PathBuf>,
    /// Also delete each user record after revoking sessions and freeing seats.
    #[arg(long)]
    pub(crate) delete: bool,
    /// Also revoke the devices of each person when revoking their sessions.
    #[arg(long)]
    pub(crate) revoke_devices: bool,
    #[command(flatten)]
    pub(crate) apply: ApplyArgs,
}

/// The parts `export` joins to each user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ExportPart {
    /// Active sessions: their count and applications.
    Sessions,
    /// Failed logins: their count and the latest.
    FailedLogins,
    /// The last seen identity: IP, country, identity provider, WARP.
    Identity,
}

/// `cfzt export`.
#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// The parts joined to each user, and fetched: each costs one request per user [default: all three].
    #[arg(long, value_enum, value_delimiter = ',', value_name = "PARTS")]
    pub(crate) with: Vec<ExportPart>,
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CONCURRENCY, value_parser = concurrency(),
          help = CONCURRENCY_HELP)]
    pub(crate) concurrency: usize,
}
