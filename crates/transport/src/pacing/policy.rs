//! What a server can make a budget do: the longest pause it can impose, and which announced
//! policies (`Ratelimit-Policy`) a budget adopts. The one place that decides both, for
//! [`LocalBudget`](super::LocalBudget) and the Redis budget alike.

use std::time::Duration;

use super::{BudgetQuota, RateLimitStatus};

/// The longest pause a server can impose through one answer. Cloudflare blocks for five
/// minutes; a server asking for more is believed up to this.
///
/// It bounds what a server or a shared store can make a request wait: a 429's
/// `Retry-After`, a `Ratelimit` window's reset, an announced `Ratelimit-Policy` (one that
/// would make a request wait longer is refused) and a wait answered by a shared budget's
/// store (a longer one is a broken store). Only a quota the caller configured itself can
/// pace slower than this.
pub const MAX_PAUSE: Duration = Duration::from_secs(15 * 60);

/// The most requests per window an announced policy may state. More is taken for a broken
/// header: no API announces a million requests per window to one credential.
pub(super) const MAX_POLICY_REQUESTS: u64 = 1_000_000;

/// The quota an announced `Ratelimit-Policy` of `requests` per `window` stands for, or why
/// it is not one a budget adopts: fewer than 2 or more than [`MAX_POLICY_REQUESTS`]
/// requests, an empty window or one longer than [`MAX_PAUSE`], or a pace under which one
/// request could wait longer than [`MAX_PAUSE`] ([`BudgetQuota::longest_wait`]).
pub(super) fn sane_policy(requests: u64, window: Duration) -> Result<BudgetQuota, &'static str> {
    if requests < 2 {
        return Err("fewer than 2 requests per window");
    }
    if requests > MAX_POLICY_REQUESTS {
        return Err("more than 1,000,000 requests per window");
    }
    if window.is_zero() {
        return Err("an empty window");
    }
    if window > MAX_PAUSE {
        return Err("a window longer than the longest pause (15 min)");
    }
    let requests = u32::try_from(requests).map_err(|_| "more than 1,000,000 requests per window")?;
    let quota = BudgetQuota::new(requests, window).map_err(|e| e.reason)?;
    if quota.longest_wait() > MAX_PAUSE {
        return Err("a pace that would make a request wait longer than the longest pause (15 min)");
    }
    Ok(quota)
}

/// What a budget learned of the server's policies, and the rule it follows them by: the
/// one rule of [`LocalBudget`](super::LocalBudget) and the Redis budget alike.
///
/// A sane announced policy ([`sane_policy`]) becomes the quota, faster or slower than the
/// one in use: an account whose limit was raised is paced to the raise, one whose limit was
/// cut to the cut. A quota the caller set is a **ceiling**: an announced policy faster than
/// it paces to the ceiling instead. A budget with no quota set (the default, starting at
/// [`BudgetQuota::cloudflare`]) has none. A refused policy is logged once (not on every
/// answer that repeats it) and the quota kept.
#[derive(Debug, Default)]
pub(super) struct PolicyLearner {
    /// The quota the caller set, if any: never paced faster than this.
    ceiling: Option<BudgetQuota>,
    last_refused: Option<(u64, Duration)>,
    /// Refuses without a word: for a fallback whose owner already logs the refusal.
    quiet: bool,
}

impl PolicyLearner {
    /// A learner that never paces faster than `ceiling`, when there is one.
    pub(super) fn new(ceiling: Option<BudgetQuota>) -> Self {
        Self { ceiling, last_refused: None, quiet: false }
    }

    /// The same learner, not logging what it refuses.
    pub(super) fn quiet(self) -> Self {
        Self { quiet: true, ..self }
    }

    /// The quota to pace to after an answer with `status`, when it announces a sane policy
    /// that (held to the ceiling) differs from `current`; `None` keeps `current`.
    pub(super) fn follow(&mut self, current: &BudgetQuota, status: &RateLimitStatus) -> Option<BudgetQuota> {
        let (Some(requests), Some(window)) = (status.quota, status.window) else { return None };
        match sane_policy(requests, window) {
            Ok(announced) => {
                self.last_refused = None;
                let target = match self.ceiling {
                    Some(ceiling) if announced.is_faster_than(&ceiling) => ceiling,
                    _ => announced,
                };
                (target != *current).then(|| {
                    tracing::debug!(
                        quota = requests,
                        window_s = window.as_secs(),
                        paced_requests = target.requests(),
                        paced_window_s = target.window().as_secs(),
                        "the server announced a quota: the budget follows it"
                    );
                    target
                })
            }
            Err(reason) => {
                if self.last_refused.replace((requests, window)) != Some((requests, window)) && !self.quiet {
                    tracing::warn!(
                        quota = requests,
                        window_s = window.as_secs(),
                        kept_quota = current.requests(),
                        kept_window_s = current.window().as_secs(),
                        "the server announced a rate-limit policy with {reason}: not adopted, the budget keeps its quota"
                    );
                }
                None
            }
        }
    }
}

