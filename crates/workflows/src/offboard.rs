//! Planning offboarding and seat reclamation: look, decide, change nothing.

use cfzt_access_users::{User, UserId};
use cfzt_models::Timestamp;
use futures_util::{StreamExt, TryStreamExt, stream};

use crate::plan::{Action, PersonPlan, Plan, PlanKind, PlannedStep, SkipReason};
use crate::query::{inactive_or_past_grace, same_email, seats};
use crate::{DEFAULT_CONCURRENCY, LIST_PAGE_SIZE, WorkflowError, Workflows};

/// Called with how many people or users planning has got through so far.
type CountFn = std::sync::Arc<dyn Fn(u64) + Send + Sync>;

/// How to offboard: whether to delete the users and revoke their devices, how many
/// people to look up at once, and who hears how far planning has got.
///
/// ```
/// let options = cfzt_workflows::OffboardOptions::default()
///     .delete(true)
///     .concurrency(8)
///     .on_planned(|n| eprintln!("{n} people planned"));
/// assert!(options.deletes());
/// ```
#[non_exhaustive]
#[derive(Clone)]
pub struct OffboardOptions {
    delete: bool,
    revoke_devices: bool,
    concurrency: usize,
    on_planned: Option<CountFn>,
}

impl Default for OffboardOptions {
    fn default() -> Self {
        Self { delete: false, revoke_devices: false, concurrency: DEFAULT_CONCURRENCY, on_planned: None }
    }
}

impl std::fmt::Debug for OffboardOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OffboardOptions")
            .field("delete", &self.delete)
            .field("revoke_devices", &self.revoke_devices)
            .field("concurrency", &self.concurrency)
            .field("on_planned", &self.on_planned.is_some())
            .finish()
    }
}

impl OffboardOptions {
    /// Also delete each user record, after revoking and freeing (default `false`).
    #[must_use]
    pub fn delete(mut self, delete: bool) -> Self {
        self.delete = delete;
        self
    }

    /// Also revoke each user's devices when revoking their sessions (default `false`).
    #[must_use]
    pub fn revoke_devices(mut self, revoke: bool) -> Self {
        self.revoke_devices = revoke;
        self
    }

    /// How many people are looked up at once while planning (default
    /// [`DEFAULT_CONCURRENCY`]; 0 is taken as 1).
    #[must_use]
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// Called after each person planning has looked up, in the order asked, with the
    /// count so far: a progress bar's position against the number of emails (an email
    /// given twice counts once).
    #[must_use]
    pub fn on_planned(mut self, f: impl Fn(u64) + Send + Sync + 'static) -> Self {
        self.on_planned = Some(std::sync::Arc::new(f));
        self
    }

    /// Whether the plan deletes users.
    pub fn deletes(&self) -> bool {
        self.delete
    }
}

/// How to reclaim seats: who is spared, and who hears how far planning has got.
///
/// ```
/// let options = cfzt_workflows::ReclaimOptions::default()
///     .exclude(["ceo@example.com"])
///     .on_listed(|n| eprintln!("{n} users examined"));
/// ```
#[non_exhaustive]
#[derive(Clone, Default)]
pub struct ReclaimOptions {
    exclude: Vec<String>,
    on_listed: Option<CountFn>,
    new_user_grace: Option<chrono::Duration>,
}

impl std::fmt::Debug for ReclaimOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReclaimOptions")
            .field("exclude", &self.exclude)
            .field("on_listed", &self.on_listed.is_some())
            .field("new_user_grace", &self.grace())
            .finish()
    }
}

impl ReclaimOptions {
    /// Emails whose seats are kept whatever their activity (compared ignoring ASCII case,
    /// [`cfzt_models::emails_match`], so a lookalike spares no one else). They
    /// appear in the plan with the step skipped as [`SkipReason::Excluded`].
    #[must_use]
    pub fn exclude<I, S>(mut self, emails: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.exclude.extend(emails.into_iter().map(Into::into));
        self
    }

    /// How long a user who never logged in has to log in for the first time before
    /// their seat is reclaimed, counted from their `created_at` (default
    /// [`DEFAULT_NEW_USER_GRACE_DAYS`](crate::DEFAULT_NEW_USER_GRACE_DAYS) days; a
    /// negative duration is taken as zero). Someone added yesterday keeps their seat.
    ///
    /// ```
    /// let options = cfzt_workflows::ReclaimOptions::default().new_user_grace(chrono::Duration::days(7));
    /// ```
    #[must_use]
    pub fn new_user_grace(mut self, grace: chrono::Duration) -> Self {
        self.new_user_grace = Some(grace.max(chrono::Duration::zero()));
        self
    }

