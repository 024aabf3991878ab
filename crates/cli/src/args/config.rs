//! `cfzt config ...`: the config file's profiles.

use clap::Subcommand;

/// `cfzt config ...`.
#[derive(Debug, Subcommand)]
pub(crate) enum ConfigCommand {
    /// The profiles of the config file: name, account, where the token comes from.
    #[command(after_help = examples!("cfzt config list", "cfzt config list -o json"))]
    List,
    /// The settings a command would use, and where each comes from (flag, environment,
    /// profile or default); the token's source, never the token.
    #[command(after_help = examples!(
        "cfzt config show                      # the profile in use",
        "cfzt --profile staging config show -o json",
    ))]
    Show,
    /// Set a key of a profile (--profile, else the default one) or `default_profile`;
    /// an empty VALUE removes the key. The file is written readable by its owner only,
    /// and rewritten whole (comments in it are not kept).
    #[command(after_help = examples!(
        "cfzt config set --profile prod account_id 023e105f4ecef8ad9ca31a8372d0c353",
        "cfzt config set --profile prod token_command 'pass show cloudflare/prod'",
        "cfzt config set default_profile prod",
    ))]
    Set {
        /// One of account_id, base_url, rate_limit, budget_url, deadline, token_env,
        /// token_command, or default_profile. A token itself is never set here.
        key: String,
        /// The value; "" removes the key.
        value: String,
    },
}
