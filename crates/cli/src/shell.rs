//! `cfzt completions` and `cfzt man`: generated from the same command definitions as the
//! parser and `--help` (clap_complete, clap_mangen), so they never drift from them.

use std::io::{self, Write};
use std::path::Path;

use crate::args::{Command, CompletionsArgs, ManArgs};
use crate::errors::CliError;

/// Runs `command` when it is `completions` or `man`; `None` for every other command.
pub(crate) fn run(command: &Command) -> Option<Result<(), CliError>> {
    match command {
        Command::Completions(args) => Some(completions(args)),
        Command::Man(args) => Some(man(args)),
        _ => None,
    }
}

fn completions(args: &CompletionsArgs) -> Result<(), CliError> {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut crate::args::command(), "cfzt", &mut out);
    let mut stdout = io::stdout().lock();
    stdout.write_all(&out).and_then(|()| stdout.flush()).map_err(CliError::io("writing the completions"))
}

fn man(args: &ManArgs) -> Result<(), CliError> {
    let command = crate::args::command();
    match &args.dir {
        None => {
            let mut out = Vec::new();
            clap_mangen::Man::new(command).render(&mut out).map_err(CliError::io("rendering the man page"))?;
            let mut stdout = io::stdout().lock();
            stdout.write_all(&out).and_then(|()| stdout.flush()).map_err(CliError::io("writing the man page"))
        }
        Some(dir) => write_pages(command, dir),
    }
}

/// Writes `cfzt.1` and one page per command and subcommand (`cfzt-users-list.1`) into `dir`.
fn write_pages(command: clap::Command, dir: &Path) -> Result<(), CliError> {
    let context = format!("writing man pages into {}", dir.display());
    std::fs::create_dir_all(dir).map_err(CliError::io(context.clone()))?;
    clap_mangen::generate_to(command, dir).map_err(CliError::io(context))
}
