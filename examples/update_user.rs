//! Renames an Access user on the real API (or wherever `CLOUDFLARE_BASE_URL` points).
//!
//! ```sh
//! export CLOUDFLARE_API_TOKEN=...            # or CLOUDFLARE_EMAIL + CLOUDFLARE_API_KEY
//! cargo run --example update_user -- <account_id> <user_id> <current_email> <new_name>
//! cargo run --example update_user -- --help
//! ```
//!
//! The current email confirms which user is renamed; the API refuses a mismatch. Exit
//! status: 0 on success and for `--help`, 2 for bad arguments or configuration (with the
//! usage), 1 when the call fails.

use std::process::ExitCode;

use cfzt::{AccountId, Client, UpdateUserParams, UserId};

pub(crate) const USAGE: &str = "\
usage: update_user <account_id> <user_id> <current_email> <new_name>
       update_user --help

Renames an Access user; <current_email> must be the user's current email, which
confirms which user is renamed.

environment:
  CLOUDFLARE_API_TOKEN    an API token (preferred), or
  CLOUDFLARE_EMAIL        the account's email and
  CLOUDFLARE_API_KEY      its global API key
  CLOUDFLARE_BASE_URL     optional; default https://api.cloudflare.com/client/v4";

/// What the command line asks for.
#[derive(Debug, PartialEq)]
pub(crate) enum Command {
    /// `--help` or `-h`: print the usage and exit 0.
    Help,
    /// Rename a user.
    Update { account: AccountId, user: UserId, email: String, name: String },
}

/// Reads the arguments (without the program name), or says what is wrong with them.
pub(crate) fn parse(args: &[String]) -> Result<Command, String> {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        return Ok(Command::Help);
    }
    let [account, user, email, name] = args else {
        return Err(format!("expected 4 arguments, got {}", args.len()));
    };
    Ok(Command::Update {
        account: account.parse().map_err(|e| format!("{e}"))?,
        user: user.parse().map_err(|e| format!("{e}"))?,
        email: email.clone(),
        name: name.clone(),
    })
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (account, user, email, name) = match parse(&args) {
        Ok(Command::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(Command::Update { account, user, email, name }) => (account, user, email, name),
        Err(e) => {
            eprintln!("{e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let client = match Client::from_env() {
        Ok(client) => client,
        Err(e) => {
            eprintln!("{e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match client.users(&account).update(&user, UpdateUserParams::new(email.as_str(), name.as_str())).await {
        Ok(updated) => {
            println!(
                "renamed {} <{}> to {:?}",
                updated.id.as_deref().unwrap_or(user.as_str()),
                updated.email.as_deref().unwrap_or(&email),
                updated.name.as_deref().unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
        Err(e) if e.is_validation() => {
            eprintln!("{e}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("update failed: {e}");
            let mut source = std::error::Error::source(&e);
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            ExitCode::FAILURE
        }
    }
}
