#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod apply;
mod apply_person;
mod audit;
mod ensure;
mod error;
mod offboard;
mod options;
mod plan;
mod query;
mod report;
mod revoke_and_free;
mod roster;
mod sync;

pub use apply::{AppliedPerson, ApplyStream};
pub use audit::{AuditOptions, AuditRow};
pub use ensure::Ensured;
pub use error::WorkflowError;
pub use offboard::{OffboardOptions, ReclaimOptions};
pub use options::{ApplyOptions, Progress, StopSignal};
pub use plan::{Action, PersonPlan, Plan, PlanKind, PlannedStep, SkipReason};
#[allow(deprecated)]
pub use plan::{OffboardPlan, ReclaimPlan};
pub use query::{DEFAULT_NEW_USER_GRACE_DAYS, SeatCounts};
#[allow(deprecated)]
pub use report::{OffboardReport, ReclaimReport};
pub use report::{Outcome, PersonReport, Report, StepError, StepReport};
pub use roster::{ColumnMap, InvalidRow, Roster, RosterError, RosterPerson};
pub use sync::{
    Change, ChangeKind, ChangeReport, DEFAULT_MAX_REMOVALS_PERCENT, DEFAULT_MAX_SHRINK_PERCENT, ExtraAction, Protected,
    RemovalLimit, SyncEntry, SyncError, SyncOptions, SyncPlan, SyncReport, Why,
};

use cfzt_access_users::Users;

/// The page size the workflows list users with: the largest of the values Access is
/// reported to accept besides 1000, so a walk takes few requests without huge pages.
pub const LIST_PAGE_SIZE: u64 = 100;

/// How many people a bulk workflow works on at once by default (also the audit export's
/// users at once): `ApplyOptions::default().concurrency(DEFAULT_CONCURRENCY)`. Each person costs 2 to
/// 5 requests. This bounds how many are in flight; the client's request budget paces them
/// inside the API's rate limit.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// The operator workflows over the users of one account.
///
/// Made from the client's [`Users`] handle and cheap to clone. Every call goes through
/// that client, so its retry policy and its request budget (on by default at Cloudflare's
/// quota; see `ClientBuilder::rate_limit`) pace all of them.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use cfzt_access_users::{AccountId, Client};
/// use cfzt_workflows::Workflows;
///
/// let client = Client::from_env()?;
/// let account: AccountId = "023e105f4ecef8ad9ca31a8372d0c353".parse()?;
/// let workflows = Workflows::new(client.users(&account));
/// let counts = workflows.seat_counts().await?;
/// println!("{} Access seats, {} Gateway seats", counts.access_seats, counts.gateway_seats);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Workflows {
    users: Users,
}

impl Workflows {
    /// Workflows over the users of the account `users` was made for.
    pub fn new(users: Users) -> Self {
        Self { users }
    }

    /// The client handle the workflows call through.
    pub fn users(&self) -> &Users {
        &self.users
    }
}
