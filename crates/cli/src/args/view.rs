//! Options that shape what is shown, not what is done: `--jq`, `--fields`, `--json`,
//! `--color` and `--quiet`; and the arguments of `cfzt completions` and `cfzt man`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

/// How output is shown, for every command.
#[derive(Debug, Args)]
pub(crate) struct ViewArgs {
    /// Print JSON: the same as -o json (as `cf` and `gh` spell it).
    #[arg(long, global = true, conflicts_with = "output")]
    pub(crate) json: bool,

    /// Filter the JSON output with a jq expression, in-process (no jq needed), e.g.
    /// '.[].email'. Implies -o json (another -o is a usage error); each result is printed on
    /// its own line, strings without quotes and other values as compact JSON. A list is
    /// held in memory to be filtered as one array.
    #[arg(long, global = true, value_name = "EXPR")]
    pub(crate) jq: Option<String>,

    /// The columns of table and CSV output, in this order, e.g. --fields email,name,id.
    /// An unknown name is a usage error that lists the valid ones; so is --fields with JSON
    /// or NDJSON output (the default off a terminal: add -o csv or -o table).
    #[arg(long, global = true, value_name = "A,B,C", value_delimiter = ',')]
    pub(crate) fields: Option<Vec<String>>,

    /// Colour in tables: auto (only when stdout is a terminal, and neither NO_COLOR nor
    /// CLICOLOR_FORCE says otherwise), always or never.
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,

    /// No progress and no notes on stderr, for CI logs; errors and warnings still print.
    #[arg(long, short = 'q', global = true)]
    pub(crate) quiet: bool,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    /// Colour when stdout is a terminal, unless NO_COLOR is set (CLICOLOR_FORCE forces it).
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// `cfzt completions SHELL`.
#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub(crate) shell: clap_complete::Shell,
}

/// `cfzt man`.
#[derive(Debug, Args)]
pub(crate) struct ManArgs {
    /// Write cfzt.1 and one page per command (cfzt-users-list.1, ...) into DIR; without it,
    /// print the cfzt(1) page on stdout.
    #[arg(long, value_name = "DIR")]
    pub(crate) dir: Option<PathBuf>,
}
