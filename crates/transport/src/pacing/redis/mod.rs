//! A request budget kept in Redis, shared by every process that uses the same credential.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::time::Instant;

use super::policy::PolicyLearner;
use super::{BudgetError, BudgetQuota, LocalBudget, MAX_PAUSE, Observation, RequestBudget};

mod builder;
mod script;
#[cfg(any(test, feature = "test-util"))]
#[allow(unreachable_pub)] // Reached through `test_util`, which tests without the feature lack.
mod server;

pub use builder::{InvalidRedisBudget, RedisBudgetBuilder, WhenUnavailable, credential_fingerprint};
use script::{Decision, Keys, Lesson, Scripts};
#[cfg(any(test, feature = "test-util"))]
#[allow(unreachable_pub, unused_imports)]
pub use server::RedisServer;

/// A request budget kept in Redis: one quota for every process, on every machine, that
/// uses the same credential.
///
/// - **Paces** with GCRA in one atomic Lua script per acquisition, on Redis's clock
///   (`TIME`), so processes agree whatever their own clocks say. The quota keeps the
///   promise of [`BudgetQuota`] across processes: at most `requests` start in any interval
///   of the window plus its margin.
/// - **Pauses everyone**: a 429 (its `Retry-After`) or an answer saying no request is left
///   (its reset) is written to Redis, and every process waits until it has passed. What the
///   `Ratelimit` header says is left in the window is shared the same way, never more
///   than the quota.
/// - **Believes the store up to [`MAX_PAUSE`]** (or the configured quota's
///   [`longest_wait`](BudgetQuota::longest_wait), when that is longer): a longer wait is
///   not one the scripts can have made, so it is handled as a failed store, below.
/// - **Without Redis** it falls back to an in-process [`LocalBudget`] with a warning, or
///   fails with [`BudgetError::Unavailable`] ([`WhenUnavailable`]). Every Redis call is
///   bounded by a short timeout (250 ms) and by the request's deadline; after a failure the
///   budget tries Redis again after the retry interval (1 s), and goes back to it by itself.
///
/// Keys are `<prefix>cfzt:budget:{<fingerprint>}:{tat,pause,window}`; each expires on its
/// own. The fingerprint comes from the caller: derive it with [`credential_fingerprint`],
/// never pass the credential. Nothing secret is stored.
///
/// The connection is made on first use, on the tokio runtime of that use; keep a budget on
/// one runtime.
///
/// ```no_run
/// use std::sync::Arc;
/// use cfzt_transport::{BudgetQuota, RedisBudget, RequestBudget, credential_fingerprint};
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let token = std::env::var("CLOUDFLARE_API_TOKEN")?;
/// let budget: Arc<dyn RequestBudget> = Arc::new(
///     RedisBudget::builder("redis://127.0.0.1:6379", &credential_fingerprint(&token))
///         .quota(BudgetQuota::cloudflare())
///         .build()?,
/// );
/// budget.acquire(None).await?;
/// # Ok(()) }
/// ```
pub struct RedisBudget {
    client: redis::Client,
    connection: Mutex<Option<ConnectionManager>>,
    scripts: Scripts,
    keys: Keys,
    /// The quota it was built with: with `MAX_PAUSE`, it bounds the waits the store can ask.
    configured: BudgetQuota,
    quota: Mutex<BudgetQuota>,
    policies: Mutex<PolicyLearner>,
    /// Set by the first answer: until then this process takes no burst.
    taught: AtomicBool,
    fallback: LocalBudget,
    when_unavailable: WhenUnavailable,
    timeout: Duration,
    retry_interval: Duration,
    /// While set and in the future, Redis is not asked.
    down_until: Mutex<Option<Instant>>,
}

