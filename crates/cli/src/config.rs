//! From the global options and the environment to a client, an account and an output
//! format; with `--demo`, an embedded fake server that lives as long as the command.

use std::io::IsTerminal;
use std::sync::Arc;

use cfzt_access_users::{AccountId, Client, Users};
use cfzt_fake_server::{DEMO_ACCOUNT_ID, FakeServer, RateLimit};
use cfzt_transport::{BudgetQuota, RetryPolicy};

use crate::args::{GlobalArgs, RateLimitArg};
use crate::budget::MeteredBudget;
use crate::errors::CliError;
use crate::output::Format;

/// Everything a command needs to run.
pub(crate) struct Context {
    pub(crate) client: Client,
    pub(crate) account: AccountId,
    pub(crate) format: Format,
    /// The request budget, metered; `None` with `--rate-limit off` or one kept in Redis
    /// (`--budget`), whose waits are not metered here.
    budget: Option<Arc<MeteredBudget>>,
    /// The embedded fake server of `--demo`, stopped by [`Context::close`].
    demo: Option<FakeServer>,
}

impl Context {
    /// Builds the client from the options and the environment, starting the embedded fake
    /// server first with `--demo`.
    pub(crate) async fn open(global: &GlobalArgs) -> Result<Context, CliError> {
        let format = Format::resolve(global.output, std::io::stdout().is_terminal(), global.csv_raw);
        let mut builder = Client::builder().retry_policy(retry_policy(global));
        let quota = match global.rate_limit {
            Some(RateLimitArg::Off) => None,
            Some(RateLimitArg::Quota(quota)) => Some(quota),
            None => Some(BudgetQuota::cloudflare()),
        };
        // A budget kept in Redis is shared with other processes; this one is metered.
        let budget = match (&global.budget, quota) {
            (Some(_), None) => {
                return Err(CliError::usage(
                    "--budget keeps a rate budget in Redis, and --rate-limit off switches the budget off",
                    Some("drop one of them".into()),
                ));
            }
            (Some(url), Some(quota)) => {
                builder = builder.rate_limit(quota).redis_budget(url.clone());
                None
            }
            (None, quota) => quota.map(|quota| Arc::new(MeteredBudget::new(quota))),
        };
        if global.budget.is_none() {
            builder = match &budget {
                Some(budget) => builder.request_budget(budget.clone()),
                None => builder.no_request_budget(),
            };
        }
        let (account, demo) = if global.demo {
            // With Cloudflare's rate limit, so that the demo answers as the API would.
            let server = FakeServer::builder()
                .rate_limit(RateLimit::cloudflare())
                .start()
                .await
                .map_err(CliError::io("starting the demo server"))?;
            // The demo never reads real credentials: the fake accepts any token.
            builder = builder.base_url(server.base_url()).api_token("demo");
            let account = DEMO_ACCOUNT_ID.parse().expect("the demo account id is valid");
            (account, Some(server))
        } else {
            if let Some(url) = &global.base_url {
                builder = builder.base_url(url.clone());
            }
            let account = global.account.clone().ok_or_else(|| {
                CliError::usage(
                    "no account: pass --account ID or set CLOUDFLARE_ACCOUNT_ID",
                    Some(
                        "the account id is the 32 hex digits after dash.cloudflare.com/ in the dashboard's URL; \
                          or try the command with --demo"
                            .into(),
                    ),
                )
            })?;
            if !has_credentials(|name| std::env::var(name).ok()) {
                return Err(CliError::usage(
                    "no credentials: set CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY",
                    Some(
                        "a token needs \"Access: Audit Logs Read\" to read and \"Zero Trust: Seats Write\" to \
                          change users; or try the command with --demo"
                            .into(),
                    ),
                ));
            }
            (account, None)
        };
        let client = builder.load_env().build().map_err(CliError::api(""))?;
        Ok(Context { client, account, format, budget, demo })
    }

    /// The users of the account: where every operation starts.
    pub(crate) fn users(&self) -> Users {
        self.client.users(&self.account)
    }

    /// The time requests have spent waiting for the rate budget so far (waits that overlap
    /// count once), for the progress bar.
    pub(crate) fn budget_wait(&self) -> std::time::Duration {
        self.budget.as_ref().map_or(std::time::Duration::ZERO, |b| b.waited())
    }

    /// Stops the demo server, if one runs.
    pub(crate) async fn close(self) {
        if let Some(server) = self.demo {
            server.shutdown().await;
        }
    }
}

/// Whether any credential variable is set; the SDK checks the rest (a key without its
/// email, say) and says what is wrong.
fn has_credentials(get: impl Fn(&str) -> Option<String>) -> bool {
    ["CLOUDFLARE_API_TOKEN", "CLOUDFLARE_EMAIL", "CLOUDFLARE_API_KEY"]
        .iter()
        .any(|name| get(name).is_some_and(|v| !v.trim().is_empty()))
}

fn retry_policy(global: &GlobalArgs) -> RetryPolicy {
    let mut policy = RetryPolicy::default();
    if let Some(n) = global.max_retries {
        policy = policy.max_retries(n);
    }
    if let Some(timeout) = global.timeout {
        policy = policy.attempt_timeout(Some(timeout));
    }
    policy.deadline(global.deadline.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_present_when_any_variable_is_set() {
        let env = |set: &'static [(&'static str, &'static str)]| {
            move |name: &str| set.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
        };
        assert!(!has_credentials(env(&[])));
        assert!(!has_credentials(env(&[("CLOUDFLARE_API_TOKEN", "  ")])));
        assert!(has_credentials(env(&[("CLOUDFLARE_API_TOKEN", "t")])));
        assert!(has_credentials(env(&[("CLOUDFLARE_API_KEY", "k")])));
    }
}
