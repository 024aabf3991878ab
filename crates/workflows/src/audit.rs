//! The audit export: one flat row per user, joined with their sessions, failed logins and
//! last seen identity.

use std::collections::BTreeSet;
use std::future::IntoFuture;

use cfzt_access_users::{ActiveSession, FailedLogin, Identity, User};
use cfzt_models::Timestamp;
use futures_core::stream::BoxStream;
use futures_util::future::OptionFuture;
use futures_util::{StreamExt, future};
use serde::{Deserialize, Serialize};

use crate::{DEFAULT_CONCURRENCY, LIST_PAGE_SIZE, WorkflowError, Workflows};

/// How to run the audit export: how many users at once, and which of their details to
/// fetch (all three by default; each costs one request per user).
///
/// ```
/// // Sessions only: two requests per user (plus one per page of users), not four.
/// let options = cfzt_workflows::AuditOptions::default().concurrency(2).failed_logins(false).identity(false);
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy)]
pub struct AuditOptions {
    concurrency: usize,
    sessions: bool,
    failed_logins: bool,
    identity: bool,
}

impl Default for AuditOptions {
    fn default() -> Self {
        Self { concurrency: DEFAULT_CONCURRENCY, sessions: true, failed_logins: true, identity: true }
    }
}

impl AuditOptions {
    /// How many users' details are fetched at once (default
    /// [`DEFAULT_CONCURRENCY`](crate::DEFAULT_CONCURRENCY); 0 is taken as 1). Each user
    /// costs one request per detail fetched, three by default.
    #[must_use]
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// Whether to fetch each user's active sessions (default `true`); without them
    /// [`AuditRow::active_sessions`] and [`AuditRow::session_apps`] are `None`.
    #[must_use]
    pub fn sessions(mut self, yes: bool) -> Self {
        self.sessions = yes;
        self
    }

    /// Whether to fetch each user's failed logins (default `true`); without them
    /// [`AuditRow::failed_logins`] and [`AuditRow::last_failed_login`] are `None`.
    #[must_use]
    pub fn failed_logins(mut self, yes: bool) -> Self {
        self.failed_logins = yes;
        self
    }

    /// Whether to fetch each user's last seen identity (default `true`); without it the
    /// `last_seen_*` columns are `None`.
    #[must_use]
    pub fn identity(mut self, yes: bool) -> Self {
        self.identity = yes;
        self
    }
}

/// One user in the audit export. Every field is a scalar, so a row serializes as one CSV
/// record as well as one NDJSON line.
///
/// ```
/// let row = cfzt_workflows::AuditRow::default();
/// let line = serde_json::to_string(&row)?;
/// assert!(line.starts_with(r#"{"user_id":null,"email":null"#));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AuditRow {
    /// The user's id.
    pub user_id: Option<String>,
    /// The user's email.
    pub email: Option<String>,
    /// The user's name.
    pub name: Option<String>,
    /// Holds an Access seat.
    pub access_seat: Option<bool>,
    /// Holds a Gateway seat.
    pub gateway_seat: Option<bool>,
    /// Devices registered to the user.
    pub active_device_count: Option<u64>,
    /// When the user was created.
    pub created_at: Option<Timestamp>,
    /// The last successful login; empty if never.
    pub last_successful_login: Option<Timestamp>,
    /// How many active sessions the user has; `None` when they were not fetched
    /// ([`AuditOptions::sessions`]).
    pub active_sessions: Option<usize>,
    /// The applications of those sessions, flattened: each app's hostname (or name, or
    /// uid), sorted, without repeats, joined with `;`; `None` when the sessions were not
    /// fetched.
    pub session_apps: Option<String>,
    /// How many failed logins the API lists for the user; `None` when they were not
    /// fetched ([`AuditOptions::failed_logins`]).
    pub failed_logins: Option<usize>,
    /// The `metadata.datetime` of the latest failed login, as the API wrote it.
    pub last_failed_login: Option<String>,
    /// The last seen identity's IP address.
    pub last_seen_ip: Option<String>,
    /// The last seen identity's country.
    pub last_seen_country: Option<String>,
    /// The last seen identity's identity provider type, e.g. `onetimepin`.
    pub last_seen_idp: Option<String>,
    /// Whether the last seen identity came through WARP.
    pub last_seen_warp: Option<bool>,
}

