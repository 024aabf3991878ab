//! What every connection shares: the users, the fault rules, the journal and the
//! configuration.

use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::faults::ActiveRule;
use crate::journal::Journal;
use crate::store::Store;

/// Everything the connections share, behind one `Arc`.
#[derive(Debug)]
pub(crate) struct Shared {
    store: Mutex<Store>,
    faults: Mutex<Vec<ActiveRule>>,
    journal: Mutex<Journal>,
    /// Whether *list users* refuses a `per_page` outside the allowed sizes.
    pub(crate) strict_per_page: bool,
    /// The one token accepted, if the server was built with `require_token`.
    pub(crate) token: Option<String>,
}

/// Locks `m`, also after a panic in another holder: the state stays usable for the
/// requests and tests that follow.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    pub(crate) fn new(store: Store, journal: Journal, strict_per_page: bool, token: Option<String>) -> Shared {
        Shared {
            store: Mutex::new(store),
            faults: Mutex::new(Vec::new()),
            journal: Mutex::new(journal),
            strict_per_page,
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
}
