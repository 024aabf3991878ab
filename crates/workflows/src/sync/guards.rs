//! The guards of a sync: protected accounts, the removal limit, the roster's size, and
//! the fingerprint that refuses a stale plan.

use std::collections::HashSet;
use std::fmt;

use cfzt_access_users::User;
use serde::{Deserialize, Serialize};

use crate::{RosterError, WorkflowError};

/// Accounts a sync never touches: exact emails (ignoring ASCII case, as everywhere) and
/// whole email domains.
///
/// ```
/// use cfzt_workflows::Protected;
/// let protected = Protected::default().email("BreakGlass@example.com").domain("Vendor.Example");
/// assert_eq!(protected.rule_for("breakglass@example.com").as_deref(), Some("breakglass@example.com"));
/// assert_eq!(protected.rule_for("a@vendor.example").as_deref(), Some("@vendor.example"));
/// assert_eq!(protected.rule_for("a@sub.vendor.example"), None);
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Protected {
    emails: Vec<String>,
    domains: Vec<String>,
}

impl Protected {
    /// Protects one email.
    #[must_use]
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.emails.push(cfzt_models::email_key(email.into().trim()));
        self
    }

    /// Protects every email whose domain is exactly `domain` (a leading `@` is ignored;
    /// subdomains are other domains).
    #[must_use]
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        let domain = domain.into();
        self.domains.push(cfzt_models::email_key(domain.trim().trim_start_matches('@')));
        self
    }

    /// Protected accounts from a list file's text: one entry per line (lines end as
    /// [`Roster::from_list`](crate::Roster::from_list)'s do), an entry starting
    /// with `@` (or without one) is a domain, `#` starts a comment.
    ///
    /// ```
    /// let p = cfzt_workflows::Protected::from_list("# keep\nceo@example.com\n@vendor.example\n");
    /// assert!(p.rule_for("x@vendor.example").is_some() && p.rule_for("CEO@example.com").is_some());
    /// ```
    pub fn from_list(text: &str) -> Self {
        let lines = crate::roster::list_lines(text)
            .map(|l| l.split('#').next().unwrap_or_default().trim())
            .filter(|l| !l.is_empty());
        lines.fold(Self::default(), |p, line| {
            if line.contains('@') && !line.starts_with('@') { p.email(line) } else { p.domain(line) }
        })
    }

    /// These protected accounts and `other`'s.
    #[must_use]
    pub fn merge(mut self, other: Protected) -> Self {
        self.extend(other);
        self
    }

    pub(crate) fn extend(&mut self, other: Protected) {
        self.emails.extend(other.emails);
        self.domains.extend(other.domains);
    }

    /// The rule protecting `email` (the email, or `@domain`), if any.
    pub fn rule_for(&self, email: &str) -> Option<String> {
        let key = cfzt_models::email_key(email);
        if self.emails.contains(&key) {
            return Some(key);
        }
        let domain = key.rsplit_once('@').map(|(_, d)| d)?;
        self.domains.iter().find(|d| *d == domain).map(|d| format!("@{d}"))
    }

    /// `true` when nothing is protected.
    pub fn is_empty(&self) -> bool {
        self.emails.is_empty() && self.domains.is_empty()
    }
}

/// A removal limit: how many of the current users one sync may act on.
///
/// ```
/// use cfzt_workflows::RemovalLimit;
/// assert_eq!("5%".parse::<RemovalLimit>(), Ok(RemovalLimit::Percent(5)));
/// assert_eq!("20".parse::<RemovalLimit>(), Ok(RemovalLimit::Count(20)));
/// assert_eq!(RemovalLimit::Percent(5).allowed(1000), 50);
/// assert_eq!(RemovalLimit::Percent(5).to_string(), "5%");
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemovalLimit {
    /// At most this many people.
    Count(usize),
    /// At most this percentage of the current users (rounded down).
    Percent(u8),
}

impl RemovalLimit {
    /// How many removals the limit allows out of `users` current users.
    pub fn allowed(self, users: usize) -> usize {
        match self {
            Self::Count(n) => n,
            Self::Percent(p) => users.saturating_mul(usize::from(p)) / 100,
        }
    }
}

