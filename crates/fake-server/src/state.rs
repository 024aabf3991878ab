//! What every connection shares: the users, the fault rules, the journal and the
//! configuration.

use std::sync::{Mutex, MutexGuard, PoisonError};

use tokio::time::Instant;

use crate::faults::ActiveRule;
use crate::journal::Journal;
use crate::limiter::Limiter;
use crate::ratelimit::{Credential, CredentialFingerprint, RateLimit, RateLimitStats, Verdict};
use crate::store::Store;

/// Everything the connections share, behind one `Arc`.
#[derive(Debug)]
pub(crate) struct Shared {
    store: Mutex<Store>,
    faults: Mutex<Vec<ActiveRule>>,
    journal: Mutex<Journal>,
    /// The rate limit's windows, when the server enforces one.
    limiter: Option<Mutex<Limiter>>,
    /// Whether *list users* refuses a `per_page` outside the allowed sizes.
    pub(crate) strict_per_page: bool,
    /// Whether a request body's unknown keys are refused instead of ignored.
    pub(crate) strict_body_keys: bool,
    /// The one token accepted, if the server was built with `require_token`.
    pub(crate) token: Option<String>,
}

/// Locks `m`, also after a panic in another holder: the state stays usable for the
/// requests and tests that follow.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    pub(crate) fn new(
        store: Store,
        journal: Journal,
        rate_limit: Option<RateLimit>,
        strict_per_page: bool,
        strict_body_keys: bool,
        token: Option<String>,
    ) -> Shared {
        Shared {
            store: Mutex::new(store),
            faults: Mutex::new(Vec::new()),
            journal: Mutex::new(journal),
            limiter: rate_limit.map(|limit| Mutex::new(Limiter::new(limit))),
            strict_per_page,
            strict_body_keys,
            token,
        }
    }

    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.store)
    }

    pub(crate) fn faults(&self) -> MutexGuard<'_, Vec<ActiveRule>> {
        lock(&self.faults)
    }

    pub(crate) fn journal(&self) -> MutexGuard<'_, Journal> {
        lock(&self.journal)
    }

    /// Counts a request of `credential` against the rate limit, if the server enforces
    /// one: the limit and its verdict.
    pub(crate) fn count_request(&self, credential: Credential<'_>) -> Option<(RateLimit, Verdict)> {
        let mut limiter = lock(self.limiter.as_ref()?);
        let fingerprint = limiter.fingerprint(credential);
        Some((limiter.limit(), limiter.check(fingerprint, Instant::now())))
    }

    /// The fingerprint of `credential` (the same for every request carrying it), or
    /// `None` without a rate limit.
    pub(crate) fn fingerprint(&self, credential: Credential<'_>) -> Option<CredentialFingerprint> {
        Some(lock(self.limiter.as_ref()?).fingerprint(credential))
    }

    /// Each credential's rate-limit counts (empty without a rate limit).
    pub(crate) fn rate_limit_stats(&self) -> std::collections::HashMap<CredentialFingerprint, RateLimitStats> {
        self.limiter.as_ref().map(|l| lock(l).stats()).unwrap_or_default()
    }
}
