//! The guards of a list walk: the repeat guard, the caps and the deadline.
//!
//! Pure bookkeeping, no I/O: [`ListUsers::pages`](crate::ListUsers::pages) asks
//! [`Walk::before_page`] whether to fetch the next page, and [`Walk::after_page`] whether
//! the page it got may be yielded.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::{Duration, Instant};

use cfzt_models::User;

use crate::error::{Error, PaginationError, PaginationReason};

/// The most pages one walk remembers for its repeat guard, and so the most pages one walk
/// fetches: reaching it ends the walk with [`PaginationReason::PageCeiling`].
///
/// The guard keeps one 64-bit fingerprint and one page number per page, so a walk holds at
/// most 16 384 × 16 bytes (256 KiB, plus the hash table's slack) whatever the server sends.
/// At the default `per_page` of 50 that is 819 200 users; a larger account walks with a
/// larger [`per_page`](crate::ListUsers::per_page) (1 000 gives 16 million users).
pub const MAX_WALK_PAGES: u64 = 16_384;

/// The limits a caller set on a walk.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct WalkLimits {
    pub(crate) max_items: Option<u64>,
    pub(crate) max_pages: Option<u64>,
    pub(crate) deadline: Option<Duration>,
}

/// One walk's state: what it fetched, what it remembers, when it must end.
#[derive(Debug)]
pub(crate) struct Walk {
    limits: WalkLimits,
    /// Set when the first page is asked for; `None` also when `now + deadline` overflows,
    /// which means no deadline.
    deadline: Option<Instant>,
    started: bool,
    pages: u64,
    items: u64,
    /// Page fingerprint -> the page number it was first seen at.
    seen: HashMap<u64, u64>,
}

/// What the walk does next.
#[derive(Debug, PartialEq)]
pub(crate) enum Next {
    /// Fetch the page; `Some(left)` is the time left before the walk's deadline.
    Fetch(Option<Duration>),
    /// End quietly: a cap the caller set was reached.
    End,
}

impl Walk {
    pub(crate) fn new(limits: WalkLimits) -> Self {
        Self { limits, deadline: None, started: false, pages: 0, items: 0, seen: HashMap::new() }
    }

    /// Whether to fetch `page`, the next one.
    pub(crate) fn before_page(&mut self, page: u64) -> Result<Next, PaginationError> {
        let now = Instant::now();
        if !self.started {
            self.started = true;
            self.deadline = self.limits.deadline.and_then(|d| now.checked_add(d));
        }
        let reached = |cap: Option<u64>, count: u64| cap.is_some_and(|cap| count >= cap);
        if reached(self.limits.max_pages, self.pages) || reached(self.limits.max_items, self.items) {
            return Ok(Next::End);
        }
        if self.pages >= MAX_WALK_PAGES {
            return Err(self.stop(page, PaginationReason::PageCeiling { limit: MAX_WALK_PAGES }));
        }
        match self.deadline {
            Some(deadline) if now >= deadline => Err(self.deadline_passed(page)),
            Some(deadline) => Ok(Next::Fetch(Some(deadline - now))),
            None => Ok(Next::Fetch(None)),
        }
    }

    /// Checks a non-empty page before it is yielded, and cuts it to `max_items`. Returns
    /// whether a cap the caller set is now reached (no further page is asked for).
    pub(crate) fn after_page(&mut self, page: u64, users: &mut Vec<User>) -> Result<bool, PaginationError> {
        let fingerprint = fingerprint(users);
        if let Some(&repeats) = self.seen.get(&fingerprint) {
            return Err(self.stop(page, PaginationReason::RepeatedPage { page, repeats }));
        }
        self.seen.insert(fingerprint, page);
        if let Some(max) = self.limits.max_items {
            let left = max.saturating_sub(self.items);
            if (users.len() as u64) > left {
                users.truncate(usize::try_from(left).unwrap_or(usize::MAX));
            }
        }
        self.pages += 1;
        self.items = self.items.saturating_add(users.len() as u64);
        let reached = |cap: Option<u64>, count: u64| cap.is_some_and(|cap| count >= cap);
        Ok(reached(self.limits.max_pages, self.pages) || reached(self.limits.max_items, self.items))
    }

    /// The error to end the walk with when fetching `page` failed: a transport failure
    /// after the walk's deadline passed is the deadline's doing.
    pub(crate) fn failed(&self, page: u64, error: Error) -> Error {
        let deadline_passed = self.deadline.is_some_and(|d| Instant::now() >= d);
        if deadline_passed && error.is_transport() {
            return Error::Pagination(self.deadline_passed(page));
        }
        error
    }

