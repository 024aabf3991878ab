//! Roster sync: make Access match the source of truth, on the plan → apply pattern, with
//! the guards that make it safe to run unattended.

mod apply;
mod guards;
mod options;
mod plan;
mod planner;

pub use apply::{ChangeKind, ChangeReport, SyncReport};
pub use guards::{Protected, RemovalLimit, SyncError};
pub use options::{DEFAULT_MAX_REMOVALS_PERCENT, DEFAULT_MAX_SHRINK_PERCENT, ExtraAction, SyncOptions};
pub use plan::{Change, SyncEntry, SyncPlan, Why};
