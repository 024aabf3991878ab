//! How a client paces its requests: [`Pacing`], the one setting
//! ([`ClientBuilder::pacing`](crate::ClientBuilder::pacing)), and how the environment's
//! `CFZT_BUDGET_URL` applies to it.

use std::fmt;
use std::sync::Arc;

use cfzt_transport::{BudgetQuota, LocalBudget, RequestBudget};

use crate::Credentials;
use crate::base_url::redacted_url;
use crate::error::{ConfigError, ConfigSetting};

/// The environment variable [`ClientBuilder::load_env`](crate::ClientBuilder::load_env)
/// reads the shared budget's store from, e.g. `redis://127.0.0.1:6379`.
pub const BUDGET_URL_ENV: &str = "CFZT_BUDGET_URL";

/// How a client paces its requests to the API's rate limit: the one setting of
/// [`ClientBuilder::pacing`](crate::ClientBuilder::pacing).
///
/// The default is [`Pacing::Auto`]: Cloudflare's documented quota
/// ([`BudgetQuota::cloudflare`]: 1,200 requests per 5 minutes) to start with, then the quota
/// the API announces in its `Ratelimit-Policy` header, faster or slower. A quota you set
/// ([`Pacing::Quota`], [`Pacing::Redis`]) is a ceiling: a cut is followed, a raise only back
/// up to it. With any budget, a 429
/// pauses every call of the client (and of its clones) until the server's `Retry-After`, at
/// most [`MAX_PAUSE`](cfzt_transport::MAX_PAUSE), and the budget learns from the server's
/// `Ratelimit` headers (see [`LocalBudget`]).
///
/// **The environment**: when `CFZT_BUDGET_URL` is set ([`load_env`](crate::ClientBuilder::load_env)),
/// the default pacing, or a quota set with `Pacing::Quota`, is kept in Redis at that URL, as
/// [`Pacing::Redis`] would keep it. `Off`, `Shared` and `Redis` set in code are
/// used as they are, whatever the environment says.
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use cfzt_access_users::{BudgetQuota, Client, LocalBudget, Pacing, RequestBudget};
///
/// // An Enterprise account with a raised limit of 4,000 per 5 minutes.
/// let quota = BudgetQuota::new(4000, Duration::from_secs(300))?;
/// let client = Client::builder().api_token("...").pacing(Pacing::Quota(quota)).build()?;
///
/// // Two clients on one token, sharing one budget.
/// let budget: Arc<dyn RequestBudget> = Arc::new(LocalBudget::new(BudgetQuota::cloudflare()));
/// let audit = Client::builder().api_token("...").pacing(Pacing::Shared(budget.clone())).build()?;
/// let offboarding = Client::builder().api_token("...").pacing(Pacing::Shared(budget)).build()?;
///
/// // No pacing: for a server with no limit, or when something else paces the calls.
/// let test = Client::builder().api_token("...").pacing(Pacing::Off).build()?;
/// assert!(test.request_budget().is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[non_exhaustive]
#[derive(Clone)]
pub enum Pacing {
    /// No request budget: requests are sent as fast as they come, and a 429 is retried by
    /// each call on its own, as the official SDKs do (honouring `Retry-After` up to the
    /// retry policy's `max_retry_after`).
    Off,
    /// The default: a [`LocalBudget`] of the client's own
    /// ([`LocalBudget::following`]) that starts at Cloudflare's documented quota and then
    /// paces to the quota the API announces, faster or slower, so an account whose limit
    /// Cloudflare raised is paced to the raise (kept in Redis instead when
    /// `CFZT_BUDGET_URL` is set: see above).
    Auto,
    /// A [`LocalBudget`] of the client's own at this quota, a ceiling (kept in Redis instead when
    /// `CFZT_BUDGET_URL` is set: see above).
    Quota(BudgetQuota),
    /// A budget built elsewhere, shared with everything that holds the same `Arc`: several
    /// clients on one token, a [`LocalBudget`] with a listener, a budget of your own.
    Shared(Arc<dyn RequestBudget>),
    /// A [`RedisBudget`](cfzt_transport::RedisBudget) at `url`
    /// (`redis://[:password@]host:port[/db]`), shared by every process, on any machine,
    /// that uses the same credentials and store, pacing to `quota` and keyed by a
    /// fingerprint of the credentials (never the credentials themselves); without a quota,
    /// pacing as [`Pacing::Auto`] does. Needs the `redis`
    /// feature: without it, [`build`](crate::ClientBuilder::build) says so. While Redis
    /// cannot be reached the client paces in-process with a warning, and goes back to Redis
    /// when it answers (see `docs/reliability.md`).
    Redis {
        /// The store's URL.
        url: String,
        /// The quota every process paces to together, a ceiling (`None`: as [`Pacing::Auto`]).
        quota: Option<BudgetQuota>,
    },
}

