//! The rate limit's table: one bucket (window, count, block) per credential, at most
//! [`MAX_CREDENTIALS`] of them, kept in the order they are forgotten in.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, RandomState};
use std::time::Duration;

use tokio::time::Instant;

use crate::ratelimit::{Credential, CredentialFingerprint, RateLimit, RateLimitStats, Verdict};

/// The most credentials the table holds. A new credential past it takes the place of the
/// bucket whose block has ended, else of the unblocked one whose window started longest
/// ago; a blocked one is never forgotten, so forgetting never lifts a block. A stream of
/// one-shot tokens thus neither grows the server's memory nor slows its requests.
pub(crate) const MAX_CREDENTIALS: usize = 10_000;

/// Where a bucket waits to be forgotten: among the open buckets by the start of its
/// window, or among the blocked ones by the end of its block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Open(Instant),
    Blocked(Instant),
}

/// One credential's window.
#[derive(Debug)]
struct Bucket {
    /// Tells apart buckets whose places fall on the same instant.
    seq: u64,
    window_start: Instant,
    used: u32,
    blocked_until: Option<Instant>,
    stats: RateLimitStats,
}

impl Bucket {
    fn place(&self) -> Place {
        match self.blocked_until {
            Some(until) => Place::Blocked(until),
            None => Place::Open(self.window_start),
        }
    }

    /// Counts a request received at `now`, or refuses it.
    fn count(&mut self, limit: RateLimit, now: Instant) -> Verdict {
        if let Some(until) = self.blocked_until {
            if now < until {
                self.stats.refused += 1;
                return Verdict::Refused { retry_after: until - now };
            }
            // The block is over: a fresh window starts now.
            self.blocked_until = None;
            self.window_start = now;
            self.used = 0;
        }
        if now.saturating_duration_since(self.window_start) >= limit.window() {
            self.window_start = now;
            self.used = 0;
        }
        if self.used >= limit.quota() {
            self.blocked_until = Some(now + limit.block());
            self.stats.refused += 1;
            return Verdict::Refused { retry_after: limit.block() };
        }
        self.used += 1;
        self.stats.counted += 1;
        let reset = limit.window().saturating_sub(now.saturating_duration_since(self.window_start));
        Verdict::Allowed { remaining: limit.quota() - self.used, reset }
    }
}

/// The buckets in the order they are forgotten in, each queue keyed by its instant and
/// the bucket's `seq`.
#[derive(Debug, Default)]
struct Queues {
    open: BTreeMap<(Instant, u64), CredentialFingerprint>,
    blocked: BTreeMap<(Instant, u64), CredentialFingerprint>,
}

impl Queues {
    fn queue(&mut self, place: Place) -> (&mut BTreeMap<(Instant, u64), CredentialFingerprint>, Instant) {
        match place {
            Place::Open(at) => (&mut self.open, at),
            Place::Blocked(at) => (&mut self.blocked, at),
        }
    }

    fn insert(&mut self, place: Place, seq: u64, credential: CredentialFingerprint) {
        let (queue, at) = self.queue(place);
        queue.insert((at, seq), credential);
    }

    fn remove(&mut self, place: Place, seq: u64) {
        let (queue, at) = self.queue(place);
        queue.remove(&(at, seq));
    }

    /// The bucket to forget at `now`: one whose block has ended (the next request would
    /// start it afresh anyway), else the open one whose window started first; `None` when
    /// every bucket is blocked.
    fn next_to_forget(&self, now: Instant) -> Option<(Place, u64, CredentialFingerprint)> {
        match self.blocked.first_key_value() {
            Some((&(until, seq), &credential)) if until <= now => Some((Place::Blocked(until), seq, credential)),
            _ => self.open.first_key_value().map(|(&(at, seq), &credential)| (Place::Open(at), seq, credential)),
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.open.len() + self.blocked.len()
    }
}

/// The rate limit's state: one bucket per credential, at most `cap` of them.
#[derive(Debug)]
pub(crate) struct Limiter {
    limit: RateLimit,
    keys: RandomState,
    buckets: HashMap<CredentialFingerprint, Bucket>,
    queues: Queues,
    cap: usize,
    next_seq: u64,
}

impl Limiter {
    pub(crate) fn new(limit: RateLimit) -> Limiter {
        Limiter::with_cap(limit, MAX_CREDENTIALS)
    }

    /// A limiter holding at most `cap` credentials (at least one).
    fn with_cap(limit: RateLimit, cap: usize) -> Limiter {
        Limiter {
            limit,
            keys: RandomState::new(),
            buckets: HashMap::new(),
            queues: Queues::default(),
            cap: cap.max(1),
            next_seq: 0,
        }
    }

    pub(crate) fn limit(&self) -> RateLimit {
        self.limit
    }

    pub(crate) fn fingerprint(&self, credential: Credential<'_>) -> CredentialFingerprint {
        CredentialFingerprint(match credential {
            Credential::Token(token) => self.keys.hash_one(("token", token)),
            Credential::Key { email, key } => self.keys.hash_one(("key", cfzt_models::email_key(email), key)),
        })
    }

    /// Counts a request of `credential` received at `now`, or refuses it. A credential
    /// not in the table takes the place of the first bucket in line to be forgotten when
    /// the table is full; when every bucket is blocked it is refused until the first
    /// block ends, since the table has no room to count it.
    pub(crate) fn check(&mut self, credential: CredentialFingerprint, now: Instant) -> Verdict {
        let is_new = !self.buckets.contains_key(&credential);
        if is_new && let Err(retry_after) = self.make_room(now) {
            return Verdict::Refused { retry_after };
        }
        let seq = self.next_seq;
        let bucket = self.buckets.entry(credential).or_insert_with(|| Bucket {
            seq,
            window_start: now,
            used: 0,
            blocked_until: None,
            stats: RateLimitStats::default(),
        });
        let before = if is_new {
            self.next_seq += 1;
            None
        } else {
            Some(bucket.place())
        };
        let verdict = bucket.count(self.limit, now);
        let after = bucket.place();
        if before != Some(after) {
            if let Some(before) = before {
                self.queues.remove(before, bucket.seq);
            }
            self.queues.insert(after, bucket.seq, credential);
        }
        verdict
    }

    /// Forgets buckets, first in line first, until one more fits; `Err` with the time
    /// until the first block ends when only blocked buckets are left.
    fn make_room(&mut self, now: Instant) -> Result<(), Duration> {
        while self.buckets.len() >= self.cap {
            let Some((place, seq, credential)) = self.queues.next_to_forget(now) else {
                let first_end = self.queues.blocked.keys().next().map(|&(until, _)| until);
                return Err(first_end.map_or(self.limit.block(), |until| until.saturating_duration_since(now)));
            };
            self.queues.remove(place, seq);
            self.buckets.remove(&credential);
        }
        Ok(())
    }

    /// Each credential's counts, for tests.
    pub(crate) fn stats(&self) -> HashMap<CredentialFingerprint, RateLimitStats> {
        self.buckets.iter().map(|(k, b)| (*k, b.stats)).collect()
    }
}

#[cfg(test)]
mod tests;
