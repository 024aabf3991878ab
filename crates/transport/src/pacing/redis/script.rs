//! The two server-side scripts of the Redis budget and the keys they use.
//!
//! Each runs atomically in Redis, so any number of processes on any number of machines see
//! one quota. Time is Redis's own clock (`TIME`, and key expiry), never a caller's.

use std::time::Duration;

use redis::Script;
use redis::aio::ConnectionManager;

use super::super::policy::remaining_within;
use super::super::{BudgetQuota, Observation};

/// The keys of one budget. The fingerprint sits in a hash tag (`{…}`) so that in a Redis
/// Cluster the three keys share a slot, as a script needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Keys {
    /// The GCRA's theoretical arrival time, in microseconds of Redis's clock.
    pub(super) tat: String,
    /// Exists while every request must pause; its expiry is the pause's end.
    pub(super) pause: String,
    /// Requests the server said are left in its window; its expiry is the window's end.
    pub(super) window: String,
}

impl Keys {
    pub(super) fn new(prefix: &str, fingerprint: &str) -> Self {
        let key = |name: &str| format!("{prefix}cfzt:budget:{{{fingerprint}}}:{name}");
        Self { tat: key("tat"), pause: key("pause"), window: key("window") }
    }
}

/// What the acquisition script decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Decision {
    /// A place was taken, at this time of Redis's clock (microseconds since the epoch).
    Go { at_micros: u64 },
    /// No place before this wait.
    Wait(Duration),
}

/// One acquisition: a pause or an exhausted server window first, then GCRA with
/// `ARGV[1]` µs between requests and `ARGV[2]` at once. Returns `{wait µs, now µs}`.
///
/// Whatever a key holds, the script stores integers only: a count left in the window is
/// read as an integer between 0 and the quota (`ARGV[3]`) and written back with `%d`, so
/// that a value another version or a broken writer left (`"1e+17"`, which `DECR` refuses)
/// heals at the next acquisition instead of failing every one until it expires.
const ACQUIRE: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return {paused * 1000, now} end
local left = tonumber(redis.call('GET', KEYS[3]))
if left ~= nil and left ~= left then left = nil end
if left ~= nil then left = math.max(0, math.min(math.floor(left), tonumber(ARGV[3]))) end
if left ~= nil and left <= 0 then
  local ends = redis.call('PTTL', KEYS[3])
  if ends > 0 then return {ends * 1000, now} end
end
local period = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat ~= tat or tat < now then tat = now end
local next_tat = tat + period
local allowed_at = next_tat - period * tonumber(ARGV[2])
if allowed_at > now then return {allowed_at - now, now} end
redis.call('SET', KEYS[1], string.format('%.0f', next_tat), 'PX', math.ceil((next_tat - now) / 1000) + 1)
if left ~= nil then redis.call('SET', KEYS[3], string.format('%d', math.max(0, left - 1)), 'KEEPTTL') end
return {0, now}
";

/// What one answer taught: a 429's pause of `ARGV[1]` ms (0: none), and `ARGV[2]` requests
/// left until the window ends in `ARGV[3]` ms (-1: unknown). A pause only ever grows.
/// Answers of the same window (its end known to the second: `t` is whole seconds, rounded
/// up, so each answer's end is up to a second late, never early) only ever shrink what is
/// left and bring its end closer, as in `LocalBudget`. The count is stored as an integer
/// (`%d`): Lua's own number formatting would write `1e+17`.
const OBSERVE: &str = r"
local pause = tonumber(ARGV[1])
if pause > 0 and redis.call('PTTL', KEYS[1]) < pause then
  redis.call('SET', KEYS[1], '1', 'PX', pause)
end
local left = math.floor(tonumber(ARGV[2]))
local reset = tonumber(ARGV[3])
if left >= 0 and reset > 0 then
  local ends = redis.call('PTTL', KEYS[2])
  if ends > 0 and reset <= ends + 1000 then
    local known = tonumber(redis.call('GET', KEYS[2]))
    if known ~= nil and known == known and known < left then left = math.max(0, math.floor(known)) end
    redis.call('SET', KEYS[2], string.format('%d', left), 'PX', math.min(reset, ends))
  else
    redis.call('SET', KEYS[2], string.format('%d', left), 'PX', reset)
  end
