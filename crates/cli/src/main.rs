//! `cfzt`: Cloudflare Zero Trust Access users, sessions and seats from the shell.
//!
//! `cfzt --help` lists the commands; `cfzt --demo users list` tries them with no account.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// Every line for stderr goes through `console::say_line` (cleaned, and no panic when stderr is
// gone); stdout through a writer whose errors are handled.
#![deny(clippy::print_stderr, clippy::print_stdout)]

mod args;
mod budget;
mod commands;
mod config;
mod confirm;
mod console;
mod errors;
mod inputs;
mod output;
mod permissions;
mod profiles;
mod progress;
mod resume;
mod sanitize;
mod settings;
mod shell;
mod view;

use std::process::ExitCode;

use clap::FromArgMatches;

fn main() -> ExitCode {
    let mut cli = args::Cli::from_arg_matches(&args::command().get_matches()).unwrap_or_else(|e| e.exit());
    if let Err(e) = view::settle(&mut cli) {
        console::say_line(&e.render());
        return ExitCode::from(e.exit_code());
    }
    // Completions and man pages need no account, no runtime and no server.
    if let Some(result) = shell::run(&cli.command) {
        return match result {
            Ok(()) => ExitCode::from(errors::EXIT_OK),
            Err(e) if e.is_broken_pipe() => ExitCode::from(errors::EXIT_OK),
            Err(e) => {
                console::say_line(&e.render());
                ExitCode::from(e.exit_code())
            }
        };
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            console::say!("error: cannot start the async runtime: {e}");
            return ExitCode::from(errors::EXIT_ERROR);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::from(errors::EXIT_OK),
        // The reader went away (`cfzt users list | head`): nothing more to say.
        Err(e) if e.is_broken_pipe() => ExitCode::from(errors::EXIT_OK),
        Err(e) => {
            console::say_line(&e.render());
            ExitCode::from(e.exit_code())
        }
    }
}
