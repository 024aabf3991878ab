//! Renames an Access user on the real API (or wherever `CLOUDFLARE_BASE_URL` points).
//!
//! ```sh
//! export CLOUDFLARE_API_TOKEN=...            # or CLOUDFLARE_EMAIL + CLOUDFLARE_API_KEY
//! cargo run --example update_user -- <account_id> <user_id> <current_email> <new_name>
//! ```
//!
//! The current email confirms which user is renamed; the API refuses a mismatch.

use std::process::ExitCode;

use cfzt::{AccountId, Client, UpdateUserParams, UserId};

const USAGE: &str = "usage: update_user <account_id> <user_id> <current_email> <new_name>";

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [account, user, email, name] = args.as_slice() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let (account, user) = match (account.parse::<AccountId>(), user.parse::<UserId>()) {
        (Ok(a), Ok(u)) => (a, u),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("{e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let client = match Client::from_env() {
        Ok(client) => client,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match client.users(&account).update(&user, UpdateUserParams::new(email.as_str(), name.as_str())).await {
        Ok(updated) => {
            println!(
                "renamed {} <{}> to {:?}",
                updated.id.as_deref().unwrap_or(user.as_str()),
                updated.email.as_deref().unwrap_or(email),
                updated.name.as_deref().unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
        Err(e) if e.is_validation() => {
            eprintln!("{e}\n{USAGE}");
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