end
return 0
";

/// The scripts, hashed once per budget (`EVALSHA`, loading them again after a restart).
#[derive(Debug)]
pub(super) struct Scripts {
    acquire: Script,
    observe: Script,
}

impl Scripts {
    pub(super) fn new() -> Self {
        Self { acquire: Script::new(ACQUIRE), observe: Script::new(OBSERVE) }
    }

    /// Runs the acquisition. A wait longer than `limit` is an error, as if the store had
    /// failed: see [`decide`].
    pub(super) async fn acquire(
        &self,
        conn: &mut ConnectionManager,
        keys: &Keys,
        quota: &BudgetQuota,
        burst: u32,
        limit: Duration,
    ) -> redis::RedisResult<Decision> {
        // Rounded up: a period a little long only keeps further inside the quota.
        let period = quota.period().as_nanos().div_ceil(1000).min(u128::from(u32::MAX)) as u64;
        let (wait, now): (u64, u64) = self
            .acquire
            .key(&keys.tat)
            .key(&keys.pause)
            .key(&keys.window)
            .arg(period.max(1))
            .arg(burst.clamp(1, quota.burst_size()))
            .arg(quota.requests())
            .invoke_async(conn)
            .await?;
        decide(wait, now, limit)
    }

    pub(super) async fn observe(
        &self,
        conn: &mut ConnectionManager,
        keys: &Keys,
        lesson: &Lesson,
    ) -> redis::RedisResult<()> {
        self.observe
            .key(&keys.pause)
            .key(&keys.window)
            .arg(lesson.pause_ms)
            .arg(lesson.left)
            .arg(lesson.reset_ms)
            .invoke_async::<()>(conn)
            .await
    }
}

/// The acquisition script's answer, `wait` and `now` in µs, as a decision.
///
/// A wait longer than `limit` (the longest this budget can ask for) is not one the scripts
/// can have made from what budgets write: the store's state is broken, or the server is
/// not running the script. It is an error, so the store is treated as failed (the fallback
/// paces, or the request fails, and the store is tried again after the retry interval)
/// rather than believed, even up to a cap, which would hold every request on every retry.
pub(super) fn decide(wait: u64, now: u64, limit: Duration) -> redis::RedisResult<Decision> {
    if wait == 0 {
        return Ok(Decision::Go { at_micros: now });
    }
    let wait = Duration::from_micros(wait);
    if wait > limit {
        return Err(redis::RedisError::from((
            redis::ErrorKind::UnexpectedReturnType,
            "the store answered a wait longer than the budget allows",
            format!("{} s, over {} s", wait.as_secs(), limit.as_secs()),
        )));
    }
    Ok(Decision::Wait(wait))
}

/// What the observe script is told, in its units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Lesson {
    pub(super) pause_ms: u64,
    pub(super) left: i64,
    pub(super) reset_ms: i64,
}

impl Lesson {
    /// The shared part of an observation, `None` when it teaches nothing shared. Durations
    /// are capped at `max` and rounded up to whole milliseconds; the requests left, at the
    /// quota.
    pub(super) fn from_observation(observation: &Observation, max: Duration, quota: &BudgetQuota) -> Option<Self> {
        let ms = |d: Duration| d.min(max).as_nanos().div_ceil(1_000_000) as u64;
        // A window with nothing left holds requests through its count and end (the
        // acquisition script); only a 429 pauses by itself.
        let pause_ms = observation.pause().filter(|_| observation.is_refusal()).map_or(0, ms);
        let (left, reset_ms) = match observation.rate_limit {
            Some(status) => match (status.remaining, status.reset) {
                (Some(left), Some(reset)) if !reset.is_zero() => {
                    (remaining_within(left, quota) as i64, ms(reset) as i64)
                }
                _ => (-1, -1),
            },
            None => (-1, -1),
        };
        (pause_ms > 0 || left >= 0).then_some(Self { pause_ms, left, reset_ms })
    }
}