/// What an answer says is left in the server's window, never more than `quota` allows: a
/// larger count says nothing more (the pacing holds anyway), and a huge one must not reach
/// a store that keeps it as a number.
pub(super) fn remaining_within(left: u64, quota: &BudgetQuota) -> u64 {
    left.min(u64::from(quota.requests()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sane_policies_table() {
        let s = Duration::from_secs;
        // (requests, window, adopted)
        let cases = [
            (1200, s(300), true),
            (10, s(1), true),
            (2, s(1), true),
            (10, s(900), true),
            (1_000_000, s(1), true),
            (0, s(300), false),
            (1, s(300), false),
            (2, Duration::ZERO, false),
            (1200, Duration::ZERO, false),
            (2, s(4_000_000_000), false),
            (1200, s(901), false),
            (1200, Duration::MAX, false),
            (1_000_001, s(300), false),
            (u64::MAX, s(300), false),
            // The slowest sane paces: 2 per 900 s spaces requests 454.5 s apart.
            (2, s(900), true),
            (3, s(600), true),
        ];
        for (requests, window, adopted) in cases {
            let got = sane_policy(requests, window);
            assert_eq!(got.is_ok(), adopted, "q={requests} w={window:?}: {got:?}");
            if let Ok(quota) = got {
                assert!(quota.longest_wait() <= MAX_PAUSE && quota.period() <= MAX_PAUSE, "{quota:?}");
            }
        }
    }

    #[test]
    fn announced_policies_are_followed_both_ways_up_to_a_ceiling() {
        let q = |requests, secs| BudgetQuota::new(requests, Duration::from_secs(secs)).unwrap();
        let status =
            |q, w| RateLimitStatus { quota: Some(q), window: Some(Duration::from_secs(w)), ..Default::default() };
        let cloudflare = BudgetQuota::cloudflare();
        // (ceiling, current, announced (q, w), paced to afterwards)
        let cases = [
            // No quota set: the announced one, faster or slower.
            (None, cloudflare, (6000, 300), Some(q(6000, 300))),
            (None, cloudflare, (10, 300), Some(q(10, 300))),
            (None, q(10, 300), (1200, 300), Some(cloudflare)),
            (None, cloudflare, (1200, 300), None),
            (None, cloudflare, (4, 1), Some(q(4, 1))),
            // A quota set is a ceiling: a cut is followed, a raise only back up to it.
            (Some(cloudflare), cloudflare, (10, 300), Some(q(10, 300))),
            (Some(cloudflare), q(10, 300), (600, 300), Some(q(600, 300))),
            (Some(cloudflare), q(10, 300), (6000, 300), Some(cloudflare)),
            (Some(cloudflare), cloudflare, (6000, 300), None),
            // Absurd policies are refused, whatever the ceiling.
            (None, cloudflare, (2, 4_000_000_000), None),
            (None, cloudflare, (0, 300), None),
            (None, cloudflare, (100_000_000, 1), None),
            (Some(cloudflare), cloudflare, (1, 300), None),
        ];
        for (ceiling, current, (requests, window), want) in cases {
            let mut learner = PolicyLearner::new(ceiling);
            let got = learner.follow(&current, &status(requests, window));
            assert_eq!(got, want, "ceiling {ceiling:?}, at {current:?}, announced q={requests};w={window}");
        }
    }

    #[test]
    fn what_is_left_is_clamped_to_the_quota() {
        let quota = BudgetQuota::cloudflare();
        let cases = [(0, 0), (7, 7), (1200, 1200), (1201, 1200), (100_000_000_000_000_000, 1200), (u64::MAX, 1200)];
        for (left, want) in cases {
            assert_eq!(remaining_within(left, &quota), want, "{left}");
        }
    }
}