impl Default for Pacing {
    /// [`Pacing::Auto`].
    fn default() -> Self {
        Self::Auto
    }
}

impl fmt::Debug for Pacing {
    // The store's URL may hold its password: it is shown without it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Off => f.write_str("Off"),
            Self::Auto => f.write_str("Auto"),
            Self::Quota(quota) => f.debug_tuple("Quota").field(quota).finish(),
            Self::Shared(budget) => f.debug_tuple("Shared").field(budget).finish(),
            Self::Redis { url, quota } => {
                f.debug_struct("Redis").field("url", &redacted_url(url)).field("quota", quota).finish()
            }
        }
    }
}

impl Pacing {
    /// The quota this pacing has, if it has one of its own (for the deprecated builder
    /// methods that set the quota and the store apart).
    pub(crate) fn quota(&self) -> Option<BudgetQuota> {
        match self {
            Self::Quota(quota) => Some(*quota),
            Self::Redis { quota, .. } => *quota,
            Self::Off | Self::Auto | Self::Shared(_) => None,
        }
    }

    /// The pacing a client gets: the one set in code (`None`: the default), with the
    /// environment's store (`CFZT_BUDGET_URL`) applied as the type's documentation says.
    pub(crate) fn resolve(set: Option<Pacing>, env_url: Option<String>) -> (Pacing, bool) {
        match (set.unwrap_or_default(), env_url) {
            (Self::Auto, Some(url)) => (Self::Redis { url, quota: None }, true),
            (Self::Quota(quota), Some(url)) => (Self::Redis { url, quota: Some(quota) }, true),
            (pacing, _) => (pacing, false),
        }
    }

    /// The request budget this pacing asks for (`None` when off), keyed by a fingerprint
    /// of `credentials`; `from_env` says whether the store's URL came from the environment,
    /// for the error's wording.
    pub(crate) fn budget(
        self,
        credentials: &Credentials,
        from_env: bool,
    ) -> Result<Option<Arc<dyn RequestBudget>>, ConfigError> {
        match self {
            Self::Off => Ok(None),
            Self::Auto => Ok(Some(Arc::new(LocalBudget::following(BudgetQuota::cloudflare())))),
            Self::Quota(quota) => Ok(Some(Arc::new(LocalBudget::new(quota)))),
            Self::Shared(budget) => Ok(Some(budget)),
            Self::Redis { url, quota } => redis_budget(&url, quota, credentials, from_env).map(Some),
        }
    }
}

fn redis_budget(
    url: &str,
    quota: Option<BudgetQuota>,
    credentials: &Credentials,
    from_env: bool,
) -> Result<Arc<dyn RequestBudget>, ConfigError> {
    let name = if from_env { BUDGET_URL_ENV } else { "Pacing::Redis" };
    #[cfg(feature = "redis")]
    {
        let builder = cfzt_transport::RedisBudget::builder(url, &credentials.budget_fingerprint());
        let builder = match quota {
            Some(quota) => builder.quota(quota),
            None => builder,
        };
        let budget = builder
            .build()
            // The error names the field and the rule, never the URL (it may hold a password).
            .map_err(|e| ConfigError::new(ConfigSetting::BudgetStore, format!("{name}: {e}")))?;
        Ok(Arc::new(budget))
    }
    #[cfg(not(feature = "redis"))]
    {
        let _ = (credentials, quota, url);
        Err(ConfigError::new(
            ConfigSetting::BudgetStore,
            format!(
                "{name} is set, but this build of cfzt-access-users has no `redis` feature to keep a shared budget"
            ),
        ))
    }
}
