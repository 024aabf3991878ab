//! The queries the API lacks: an exact email match, users inactive since a date, and seat
//! counts taken from the users themselves.

use cfzt_access_users::{Error, User};
use cfzt_models::Timestamp;
use futures_core::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt, future};
use serde::{Deserialize, Serialize};

use crate::{LIST_PAGE_SIZE, WorkflowError, Workflows};

/// Seat counts of an account, counted from every user record rather than read from
/// `result_info.total_count` (which counts every user, seated or not).
///
/// ```
/// let counts = cfzt_workflows::SeatCounts::default();
/// assert_eq!(serde_json::to_string(&counts)?,
///     r#"{"users":0,"access_seats":0,"gateway_seats":0,"any_seat":0,"both_seats":0}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatCounts {
    /// Every user record listed.
    pub users: u64,
    /// Users with `access_seat: true`.
    pub access_seats: u64,
    /// Users with `gateway_seat: true`.
    pub gateway_seats: u64,
    /// Users holding an Access seat, a Gateway seat or both.
    pub any_seat: u64,
    /// Users holding both.
    pub both_seats: u64,
}

impl SeatCounts {
    /// Adds one user to the counts.
    pub fn add(&mut self, user: &User) {
        let (access, gateway) = seats(user);
        self.users += 1;
        self.access_seats += u64::from(access);
        self.gateway_seats += u64::from(gateway);
        self.any_seat += u64::from(access || gateway);
        self.both_seats += u64::from(access && gateway);
    }
}

/// Whether a user holds an Access seat and a Gateway seat; unknown counts as not held.
pub(crate) fn seats(user: &User) -> (bool, bool) {
    (user.access_seat == Some(true), user.gateway_seat == Some(true))
}

/// `true` if the user's email is `email`, ignoring ASCII case only
/// ([`cfzt_models::emails_match`]: a lookalike such as KELVIN SIGN for `k` is another person).
pub(crate) fn same_email(user: &User, email: &str) -> bool {
    user.email.as_deref().is_some_and(|e| cfzt_models::emails_match(e, email))
}

/// `true` if the user has not logged in since `cutoff` (or never has).
pub(crate) fn inactive(user: &User, cutoff: Timestamp) -> bool {
    user.last_successful_login.is_none_or(|at| at < cutoff)
}

/// How long a user who never logged in has to log in for the first time before they
/// count as inactive, by default: 30 days from `created_at`.
pub const DEFAULT_NEW_USER_GRACE_DAYS: u32 = 30;

/// The default grace, as a duration.
pub(crate) fn default_new_user_grace() -> chrono::Duration {
    chrono::Duration::days(i64::from(DEFAULT_NEW_USER_GRACE_DAYS))
}

/// `true` if the user counts as inactive since `cutoff`: their last login is before it;
/// or, never having logged in, they were created before `created_by` (now minus the
/// grace), or when is unknown. Someone added yesterday keeps their seat.
pub(crate) fn inactive_or_past_grace(user: &User, cutoff: Timestamp, created_by: Timestamp) -> bool {
    match user.last_successful_login {
        Some(at) => at < cutoff,
        None => user.created_at.is_none_or(|created| created < created_by),
    }
}