impl fmt::Display for RemovalLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Count(n) => write!(f, "{n}"),
            Self::Percent(p) => write!(f, "{p}%"),
        }
    }
}

impl std::str::FromStr for RemovalLimit {
    type Err = String;

    /// `N` (a count) or `N%` (a percentage, 0 to 100).
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        match s.strip_suffix('%') {
            Some(p) => match p.trim().parse::<u8>() {
                Ok(p) if p <= 100 => Ok(Self::Percent(p)),
                _ => Err(format!("{s:?} is not a percentage from 0% to 100%")),
            },
            None => {
                s.parse().map(Self::Count).map_err(|_| format!("{s:?} is neither a count nor a percentage (5 or 5%)"))
            }
        }
    }
}

/// Why a sync refused to plan or apply. Every guard names its limit and the number that
/// passed it; nothing was changed.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The roster has no one in it: syncing would act on every user.
    #[error("the roster is empty: refusing to act on all {users} users")]
    EmptyRoster {
        /// The current users.
        users: usize,
    },
    /// The roster has shrunk sharply against the current users.
    #[error(
        "the roster has {roster} people for {users} Access users, a shrink of more than {max_shrink_percent}%: refusing, as a truncated export looks like this"
    )]
    RosterShrank {
        /// People in the roster.
        roster: usize,
        /// The current users.
        users: usize,
        /// The largest shrink allowed, in percent.
        max_shrink_percent: u8,
    },
    /// The plan would act on more people than a removal limit allows.
    #[error(
        "the plan would act on {removals} of {users} users, over the removal limit of {limit} ({allowed} allowed); nothing was changed"
    )]
    RemovalLimit {
        /// The limit passed.
        limit: RemovalLimit,
        /// How many the limit allows.
        allowed: usize,
        /// How many the plan would act on.
        removals: usize,
        /// The current users.
        users: usize,
    },
    /// The users have changed since the plan was made: it is refused, plan again.
    #[error("the plan is stale: the users changed since it was made (fingerprint {planned}, now {now}); plan again")]
    StalePlan {
        /// The fingerprint the plan was made from.
        planned: String,
        /// The fingerprint of the users now.
        now: String,
    },
    /// The roster could not be read.
    #[error(transparent)]
    Roster(#[from] RosterError),
    /// Listing the users (or another call) failed.
    #[error(transparent)]
    Workflow(#[from] WorkflowError),
}

impl From<cfzt_access_users::Error> for SyncError {
    fn from(e: cfzt_access_users::Error) -> Self {
        Self::Workflow(e.into())
    }
}

impl SyncError {
    /// `true` when a guard refused (rather than a call failing).
    pub fn is_guard(&self) -> bool {
        matches!(
            self,
            Self::EmptyRoster { .. } | Self::RosterShrank { .. } | Self::RemovalLimit { .. } | Self::StalePlan { .. }
        )
    }
}

/// Refuses an empty roster, or one that shrank by more than `max_shrink` percent.
pub(crate) fn check_roster(roster: usize, users: usize, max_shrink: Option<u8>) -> Result<(), SyncError> {
    if roster == 0 {
        return Err(SyncError::EmptyRoster { users });
    }
    match max_shrink {
        Some(max) if roster.saturating_mul(100) < users.saturating_mul(usize::from(100 - max)) => {
            Err(SyncError::RosterShrank { roster, users, max_shrink_percent: max })
        }
        _ => Ok(()),
    }
}

/// Refuses `removals` when it passes one of `limits`.
pub(crate) fn check_removals(removals: usize, users: usize, limits: &[RemovalLimit]) -> Result<(), SyncError> {
    for &limit in limits {
        let allowed = limit.allowed(users);
        if removals > allowed {
            return Err(SyncError::RemovalLimit { limit, allowed, removals, users });
        }
    }
    Ok(())
}

/// A fingerprint of what a sync decides from: every user's id, email (by its key) and
/// name, in id order, but for the users whose email is in `touched` (the ones the plan
/// changes: its own changes do not make it stale, so an interrupted apply can be run
/// again, and applying reads those users again before each step anyway). Logins and
/// seats are left out: they change all day.
pub(crate) fn fingerprint(users: &[User], touched: &HashSet<String>) -> String {
    use sha2::Digest;
    let mut lines: Vec<String> = users
        .iter()
        .filter(|u| u.email.as_deref().is_none_or(|e| !touched.contains(&cfzt_models::email_key(e))))
        .map(|u| {
            let email = u.email.as_deref().map(cfzt_models::email_key).unwrap_or_default();
            format!("{}\t{email}\t{}\n", u.id.as_deref().unwrap_or_default(), u.name.as_deref().unwrap_or_default())
        })
        .collect();
    lines.sort_unstable();
    let mut hash = sha2::Sha256::new();
    for line in &lines {
        hash.update(line.as_bytes());
    }
    hash.finalize().iter().take(16).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A list file however it was saved: a BOM, CRLF or lone-CR line ends. A protected
    /// account that a BOM or a CR hid would be planned for removal.
    #[test]
    fn list_files_are_read_whatever_their_line_ends() {
        for text in [
            "\u{feff}ceo@example.com\n@vendor.example\n",
            "ceo@example.com\r\n@vendor.example\r\n",
            "ceo@example.com\r@vendor.example\r",
            "\u{feff}# keep\r\nceo@example.com # the boss\r\n\r\n@vendor.example",
        ] {
            let protected = Protected::from_list(text);
            assert!(protected.rule_for("CEO@example.com").is_some(), "{text:?}: {protected:?}");
            assert!(protected.rule_for("x@vendor.example").is_some(), "{text:?}: {protected:?}");
        }
    }

    #[test]
    fn the_roster_guard_refuses_empty_and_shrunk_rosters() {
        // (roster, users, max shrink, refused)
        let cases = [
            (0, 0, None, true),
            (0, 10, Some(50), true),
            (5, 10, Some(50), false),
            (4, 10, Some(50), true),
            (4, 10, None, false),
            (1, 1000, Some(100), false),
            (10, 5, Some(0), false),
            (9, 10, Some(0), true),
        ];
        for (roster, users, max, refused) in cases {
            assert_eq!(check_roster(roster, users, max).is_err(), refused, "{roster} {users} {max:?}");
        }
    }

    #[test]
    fn the_removal_limit_names_the_limit_and_the_number() {
        let limits = [RemovalLimit::Count(5), RemovalLimit::Percent(5)];
        assert!(check_removals(5, 200, &limits).is_ok());
        let err = check_removals(6, 200, &limits).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the plan would act on 6 of 200 users, over the removal limit of 5 (5 allowed); nothing was changed"
        );
        let err = check_removals(3, 40, &limits).unwrap_err();
        assert!(matches!(
            err,
            SyncError::RemovalLimit { limit: RemovalLimit::Percent(5), allowed: 2, removals: 3, .. }
        ));
        assert!(check_removals(1000, 10, &[]).is_ok());
        for bad in ["101%", "x", "-1", "5 %%"] {
            assert!(bad.parse::<RemovalLimit>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_fingerprint_ignores_order_and_case_but_not_names() {
        let user = |id: &str, email: &str, name: &str| -> User {
            serde_json::from_value(serde_json::json!({"id": id, "email": email, "name": name, "last_successful_login": "2026-01-01T00:00:00Z"})).unwrap()
        };
        let none = HashSet::new();
        let a = [user("1", "a@example.com", "A"), user("2", "b@example.com", "B")];
        let b = [user("2", "B@example.com", "B"), user("1", "a@example.com", "A")];
        assert_eq!(fingerprint(&a, &none), fingerprint(&b, &none));
        let renamed = [user("1", "a@example.com", "A2"), user("2", "b@example.com", "B")];
        assert_ne!(fingerprint(&a, &none), fingerprint(&renamed, &none));
        assert_ne!(fingerprint(&a, &none), fingerprint(&a[..1], &none));
        assert_eq!(fingerprint(&a, &none).len(), 32);
        // The users a plan changes are left out: its own changes do not make it stale.
        let touched = HashSet::from(["a@example.com".to_string()]);
        assert_eq!(fingerprint(&a, &touched), fingerprint(&renamed, &touched));
        assert_eq!(fingerprint(&a, &touched), fingerprint(&a[1..], &touched));
    }
}
