//! The error of a list walk stopped by one of its guards.

use std::fmt;

/// A list walk was stopped by one of its guards before the list ended.
///
/// [`reason`](PaginationError::reason) says which guard; the caps set with
/// [`ListUsers::max_items`](crate::ListUsers::max_items) and
/// [`max_pages`](crate::ListUsers::max_pages) end a walk quietly and never make this error.
#[non_exhaustive]
#[derive(Debug, Clone, thiserror::Error)]
#[error("list_users stopped at page {page} after {pages} pages: {reason}")]
pub struct PaginationError {
    /// Which guard stopped the walk.
    pub reason: PaginationReason,
    /// The page the walk stopped at: the page that repeated, or the one it would have
    /// fetched next.
    pub page: u64,
    /// How many pages the walk yielded before it stopped.
    pub pages: u64,
}

impl PaginationError {
    /// Which guard stopped the walk.
    pub fn reason(&self) -> &PaginationReason {
        &self.reason
    }
}

/// Which guard stopped a list walk ([`PaginationError::reason`]).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaginationReason {
    /// The server answered `page` with the same users as the earlier page `repeats`: it
    /// ignores `page`, or cycles through pages.
    RepeatedPage {
        /// The page that repeated an earlier one.
        page: u64,
        /// The earlier page it repeated.
        repeats: u64,
    },
    /// The walk's deadline ([`ListUsers::walk_deadline`](crate::ListUsers::walk_deadline))
    /// passed.
    Deadline {
        /// The deadline that was set.
        deadline: std::time::Duration,
    },
    /// The walk fetched [`MAX_WALK_PAGES`](crate::MAX_WALK_PAGES) pages, the most its
    /// repeat guard remembers.
    PageCeiling {
        /// The ceiling.
        limit: u64,
    },
}

impl fmt::Display for PaginationReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::RepeatedPage { page, repeats } => {
                write!(f, "page {page} repeats page {repeats} (the server ignores `page`?)")
            }
            Self::Deadline { deadline } => write!(f, "the walk's deadline of {deadline:?} passed"),
            Self::PageCeiling { limit } => {
                write!(f, "the walk reached its ceiling of {limit} pages; set a larger per_page")
            }
        }
    }
}