    fn deadline_passed(&self, page: u64) -> PaginationError {
        let deadline = self.limits.deadline.unwrap_or_default();
        self.stop(page, PaginationReason::Deadline { deadline })
    }

    fn stop(&self, page: u64, reason: PaginationReason) -> PaginationError {
        PaginationError { reason, page, pages: self.pages }
    }
}

/// A page's fingerprint: a hash of its users' ids in order (of the whole user when it has
/// no id). A server that ignores `page` sends the same ids again even when other fields
/// (a login time) changed in between.
fn fingerprint(users: &[User]) -> u64 {
    let mut hasher = DefaultHasher::new();
    users.len().hash(&mut hasher);
    for user in users {
        match &user.id {
            Some(id) => id.hash(&mut hasher),
            None => serde_json::to_string(user).unwrap_or_default().hash(&mut hasher),
        }
    }
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn users(ids: &[&str]) -> Vec<User> {
        ids.iter().map(|id| serde_json::from_str(&format!(r#"{{"id":"{id}"}}"#)).unwrap()).collect()
    }

    fn limits(max_items: Option<u64>, max_pages: Option<u64>, deadline: Option<Duration>) -> WalkLimits {
        WalkLimits { max_items, max_pages, deadline }
    }

    #[test]
    fn a_page_seen_at_any_distance_is_a_repeat() {
        let mut walk = Walk::new(WalkLimits::default());
        let pages = [["a", "b"], ["c", "d"], ["e", "f"], ["c", "d"]];
        for (i, ids) in pages.iter().enumerate() {
            let page = i as u64 + 1;
            assert_eq!(walk.before_page(page).unwrap(), Next::Fetch(None));
            let got = walk.after_page(page, &mut users(ids));
            if page < 4 {
                assert!(!got.unwrap());
            } else {
                let e = got.unwrap_err();
                assert_eq!(e.reason, PaginationReason::RepeatedPage { page: 4, repeats: 2 });
                assert_eq!((e.page, e.pages), (4, 3));
            }
        }
    }

    #[test]
    fn caps_end_quietly_and_cut_the_last_page() {
        let mut walk = Walk::new(limits(Some(3), None, None));
        assert_eq!(walk.before_page(1).unwrap(), Next::Fetch(None));
        assert!(!walk.after_page(1, &mut users(&["a", "b"])).unwrap());
        let mut page = users(&["c", "d"]);
        assert!(walk.after_page(2, &mut page).unwrap());
        assert_eq!(page.len(), 1);
        assert_eq!(walk.before_page(3).unwrap(), Next::End);

        let mut walk = Walk::new(limits(None, Some(1), None));
        assert!(walk.after_page(1, &mut users(&["a"])).unwrap());
        assert_eq!(walk.before_page(2).unwrap(), Next::End);
        for zero in [limits(Some(0), None, None), limits(None, Some(0), None)] {
            assert_eq!(Walk::new(zero).before_page(1).unwrap(), Next::End);
        }
    }

    #[test]
    fn deadlines_never_overflow() {
        let mut walk = Walk::new(limits(None, None, Some(Duration::MAX)));
        assert_eq!(walk.before_page(1).unwrap(), Next::Fetch(None));
        let mut walk = Walk::new(limits(None, None, Some(Duration::ZERO)));
        let e = walk.before_page(1).unwrap_err();
        assert_eq!(e.reason, PaginationReason::Deadline { deadline: Duration::ZERO });
        let mut walk = Walk::new(limits(None, None, Some(Duration::from_secs(3600))));
        assert!(matches!(walk.before_page(1).unwrap(), Next::Fetch(Some(left)) if left <= Duration::from_secs(3600)));
    }

    #[test]
    fn the_walk_ends_at_the_ceiling() {
        let mut walk = Walk::new(limits(None, Some(u64::MAX), None));
        for page in 1..=MAX_WALK_PAGES {
            assert!(matches!(walk.before_page(page), Ok(Next::Fetch(None))));
            assert!(!walk.after_page(page, &mut users(&[&page.to_string()])).unwrap());
        }
        let e = walk.before_page(MAX_WALK_PAGES + 1).unwrap_err();
        assert_eq!(e.reason, PaginationReason::PageCeiling { limit: MAX_WALK_PAGES });
        assert_eq!(e.pages, MAX_WALK_PAGES);
        assert!(walk.seen.len() as u64 <= MAX_WALK_PAGES);
    }
}
