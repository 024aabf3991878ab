//! Configuring a [`RedisBudget`]: the store, the key, the quota and what to do without it.

use std::fmt;
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::super::BudgetQuota;
use super::RedisBudget;

/// The longest key prefix and fingerprint accepted, in bytes.
const MAX_KEY_PART: usize = 64;

/// A fingerprint of a credential, to key a shared budget by: the first 128 bits of a
/// SHA-256 of the secret (with a fixed, cfzt-specific prefix), as 32 lowercase hex digits.
///
/// Every process that uses the same token computes the same fingerprint, and the token
/// cannot be read back from it. Give the budget this, never the credential itself: Redis
/// keys are visible to anyone who can run `KEYS` or `MONITOR` on the store.
///
/// ```
/// let fp = cfzt_transport::credential_fingerprint("my-api-token");
/// assert_eq!(fp.len(), 32);
/// assert_eq!(fp, cfzt_transport::credential_fingerprint("my-api-token"));
/// assert!(!fp.contains("token"));
/// ```
pub fn credential_fingerprint(secret: impl AsRef<[u8]>) -> String {
    let digest = Sha256::new().chain_update(b"cfzt request budget v1\0").chain_update(secret.as_ref()).finalize();
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// What a [`RedisBudget`] does while Redis cannot be reached.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WhenUnavailable {
    /// Pace with an in-process [`LocalBudget`](crate::LocalBudget) and log a warning (the
    /// default). Requests go on, but each process then keeps to the fallback quota alone.
    #[default]
    FallBack,
    /// Fail the request with [`BudgetError::Unavailable`](crate::BudgetError::Unavailable);
    /// nothing is sent.
    Fail,
}

/// A [`RedisBudget`] setting that cannot be used; it names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid Redis budget `{field}`: {reason}")]
pub struct InvalidRedisBudget {
    /// The field: `url`, `fingerprint`, `key_prefix`, `timeout` or `retry_interval`.
    pub field: &'static str,
    /// What is wrong with it.
    pub reason: &'static str,
}

/// Builds a [`RedisBudget`]; start with [`RedisBudget::builder`].
#[derive(Clone)]
pub struct RedisBudgetBuilder {
    pub(super) url: String,
    pub(super) fingerprint: String,
    pub(super) key_prefix: String,
    /// The quota set, a ceiling; `None` starts at Cloudflare's and follows the server.
    pub(super) quota: Option<BudgetQuota>,
    pub(super) fallback_quota: Option<BudgetQuota>,
    pub(super) when_unavailable: WhenUnavailable,
    pub(super) timeout: Duration,
    pub(super) retry_interval: Duration,
}

impl fmt::Debug for RedisBudgetBuilder {
    // The URL may carry Redis's password: left out.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisBudgetBuilder")
            .field("fingerprint", &self.fingerprint)
            .field("key_prefix", &self.key_prefix)
            .field("quota", &self.quota)
            .field("fallback_quota", &self.fallback_quota)
            .field("when_unavailable", &self.when_unavailable)
            .field("timeout", &self.timeout)
            .field("retry_interval", &self.retry_interval)
            .finish_non_exhaustive()
    }
}

impl RedisBudgetBuilder {
    pub(super) fn new(url: &str, fingerprint: &str) -> Self {
        Self {
            url: url.to_owned(),
            fingerprint: fingerprint.to_owned(),
            key_prefix: String::new(),
            quota: None,
            fallback_quota: None,
            when_unavailable: WhenUnavailable::default(),
            timeout: Duration::from_millis(250),
            retry_interval: Duration::from_secs(1),
        }
    }

    /// The shared quota, a ceiling: the budget follows a slower policy the server
    /// announces, and a faster one back up to this, never past it. Without it the budget
    /// starts at [`BudgetQuota::cloudflare`] and follows every sane policy the server
    /// announces, faster or slower, as [`LocalBudget::following`](crate::LocalBudget::following)
    /// does. Every process sharing the key should set the same one.
    pub fn quota(mut self, quota: BudgetQuota) -> Self {
        self.quota = Some(quota);
        self
    }

    /// The quota of the in-process fallback while Redis is unreachable (default: the shared
    /// quota). With `n` processes on one token, `quota / n` keeps them inside it together.
    pub fn fallback_quota(mut self, quota: BudgetQuota) -> Self {
        self.fallback_quota = Some(quota);
        self
    }

    /// Prepended to every key, e.g. `"myapp:"` (default: none).
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.key_prefix = prefix.into();
        self
    }

    /// Fall back to an in-process budget (default) or fail while Redis is unreachable.
    pub fn when_unavailable(mut self, choice: WhenUnavailable) -> Self {
        self.when_unavailable = choice;
        self
    }

    /// The longest one Redis call (connecting included) may take (default: 250 ms). A call
    /// never waits past the request's deadline either.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// After a failed Redis call, how long the budget uses the fallback (or fails) before
    /// it tries Redis again (default: 1 s).
    pub fn retry_interval(mut self, interval: Duration) -> Self {
        self.retry_interval = interval;
        self
    }

    /// Checks the settings; connects on first use, not here.
    ///
    /// # Errors
    ///
    /// [`InvalidRedisBudget`] naming the field: a URL the `redis` crate cannot use (only
    /// `redis://` and `unix://` are built in), a fingerprint that is empty, longer than 64
    /// bytes or not made of ASCII letters, digits, `-` and `_`, a key prefix longer than 64
    /// bytes or with `{` or `}`, or a zero timeout or retry interval.
    pub fn build(self) -> Result<RedisBudget, InvalidRedisBudget> {
        let invalid = |field, reason| Err(InvalidRedisBudget { field, reason });
        let fp = &self.fingerprint;
        if fp.is_empty()
            || fp.len() > MAX_KEY_PART
            || !fp.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return invalid("fingerprint", "must be 1 to 64 ASCII letters, digits, `-` or `_`");
        }
        if self.key_prefix.len() > MAX_KEY_PART || self.key_prefix.contains(['{', '}']) {
            return invalid("key_prefix", "must be at most 64 bytes, without `{` or `}`");
        }
        if self.timeout.is_zero() {
            return invalid("timeout", "must be longer than zero");
        }
        if self.retry_interval.is_zero() {
            return invalid("retry_interval", "must be longer than zero");
        }
        // The redis crate's error could quote the URL, password included: not passed on.
        let Ok(client) = redis::Client::open(self.url.as_str()) else {
            return invalid("url", "must be a redis:// or unix:// URL");
        };
        Ok(RedisBudget::from_parts(self, client))
    }
}
