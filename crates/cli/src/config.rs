//! From the settings (flags, environment, profile) to a client, an account and an output
//! format; with `--demo`, an embedded fake server that lives as long as the command.

use std::io::IsTerminal;
use std::sync::Arc;

use cfzt_access_users::{AccountId, Client, Pacing, Users};
use cfzt_fake_server::{DEMO_ACCOUNT_ID, FakeServer, RateLimit};
use cfzt_transport::{BudgetQuota, LocalBudget, RetryPolicy};

use crate::args::{DeadlineArg, GlobalArgs, RateLimitArg};
use crate::budget::MeteredBudget;
use crate::errors::CliError;
use crate::output::Format;
use crate::permissions;
use crate::settings::{Settings, Source};

/// Everything a command needs to run.
pub(crate) struct Context {
    pub(crate) client: Client,
    pub(crate) account: AccountId,
    pub(crate) format: Format,
    /// The request budget, metered; `None` with `--rate-limit off` or one kept in Redis
    /// (`--budget`), whose waits are not metered here.
    budget: Option<Arc<MeteredBudget>>,
    /// The quota the budget was set to (`None` with `--rate-limit off`).
    quota: Option<BudgetQuota>,
    /// The embedded fake server of `--demo`, stopped by [`Context::close`].
    demo: Option<FakeServer>,
}

impl Context {
    /// Builds the client from the settings (flags, environment, profile: see
    /// [`Settings`]), starting the embedded fake server first with `--demo`.
    pub(crate) async fn open(global: &GlobalArgs) -> Result<Context, CliError> {
        let settings = Settings::load(global, &|name| std::env::var(name).ok())?;
        let format = Format::resolve(global.output, std::io::stdout().is_terminal(), global.csv_raw);
        let mut builder = Client::builder().retry_policy(retry_policy(global, settings.deadline.value));
        // The settings have resolved --budget against CFZT_BUDGET_URL already, so the
        // pacing set here is the whole of it. A budget in this process is metered; one kept
        // in Redis is shared with other processes, and its waits are not.
        // A quota given is a ceiling; the default follows the quota the server announces.
        let quota_given = settings.rate_limit.source != Source::Default;
        let (pacing, budget, quota) = match (settings.rate_limit.value, &settings.budget) {
            (RateLimitArg::Off, Some(_)) => {
                return Err(CliError::usage(
                    "--budget keeps a rate budget in Redis, and --rate-limit off switches the budget off",
                    Some("drop one of them".into()),
                ));
            }
            (RateLimitArg::Off, None) => (Pacing::Off, None, None),
            (RateLimitArg::Quota(quota), Some(url)) => {
                (Pacing::Redis { url: url.value.clone(), quota: quota_given.then_some(quota) }, None, Some(quota))
            }
            (RateLimitArg::Quota(quota), None) => {
                let inner = if quota_given { LocalBudget::new(quota) } else { LocalBudget::following(quota) };
                let metered = Arc::new(MeteredBudget::new(inner));
                (Pacing::Shared(metered.budget()), Some(metered), Some(quota))
            }
        };
        builder = builder.pacing(pacing);
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
            if let Some(url) = &settings.base_url {
                builder = builder.base_url(url.value.clone());
            }
            let account = settings.account.as_ref().map(|a| a.value.clone()).ok_or_else(|| {
                CliError::usage(
                    "no account: pass --account ID, set CLOUDFLARE_ACCOUNT_ID, or set account_id in a profile",
                    Some(
                        "the account id is the 32 hex digits after dash.cloudflare.com/ in the dashboard's URL; \
                          or try the command with --demo"
                            .into(),
                    ),
                )
            })?;
            if settings.credential.is_none() {
                return Err(CliError::usage(
                    "no credentials: set CLOUDFLARE_API_TOKEN (or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY), or \
                     token_env or token_command in a profile",
                    Some(format!(
                        "`cfzt COMMAND --help` names the token permission each command needs (reading: {}); \
                         or try the command with --demo",
                        permissions::quoted(permissions::READ)
                    )),
                ));
            }
            if let Some(token) = settings.profile_token().await? {
                builder = builder.api_token(token);
            }
            (account, None)
        };
        let client = builder.load_env().build().map_err(CliError::api(permissions::NONE))?;
        Ok(Context { client, account, format, budget, quota, demo })
    }

    /// The users of the account: where every operation starts.
    pub(crate) fn users(&self) -> Users {
        self.client.users(&self.account)
    }

    /// The time requests have spent waiting for the rate budget so far (waits that overlap
    /// count once), for the progress bar.
    pub(crate) fn budget_wait(&self) -> std::time::Duration {
        self.budget_waits()()
    }

    /// [`budget_wait`](Self::budget_wait) as a function that outlives the context, for a
    /// callback the workflows call.
    pub(crate) fn budget_waits(&self) -> impl Fn() -> std::time::Duration + Send + Sync + 'static {
        let budget = self.budget.clone();
        move || budget.as_ref().map_or(std::time::Duration::ZERO, |b| b.waited())
    }

    /// The quota requests are paced to now: the one set, or the one the server announced
    /// (its `Ratelimit-Policy`: a slower one, or any with no `--rate-limit`); for hints.
    pub(crate) fn quota(&self) -> Option<BudgetQuota> {
        self.budget.as_ref().map(|b| b.quota()).or(self.quota)
    }

    /// Stops the demo server, if one runs.
    pub(crate) async fn close(self) {
        if let Some(server) = self.demo {
            server.shutdown().await;
        }
    }
}

fn retry_policy(global: &GlobalArgs, deadline: DeadlineArg) -> RetryPolicy {
    let mut policy = RetryPolicy::default();
    if let Some(n) = global.max_retries {
        policy = policy.max_retries(n);
    }
    if let Some(timeout) = global.timeout {
        policy = policy.attempt_timeout(Some(timeout));
    }
    policy.deadline(deadline.0)
}
