//! How to sync: what happens to users not in the roster, and the guards' settings.

use serde::{Deserialize, Serialize};

use super::guards::{Protected, RemovalLimit};
use crate::DEFAULT_CONCURRENCY;
use crate::plan::Action;

/// What a sync does to an Access user who is not in the roster.
///
/// ```
/// use cfzt_workflows::ExtraAction;
/// assert_eq!(ExtraAction::default(), ExtraAction::Report);
/// assert_eq!("free-seat".parse::<ExtraAction>(), Ok(ExtraAction::FreeSeat));
/// assert_eq!(serde_json::to_string(&ExtraAction::Delete)?, r#""delete""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExtraAction {
    /// Report them, change nothing (the default).
    #[default]
    Report,
    /// End their Access sessions.
    RevokeSessions,
    /// Free their Access and Gateway seat.
    FreeSeat,
    /// Revoke their sessions, free their seat and delete the user record, as offboarding
    /// with deletion does.
    Delete,
}

impl ExtraAction {
    /// The steps the action takes, in order; none for [`ExtraAction::Report`].
    pub fn steps(self) -> &'static [Action] {
        match self {
            Self::Report => &[],
            Self::RevokeSessions => &[Action::RevokeSessions],
            Self::FreeSeat => &[Action::FreeSeat],
            Self::Delete => &[Action::RevokeSessions, Action::FreeSeat, Action::DeleteUser],
        }
    }

    /// The names [`FromStr`](std::str::FromStr) accepts, as the CLI spells them.
    pub const NAMES: [&'static str; 4] = ["report", "revoke-sessions", "free-seat", "delete"];
}

impl std::fmt::Display for ExtraAction {
    /// The name [`FromStr`](std::str::FromStr) accepts.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Report => "report",
            Self::RevokeSessions => "revoke-sessions",
            Self::FreeSeat => "free-seat",
            Self::Delete => "delete",
        })
    }
}

impl std::str::FromStr for ExtraAction {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "report" => Ok(Self::Report),
            "revoke-sessions" => Ok(Self::RevokeSessions),
            "free-seat" => Ok(Self::FreeSeat),
            "delete" => Ok(Self::Delete),
            _ => Err(format!("{s:?} is not one of {}", Self::NAMES.join(", "))),
        }
    }
}

/// The default removal limit: 10% of the current users.
pub const DEFAULT_MAX_REMOVALS_PERCENT: u8 = 10;
/// The default shrink guard: a roster with fewer than half as many people as Access has
/// users is refused.
pub const DEFAULT_MAX_SHRINK_PERCENT: u8 = 50;

/// How to sync. The guards are on by default: the removal limit at
/// [`DEFAULT_MAX_REMOVALS_PERCENT`]% of the current users, the shrink guard at
/// [`DEFAULT_MAX_SHRINK_PERCENT`]%, an empty roster always refused. Users not in the
/// roster are only reported unless [`SyncOptions::extra`] says otherwise; renames are on;
/// creating the roster's missing people is off.
///
/// ```
/// use cfzt_workflows::{ExtraAction, Protected, RemovalLimit, SyncOptions};
/// let options = SyncOptions::default()
///     .extra(ExtraAction::Delete)
///     .protect(Protected::default().email("breakglass@example.com").domain("vendor.example"))
///     .max_removals([RemovalLimit::Count(5), RemovalLimit::Percent(5)]);
/// ```
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct SyncOptions {
    pub(crate) extra: ExtraAction,
    pub(crate) rename: bool,
    pub(crate) create_missing: bool,
    pub(crate) protect: Protected,
    pub(crate) max_removals: Vec<RemovalLimit>,
    pub(crate) max_shrink_percent: Option<u8>,
    pub(crate) revoke_devices: bool,
    pub(crate) concurrency: usize,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            extra: ExtraAction::Report,
            rename: true,
            create_missing: false,
            protect: Protected::default(),
            max_removals: vec![RemovalLimit::Percent(DEFAULT_MAX_REMOVALS_PERCENT)],
            max_shrink_percent: Some(DEFAULT_MAX_SHRINK_PERCENT),
            revoke_devices: false,
            concurrency: DEFAULT_CONCURRENCY,
        }
    }
}

impl SyncOptions {
    /// What happens to users not in the roster (default [`ExtraAction::Report`]).
    #[must_use]
    pub fn extra(mut self, action: ExtraAction) -> Self {
        self.extra = action;
        self
    }

    /// Rename users whose name differs from the roster's (default `true`).
    #[must_use]
    pub fn rename(mut self, rename: bool) -> Self {
        self.rename = rename;
        self
    }

    /// Create the roster's people who have no Access user (default `false`: they are
    /// reported, and appear when they first log in).
    #[must_use]
    pub fn create_missing(mut self, create: bool) -> Self {
        self.create_missing = create;
        self
    }

    /// Accounts never touched, whatever the roster says (added to those given before).
    #[must_use]
    pub fn protect(mut self, protected: Protected) -> Self {
        self.protect.extend(protected);
        self
    }

    /// The removal limits, replacing the default: the plan is refused when the people it
    /// would act on pass any of them. An empty list turns the guard off.
    #[must_use]
    pub fn max_removals(mut self, limits: impl IntoIterator<Item = RemovalLimit>) -> Self {
        self.max_removals = limits.into_iter().collect();
        self
    }

    /// Refuse a roster that has shrunk by more than `percent` against the current users
    /// (default [`DEFAULT_MAX_SHRINK_PERCENT`]); `None` turns the guard off. An empty
    /// roster is refused whatever this says.
    #[must_use]
    pub fn max_shrink_percent(mut self, percent: Option<u8>) -> Self {
        self.max_shrink_percent = percent.map(|p| p.min(100));
        self
    }

    /// Also revoke devices when sessions are revoked (default `false`).
    #[must_use]
    pub fn revoke_devices(mut self, revoke: bool) -> Self {
        self.revoke_devices = revoke;
        self
    }

    /// How many users' sessions are looked up at once while planning (default
    /// [`DEFAULT_CONCURRENCY`]; 0 is taken as 1).
    #[must_use]
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }
}