impl Workflows {
    /// The one user whose email equals `email`, ignoring ASCII case, or `None`.
    ///
    /// The API's `email` filter is not documented as exact, so every user it returns is
    /// checked again here, on every page, by [`cfzt_models::emails_match`]: only ASCII
    /// letters match in either case, so `mark@example.com` never finds
    /// `mar\u{212A}@example.com` (KELVIN SIGN), whom Unicode lowercasing would take for them.
    ///
    /// ```no_run
    /// # async fn run(workflows: cfzt_workflows::Workflows) -> Result<(), cfzt_workflows::WorkflowError> {
    /// match workflows.find_by_email("JDoe@Example.com").await? {
    ///     Some(user) => println!("found {:?}", user.id),
    ///     None => println!("no such user"),
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`WorkflowError::AmbiguousEmail`] when two or more users match (the API refuses
    /// duplicate emails, so that means the data is not what it should be and no one is
    /// picked); a validation error naming `email` for a malformed email (nothing is sent);
    /// else the list call's error.
    pub async fn find_by_email(&self, email: &str) -> Result<Option<User>, WorkflowError> {
        cfzt_models::validate_email(email).map_err(Error::from)?;
        let matches: Vec<User> = self
            .users
            .list()
            .email(email)
            .per_page(LIST_PAGE_SIZE)
            .items()
            .try_filter(|user| future::ready(same_email(user, email)))
            .try_collect()
            .await?;
        match matches.len() {
            0 | 1 => Ok(matches.into_iter().next()),
            n => Err(WorkflowError::AmbiguousEmail { email: email.to_string(), matches: n }),
        }
    }

    /// Every user who has not logged in since `cutoff`: `last_successful_login` before
    /// it, or never and created more than [`DEFAULT_NEW_USER_GRACE_DAYS`] days ago (a
    /// user who never logged in is judged by `created_at`, so someone added yesterday is
    /// not inactive; an unknown `created_at` counts as long ago). A lazy stream over every
    /// page of users (the API has no date filter).
    ///
    /// ```no_run
    /// # async fn run(workflows: cfzt_workflows::Workflows) -> Result<(), cfzt_workflows::WorkflowError> {
    /// use futures_util::TryStreamExt;
    /// let cutoff = chrono::Utc::now() - chrono::Duration::days(90);
    /// let mut stale = workflows.inactive_since(cutoff);
    /// while let Some(user) = stale.try_next().await? {
    ///     println!("{:?} last logged in {:?}", user.email, user.last_successful_login);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn inactive_since(&self, cutoff: Timestamp) -> BoxStream<'static, Result<User, WorkflowError>> {
        self.users
            .list()
            .per_page(LIST_PAGE_SIZE)
            .items()
            .try_filter(move |user| {
                let created_by = chrono::Utc::now() - default_new_user_grace();
                future::ready(inactive_or_past_grace(user, cutoff, created_by))
            })
            .map_err(WorkflowError::from)
            .boxed()
    }

    /// Counts Access seats, Gateway seats and users holding any, from every user.
    ///
    /// ```no_run
    /// # async fn run(workflows: cfzt_workflows::Workflows) -> Result<(), cfzt_workflows::WorkflowError> {
    /// let counts = workflows.seat_counts().await?;
    /// println!("{} of {} users hold a seat", counts.any_seat, counts.users);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// The error of a list call; no partial count is returned.
    pub async fn seat_counts(&self) -> Result<SeatCounts, WorkflowError> {
        let counts = self
            .users
            .list()
            .per_page(LIST_PAGE_SIZE)
            .items()
            .try_fold(SeatCounts::default(), |mut counts, user| {
                counts.add(&user);
                future::ready(Ok(counts))
            })
            .await?;
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(json: &str) -> User {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn counts_each_kind_of_seat() {
        let mut counts = SeatCounts::default();
        for json in [
            r#"{"access_seat":true,"gateway_seat":true}"#,
            r#"{"access_seat":true,"gateway_seat":false}"#,
            r#"{"gateway_seat":true}"#,
            r#"{"access_seat":false,"gateway_seat":null}"#,
            "{}",
        ] {
            counts.add(&user(json));
        }
        let want = SeatCounts { users: 5, access_seats: 2, gateway_seats: 2, any_seat: 3, both_seats: 1 };
        assert_eq!(counts, want);
    }

    #[test]
    fn email_match_ignores_ascii_case_only() {
        let u = user(r#"{"email":"JDoe@Example.com"}"#);
        assert!(same_email(&u, "jdoe@example.com"));
        assert!(!same_email(&user(r#"{"email":"mar\u212a@example.com"}"#), "mark@example.com"));
        assert!(!same_email(&u, "jdoe@example.co"));
        assert!(!same_email(&u, "xjdoe@example.com"));
        assert!(!same_email(&user("{}"), "jdoe@example.com"));
    }

    #[test]
    fn a_user_who_never_logged_in_is_judged_by_created_at() {
        let cutoff: Timestamp = "2024-01-01T00:00:00Z".parse().unwrap();
        let created_by: Timestamp = "2024-05-01T00:00:00Z".parse().unwrap();
        // (user, inactive)
        let cases = [
            ("{}", true),
            (r#"{"created_at":"2024-04-30T23:59:59Z"}"#, true),
            (r#"{"created_at":"2024-05-01T00:00:00Z"}"#, false),
            (r#"{"created_at":"2024-06-01T00:00:00Z"}"#, false),
            (r#"{"created_at":"2024-06-01T00:00:00Z","last_successful_login":"2023-01-01T00:00:00Z"}"#, true),
            (r#"{"created_at":"2020-01-01T00:00:00Z","last_successful_login":"2024-01-01T00:00:00Z"}"#, false),
        ];
        for (json, want) in cases {
            assert_eq!(inactive_or_past_grace(&user(json), cutoff, created_by), want, "{json}");
        }
    }

    #[test]
    fn inactive_means_before_the_cutoff_or_never() {
        let cutoff: Timestamp = "2024-01-01T00:00:00Z".parse().unwrap();
        assert!(inactive(&user("{}"), cutoff));
        assert!(inactive(&user(r#"{"last_successful_login":"2023-12-31T23:59:59Z"}"#), cutoff));
        assert!(!inactive(&user(r#"{"last_successful_login":"2024-01-01T00:00:00Z"}"#), cutoff));
        assert!(!inactive(&user(r#"{"last_successful_login":"2024-06-01T00:00:00Z"}"#), cutoff));
    }
}