    fn grace(&self) -> chrono::Duration {
        self.new_user_grace.unwrap_or_else(crate::query::default_new_user_grace)
    }

    /// Called after each user planning examines (every user is listed, active or not),
    /// with the count so far: a progress bar's position against the list's `total_count`.
    #[must_use]
    pub fn on_listed(mut self, f: impl Fn(u64) + Send + Sync + 'static) -> Self {
        self.on_listed = Some(std::sync::Arc::new(f));
        self
    }
}

/// Every step skipped for the same reason.
fn all_skipped(actions: &[Action], reason: &SkipReason) -> Vec<PlannedStep> {
    actions.iter().map(|a| PlannedStep::skip(*a, reason.clone())).collect()
}

/// The seat step for a user as they are now.
pub(crate) fn seat_step(user: &User) -> PlannedStep {
    match (seats(user), &user.seat_uid) {
        ((false, false), _) => PlannedStep::skip(Action::FreeSeat, SkipReason::HoldsNoSeat),
        (_, None) => PlannedStep::skip(Action::FreeSeat, SkipReason::NoSeatUid),
        (_, Some(_)) => PlannedStep::run(Action::FreeSeat),
    }
}

/// `true` when revoking would end something: an active session, or a device when
/// devices are revoked.
pub(crate) fn has_something_to_revoke(sessions: usize, user: &User, revoke_devices: bool) -> bool {
    sessions > 0 || (revoke_devices && user.active_device_count.unwrap_or(0) > 0)
}