/// One place taken, and when Redis's clock gave it (`None` from the fallback).
#[derive(Debug, Clone, Copy)]
pub(super) struct Grant {
    pub(super) waited: Duration,
    #[cfg_attr(not(test), allow(dead_code))]
    pub(super) at_micros: Option<u64>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every value behind these locks is whole at each step: a poisoned one is usable.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl RedisBudget {
    /// Starts building a budget kept at `url` (`redis://[:password@]host:port[/db]`) and
    /// keyed by `fingerprint` (see [`credential_fingerprint`]).
    pub fn builder(url: &str, fingerprint: &str) -> RedisBudgetBuilder {
        RedisBudgetBuilder::new(url, fingerprint)
    }

    fn from_parts(b: RedisBudgetBuilder, client: redis::Client) -> Self {
        Self {
            client,
            connection: Mutex::new(None),
            scripts: Scripts::new(),
            keys: Keys::new(&b.key_prefix, &b.fingerprint),
            configured: b.quota.unwrap_or_default(),
            quota: Mutex::new(b.quota.unwrap_or_default()),
            policies: Mutex::new(PolicyLearner::new(b.quota)),
            taught: AtomicBool::new(false),
            fallback: LocalBudget::fallback(b.fallback_quota.or(b.quota).unwrap_or_default(), b.quota),
            when_unavailable: b.when_unavailable,
            timeout: b.timeout,
            retry_interval: b.retry_interval,
            down_until: Mutex::new(None),
        }
    }

    /// The quota it paces to now: the one it was built with, or the one the server announced.
    pub fn quota(&self) -> BudgetQuota {
        *lock(&self.quota)
    }

    /// The longest wait the store may ask for: [`MAX_PAUSE`], or the longest wait of the
    /// configured quota or the one in use if longer, with a second for the rounding of
    /// Redis's milliseconds and the period's microseconds.
    fn wait_limit(&self, quota: &BudgetQuota) -> Duration {
        MAX_PAUSE.max(self.configured.longest_wait()).max(quota.longest_wait()).saturating_add(Duration::from_secs(1))
    }

    /// `true` while Redis is taken to be unreachable, after a failed call and until the
    /// next try succeeds: the fallback paces (or requests fail).
    pub fn is_degraded(&self) -> bool {
        lock(&self.down_until).is_some()
    }

    fn connection(&self) -> redis::RedisResult<ConnectionManager> {
        let mut slot = lock(&self.connection);
        if let Some(conn) = &*slot {
            return Ok(conn.clone());
        }
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout))
            .set_number_of_retries(0);
        let conn = ConnectionManager::new_lazy_with_config(self.client.clone(), config)?;
        *slot = Some(conn.clone());
        Ok(conn)
    }

    /// Whether to ask Redis now: not while it is down and the retry interval runs.
    fn store_ready(&self, now: Instant) -> bool {
        lock(&self.down_until).is_none_or(|until| until <= now)
    }

    fn store_answered(&self) {
        if lock(&self.down_until).take().is_some() {
            tracing::info!("the shared rate budget's store is reachable again");
        }
    }

    fn store_failed(&self, error: &dyn std::error::Error) {
        let until = Instant::now() + self.retry_interval;
        if lock(&self.down_until).replace(until).is_none() {
            let retry_ms = self.retry_interval.as_millis() as u64;
            match self.when_unavailable {
                WhenUnavailable::FallBack => tracing::warn!(
                    %error, retry_ms, "the shared rate budget's store is unreachable or broken: pacing in this process alone"
                ),
                WhenUnavailable::Fail => tracing::warn!(
                    %error, retry_ms, "the shared rate budget's store is unreachable or broken: requests fail until it returns"
                ),
            }
        }
    }

    /// Runs one Redis call, bounded by the timeout and the deadline. `Err(None)`: the
    /// deadline cut it short, which says nothing about Redis.
    async fn call<T>(
        &self,
        deadline: Option<Instant>,
        f: impl AsyncFnOnce(&mut ConnectionManager) -> redis::RedisResult<T>,
    ) -> Result<T, Option<crate::BoxError>> {
        let left = deadline.map_or(self.timeout, |d| d.saturating_duration_since(Instant::now()));
        let bound = self.timeout.min(left);
        let outcome = match self.connection() {
            Ok(mut conn) => tokio::time::timeout(bound, f(&mut conn)).await,
            Err(e) => Ok(Err(e)),
        };
        match outcome {
            Ok(Ok(value)) => {
                self.store_answered();
                Ok(value)
            }
            Ok(Err(e)) => {
                self.store_failed(&e);
                Err(Some(e.into()))
            }
            Err(_) if bound < self.timeout => Err(None),
            Err(elapsed) => {
                self.store_failed(&elapsed);
                Err(Some(format!("no answer from Redis within {:?}", self.timeout).into()))
            }
        }
    }

    /// Takes a place, from Redis or, when it cannot be reached, as [`WhenUnavailable`] says.
    pub(super) async fn take(&self, deadline: Option<Instant>) -> Result<Grant, BudgetError> {
        let start = Instant::now();
        loop {
            let now = Instant::now();
            let quota = self.quota();
            let limit = self.wait_limit(&quota);
            // Until this process has heard an answer, one request at a time, as `LocalBudget`.
            let burst = if self.taught.load(Ordering::Relaxed) { quota.burst_size() } else { 1 };
            let failure = if self.store_ready(now) {
                match self
                    .call(deadline, async |c| self.scripts.acquire(c, &self.keys, &quota, burst, limit).await)
                    .await
                {
                    Ok(Decision::Go { at_micros }) => {
                        return Ok(Grant { waited: start.elapsed(), at_micros: Some(at_micros) });
                    }
                    Ok(Decision::Wait(wait)) => {
                        if let Some(deadline) = deadline
                            && Instant::now().checked_add(wait).is_none_or(|until| until > deadline)
                        {
                            return Err(BudgetError::WouldPassDeadline {
                                would_wait: start.elapsed().saturating_add(wait),
                            });
                        }
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    Err(failure) => failure,
                }
            } else {
                Some("the store failed recently; it is tried again after the retry interval".into())
            };
            return self.without_store(start, deadline, failure).await;
        }
    }

    async fn without_store(
        &self,
        start: Instant,
        deadline: Option<Instant>,
        failure: Option<crate::BoxError>,
    ) -> Result<Grant, BudgetError> {
        match self.when_unavailable {
            WhenUnavailable::FallBack => {
                let before = start.elapsed();
                match self.fallback.acquire(deadline).await {
                    Ok(waited) => Ok(Grant { waited: before + waited, at_micros: None }),
                    Err(BudgetError::WouldPassDeadline { would_wait }) => {
                        Err(BudgetError::WouldPassDeadline { would_wait: before.saturating_add(would_wait) })
                    }
                    Err(other) => Err(other),
                }
            }
            WhenUnavailable::Fail => Err(BudgetError::Unavailable {
                source: failure.unwrap_or_else(|| "the deadline came before Redis answered".into()),
            }),
        }
    }

    /// Follows a quota the server announced, by the rule of `LocalBudget` ([`PolicyLearner`]).
    fn learn_quota(&self, observation: &Observation) {
        self.taught.store(true, Ordering::Relaxed);
        let Some(status) = observation.rate_limit else { return };
        let mut quota = lock(&self.quota);
        if let Some(announced) = lock(&self.policies).follow(&quota, &status) {
            *quota = announced;
        }
    }
}

impl fmt::Debug for RedisBudget {
    // The client's connection info may hold Redis's password: only the address is shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisBudget")
            .field("store", &self.client.get_connection_info().addr().to_string())
            .field("key", &self.keys.tat.trim_end_matches(":tat"))
            .field("quota", &self.quota())
            .field("when_unavailable", &self.when_unavailable)
            .field("degraded", &self.is_degraded())
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl RequestBudget for RedisBudget {
    async fn acquire(&self, deadline: Option<Instant>) -> Result<Duration, BudgetError> {
        self.take(deadline).await.map(|grant| grant.waited)
    }

    async fn observe(&self, observation: &Observation) -> Option<Duration> {
        // The fallback learns too, so that it knows of a pause if Redis goes away; the pause
        // it takes is the one the store is told (the same lesson, the same cap).
        let pause = self.fallback.observe(observation).await;
        self.learn_quota(observation);
        let Some(lesson) = Lesson::from_observation(observation, MAX_PAUSE, &self.quota()) else { return pause };
        if self.store_ready(Instant::now()) {
            // Best effort: a failure is logged and marks the store down.
            let _ = self.call(None, async |c| self.scripts.observe(c, &self.keys, &lesson).await).await;
        }
        pause
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod untrusted_tests;
