//! The request budget kept in a store that several processes share: `CFZT_BUDGET_URL` and
//! [`ClientBuilder::redis_budget`](crate::ClientBuilder::redis_budget).

use std::sync::Arc;

use cfzt_transport::{BudgetQuota, RequestBudget};

use crate::Credentials;
use crate::error::{ConfigError, ConfigSetting};

/// The environment variable [`ClientBuilder::load_env`](crate::ClientBuilder::load_env)
/// reads the shared budget's store from, e.g. `redis://127.0.0.1:6379`.
pub const BUDGET_URL_ENV: &str = "CFZT_BUDGET_URL";

/// Where a client's budget is to be kept, and where that setting came from (for errors).
#[derive(Clone)]
pub(crate) struct StoreSetting {
    pub(crate) url: String,
    pub(crate) from_env: bool,
}

impl StoreSetting {
    fn name(&self) -> &'static str {
        if self.from_env { BUDGET_URL_ENV } else { "redis_budget" }
    }

    /// The budget this setting asks for, keyed by a fingerprint of `credentials` and
    /// pacing to `quota` (a ceiling), or without one to Cloudflare's quota and then to the
    /// quota the server announces.
    pub(crate) fn budget(
        &self,
        credentials: &Credentials,
        quota: Option<BudgetQuota>,
    ) -> Result<Arc<dyn RequestBudget>, ConfigError> {
        #[cfg(feature = "redis")]
        {
            let builder = cfzt_transport::RedisBudget::builder(&self.url, &credentials.budget_fingerprint());
            let builder = match quota {
                Some(quota) => builder.quota(quota),
                None => builder,
            };
            let budget = builder
                .build()
                // The error names the field and the rule, never the URL (it may hold a password).
                .map_err(|e| ConfigError::new(ConfigSetting::BudgetStore, format!("{}: {e}", self.name())))?;
            Ok(Arc::new(budget))
        }
        #[cfg(not(feature = "redis"))]
        {
            let _ = (credentials, quota, &self.url);
            Err(ConfigError::new(
                ConfigSetting::BudgetStore,
                format!(
                    "{} is set, but this build of cfzt-access-users has no `redis` feature to keep a shared budget",
                    self.name()
                ),
            ))
        }
    }
}