impl Workflows {
    /// Plans offboarding the people with these emails: for each, revoke their sessions,
    /// free their seat and, with [`OffboardOptions::delete`], delete them, or why a step
    /// is skipped ("no such user", "holds no seat", ...). Nothing is changed.
    ///
    /// People are looked up with bounded concurrency; a lookup that fails leaves that
    /// person's steps *undecided* ([`PlannedStep::is_undecided`], with the error as
    /// [`SkipReason::LookupFailed`]) and the others are planned. [`Workflows::apply`] looks
    /// at undecided steps again, so a failed lookup is never taken for "nothing to do":
    /// [`Plan::people_undecided`] counts them. An email given twice (ignoring ASCII
    /// case, [`cfzt_models::emails_match`]) is planned once.
    ///
    /// ```no_run
    /// # async fn run(workflows: cfzt_workflows::Workflows) -> Result<(), cfzt_workflows::WorkflowError> {
    /// use cfzt_workflows::{ApplyOptions, OffboardOptions};
    /// let plan = workflows.plan_offboard(["leaver@example.com"], OffboardOptions::default().delete(true)).await;
    /// println!("{plan}");
    /// let report = workflows.apply(&plan, ApplyOptions::default()).await;
    /// println!("{report}");
    /// # Ok(()) }
    /// ```
    pub async fn plan_offboard<I, S>(&self, emails: I, options: OffboardOptions) -> Plan
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        // The same person asked for twice (in any ASCII case) is planned once; lookalikes
        // that only Unicode case rules would merge are two people, each planned.
        let mut seen = std::collections::HashSet::new();
        let emails: Vec<String> =
            emails.into_iter().map(Into::into).filter(|e: &String| seen.insert(cfzt_models::email_key(e))).collect();
        let mut planned = 0_u64;
        let people = stream::iter(emails)
            .map(|email| self.plan_person(email, &options))
            .buffered(options.concurrency)
            .inspect(|_| {
                planned += 1;
                if let Some(on_planned) = &options.on_planned {
                    on_planned(planned);
                }
            })
            .collect()
            .await;
        Plan {
            kind: PlanKind::Offboard,
            planned_at: chrono::Utc::now(),
            cutoff: None,
            revoke_devices: options.revoke_devices,
            people,
        }
    }

    async fn plan_person(&self, email: String, options: &OffboardOptions) -> PersonPlan {
        let mut actions = vec![Action::RevokeSessions, Action::FreeSeat];
        if options.delete {
            actions.push(Action::DeleteUser);
        }
        let skipped = |reason: SkipReason| PersonPlan {
            email: email.clone(),
            user_id: None,
            seat_uid: None,
            steps: all_skipped(&actions, &reason),
        };
        // A failed lookup decides nothing: every step is looked at again when applied.
        let undecided = |error: String| skipped(SkipReason::LookupFailed { error });
        let user = match self.find_by_email(&email).await {
            Ok(Some(user)) => user,
            Ok(None) => return skipped(SkipReason::NoSuchUser),
            Err(WorkflowError::AmbiguousEmail { matches, .. }) => {
                return skipped(SkipReason::AmbiguousEmail { matches });
            }
            Err(e) => return undecided(e.to_string()),
        };
        let id = match user.user_id() {
            Ok(id) => id,
            Err(e) => return undecided(e.to_string()),
        };
        let revoke = match self.users.active_sessions(&id).list().await {
            Ok(sessions) if has_something_to_revoke(sessions.len(), &user, options.revoke_devices) => {
                PlannedStep::run(Action::RevokeSessions)
            }
            Ok(_) => PlannedStep::skip(Action::RevokeSessions, SkipReason::NoActiveSessions),
            Err(e) => PlannedStep::undecided(Action::RevokeSessions, e.to_string()),
        };
        let mut steps = vec![revoke, seat_step(&user)];
        if options.delete {
            steps.push(PlannedStep::run(Action::DeleteUser));
        }
        PersonPlan { email, user_id: user.id.clone(), seat_uid: user.seat_uid.clone(), steps }
    }

    /// Plans reclaiming the seats of everyone inactive since `cutoff` (no successful
    /// login on or after it; or none ever, and created longer ago than
    /// [`ReclaimOptions::new_user_grace`]), except the excluded. They lose their seats,
    /// not their user records. Users holding no seat are left out of the plan. Nothing is
    /// changed.
    ///
    /// ```no_run
    /// # async fn run(workflows: cfzt_workflows::Workflows) -> Result<(), cfzt_workflows::WorkflowError> {
    /// use cfzt_workflows::{ApplyOptions, ReclaimOptions};
    /// let cutoff = chrono::Utc::now() - chrono::Duration::days(90);
    /// let plan = workflows.plan_reclaim(cutoff, ReclaimOptions::default().exclude(["ceo@example.com"])).await?;
    /// let report = workflows.apply(&plan, ApplyOptions::default()).await;
    /// println!("{report}");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// The error of a list call: a plan made from part of the users would look complete
    /// and not be.
    pub async fn plan_reclaim(&self, cutoff: Timestamp, options: ReclaimOptions) -> Result<Plan, WorkflowError> {
        let created_by = chrono::Utc::now() - options.grace();
        let mut listed = 0_u64;
        let people = self
            .users
            .list()
            .per_page(LIST_PAGE_SIZE)
            .items()
            .map_err(WorkflowError::from)
            .inspect_ok(|_| {
                listed += 1;
                if let Some(on_listed) = &options.on_listed {
                    on_listed(listed);
                }
            })
            .try_filter(move |user| futures_util::future::ready(inactive_or_past_grace(user, cutoff, created_by)))
            .try_filter_map(|user| {
                let excluded = options.exclude.iter().any(|e| same_email(&user, e));
                let mut step = seat_step(&user);
                if step.skip == Some(SkipReason::HoldsNoSeat) {
                    return futures_util::future::ready(Ok(None));
                }
                if excluded {
                    step = PlannedStep::skip(Action::FreeSeat, SkipReason::Excluded);
                }
                let person = PersonPlan {
                    email: user.email.clone().unwrap_or_default(),
                    user_id: user.id.clone(),
                    seat_uid: user.seat_uid.clone(),
                    steps: vec![step],
                };
                futures_util::future::ready(Ok(Some(person)))
            })
            .try_collect()
            .await?;
        Ok(Plan {
            kind: PlanKind::Reclaim,
            planned_at: chrono::Utc::now(),
            cutoff: Some(cutoff),
            revoke_devices: false,
            people,
        })
    }
}

/// The user id of a planned person, if the plan has a valid one.
pub(crate) fn planned_id(person: &PersonPlan) -> Option<UserId> {
    person.user_id.as_deref().and_then(|id| id.parse().ok())
}