impl AuditRow {
    /// Joins a user with their sessions, failed logins and last seen identity; a part that
    /// was not fetched (or, for the identity, that the user does not have) is `None`.
    pub fn join(
        user: User,
        sessions: Option<&[ActiveSession]>,
        failed: Option<&[FailedLogin]>,
        identity: Option<&Identity>,
    ) -> Self {
        let session_apps = sessions.map(|sessions| {
            let apps: BTreeSet<&str> = sessions
                .iter()
                .filter_map(|s| s.metadata.as_ref()?.apps.as_ref())
                .flat_map(|apps| apps.iter())
                .map(|(key, app)| app.hostname.as_deref().or(app.name.as_deref()).or(app.uid.as_deref()).unwrap_or(key))
                .collect();
            apps.into_iter().collect::<Vec<_>>().join(";")
        });
        let last_failed_login = failed.and_then(|failed| {
            failed.iter().filter_map(|f| f.metadata.as_ref()?.get("datetime")?.as_str()).max().map(str::to_string)
        });
        Self {
            user_id: user.id,
            email: user.email,
            name: user.name,
            access_seat: user.access_seat,
            gateway_seat: user.gateway_seat,
            active_device_count: user.active_device_count,
            created_at: user.created_at,
            last_successful_login: user.last_successful_login,
            active_sessions: sessions.map(<[_]>::len),
            session_apps,
            failed_logins: failed.map(<[_]>::len),
            last_failed_login,
            last_seen_ip: identity.and_then(|i| i.ip.clone()),
            last_seen_country: identity.and_then(|i| i.geo.as_ref()?.country.clone()),
            last_seen_idp: identity.and_then(|i| i.idp.as_ref()?.idp_type.clone()),
            last_seen_warp: identity.and_then(|i| i.is_warp),
        }
    }
}

impl Workflows {
    /// Every user as an [`AuditRow`], in list order: a lazy stream that lists users page
    /// by page and fetches each one's sessions, failed logins and last seen identity (those
    /// [`AuditOptions`] asks for), several users at once.
    ///
    /// A user without a last seen identity (HTTP 404 on that call) gets empty identity
    /// columns. Any other failure for a user is that row's `Err`; the rows after it still
    /// come. A failure to list ends the stream.
    ///
    /// ```no_run
    /// # async fn run(workflows: cfzt_workflows::Workflows) -> Result<(), cfzt_workflows::WorkflowError> {
    /// use cfzt_workflows::AuditOptions;
    /// use futures_util::TryStreamExt;
    /// let mut rows = workflows.audit(AuditOptions::default());
    /// while let Some(row) = rows.try_next().await? {
    ///     println!("{}", serde_json::to_string(&row).expect("rows serialize"));
    /// }
    /// # Ok(()) }
    /// ```
    pub fn audit(&self, options: AuditOptions) -> BoxStream<'static, Result<AuditRow, WorkflowError>> {
        let users = self.users.clone();
        self.users
            .list()
            .per_page(LIST_PAGE_SIZE)
            .items()
            .map(move |user| {
                let users = users.clone();
                async move {
                    let user = user?;
                    let id = user.user_id().map_err(cfzt_access_users::Error::from)?;
                    // Only the parts asked for are requested.
                    let (sessions, failed, identity) = future::join3(
                        OptionFuture::from(options.sessions.then(|| users.active_sessions(&id).list().into_future())),
                        OptionFuture::from(options.failed_logins.then(|| users.failed_logins(&id).into_future())),
                        OptionFuture::from(options.identity.then(|| users.last_seen_identity(&id).into_future())),
                    )
                    .await;
                    let identity = match identity {
                        Some(Ok(identity)) => Some(identity),
                        Some(Err(e)) if e.is_not_found() => None,
                        Some(Err(e)) => return Err(e.into()),
                        None => None,
                    };
                    let (sessions, failed) = (sessions.transpose()?, failed.transpose()?);
                    Ok(AuditRow::join(user, sessions.as_deref(), failed.as_deref(), identity.as_ref()))
                }
            })
            .buffered(options.concurrency)
            .boxed()
    }
}
