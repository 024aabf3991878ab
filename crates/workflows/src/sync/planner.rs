//! [`Workflows::plan_sync`]: list the users, compare them with the roster, apply the
//! guards, look up what the removal steps need.

use std::collections::HashSet;

use cfzt_access_users::User;
use futures_util::{StreamExt, TryStreamExt, stream};

use super::SyncError;
use super::guards::{check_removals, check_roster, fingerprint};
use super::options::SyncOptions;
use super::plan::{Change, SyncEntry, SyncPlan, Why};
use crate::offboard::{has_something_to_revoke, seat_step};
use crate::plan::{Action, PlannedStep};
use crate::roster::Roster;
use crate::{LIST_PAGE_SIZE, Workflows};

impl Workflows {
    /// Every user of the account, in the API's order.
    pub(crate) async fn all_users(&self) -> Result<Vec<User>, SyncError> {
        Ok(self.users.list().per_page(LIST_PAGE_SIZE).items().try_collect().await?)
    }

    /// Plans making Access match `roster`: for each user not in it, the configured
    /// [`ExtraAction`](crate::ExtraAction) (only reported by default); for each user whose
    /// name differs from the roster's, a rename; for each roster person with no user, a
    /// report (or a creation, with [`SyncOptions::create_missing`]). Every entry says why.
    /// Nothing is changed.
    ///
    /// ```no_run
    /// # async fn run(workflows: cfzt_workflows::Workflows) -> Result<(), cfzt_workflows::SyncError> {
    /// use cfzt_workflows::{ApplyOptions, ExtraAction, Roster, SyncOptions};
    /// let roster = Roster::from_list(&std::fs::read_to_string("staff.txt").unwrap_or_default());
    /// let plan = workflows.plan_sync(&roster, &SyncOptions::default().extra(ExtraAction::FreeSeat)).await?;
    /// println!("{plan}");
    /// let report = workflows.apply_sync(&plan, ApplyOptions::default()).await?;
    /// println!("{report}");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// The guards, before anything is looked up beyond the list:
    /// [`SyncError::EmptyRoster`], [`SyncError::RosterShrank`], [`SyncError::RemovalLimit`];
    /// and the error of a list call (a plan made from part of the users would look
    /// complete and not be).
    pub async fn plan_sync(&self, roster: &Roster, options: &SyncOptions) -> Result<SyncPlan, SyncError> {
        let users = self.all_users().await?;
        check_roster(roster.len(), users.len(), options.max_shrink_percent)?;
        let mut entries = Vec::new();
        let mut seen = HashSet::new();
        for (i, user) in users.iter().enumerate() {
            let Some(email) = user.email.as_deref() else { continue };
            seen.insert(cfzt_models::email_key(email));
            if let Some((change, why)) = decide(user, email, roster, options) {
                let entry = SyncEntry {
                    email: email.to_string(),
                    user_id: user.id.clone(),
                    seat_uid: user.seat_uid.clone(),
                    change,
                    why,
                };
                entries.push((entry, i));
            }
        }
        let removals = entries.iter().filter(|(e, _)| matches!(e.change, Change::Remove { .. })).count();
        check_removals(removals, users.len(), &options.max_removals)?;
        // The session lookups the revoke steps need, only once the guards have passed.
        let mut entries: Vec<SyncEntry> = stream::iter(entries)
            .map(|(entry, i)| self.look_up_sessions(entry, &users[i], options.revoke_devices))
            .buffered(options.concurrency)
            .collect()
            .await;
        for person in roster.people() {
            if seen.contains(&cfzt_models::email_key(&person.email)) {
                continue;
            }
            let change =
                if options.create_missing { Change::Create { name: person.name.clone() } } else { Change::Missing };
            entries.push(SyncEntry {
                email: person.email.clone(),
                user_id: None,
                seat_uid: None,
                change,
                why: Why::NotInAccess,
            });
        }
        let mut plan = SyncPlan {
            planned_at: chrono::Utc::now(),
            fingerprint: String::new(),
            users: users.len(),
            roster: roster.len(),
            extra: options.extra,
            revoke_devices: options.revoke_devices,
            entries,
            invalid_rows: roster.invalid_rows().to_vec(),
        };
        plan.fingerprint = fingerprint(&users, &plan.touched());
        Ok(plan)
    }

    /// Fills in a removal's revoke step from the user's sessions; other entries pass.
    async fn look_up_sessions(&self, mut entry: SyncEntry, user: &User, devices: bool) -> SyncEntry {
        let Change::Remove { steps } = &mut entry.change else { return entry };
        let Some(step) = steps.iter_mut().find(|s| s.action == Action::RevokeSessions) else { return entry };
        *step = match user.user_id() {
            Ok(id) => match self.users.active_sessions(&id).list().await {
                Ok(sessions) if has_something_to_revoke(sessions.len(), user, devices) => {
                    PlannedStep::run(Action::RevokeSessions)
                }
                Ok(_) => PlannedStep::skip(Action::RevokeSessions, crate::SkipReason::NoActiveSessions),
                Err(e) => PlannedStep::undecided(Action::RevokeSessions, e.to_string()),
            },
            Err(e) => PlannedStep::undecided(Action::RevokeSessions, e.to_string()),
        };
        entry
    }
}

/// What to do with one user, and why; `None` when they match the roster.
fn decide(user: &User, email: &str, roster: &Roster, options: &SyncOptions) -> Option<(Change, Why)> {
    let (change, why) = match roster.get(email) {
        None => {
            let why = if roster.is_marked_inactive(email) { Why::MarkedInactive } else { Why::NotInRoster };
            let steps: Vec<PlannedStep> = options
                .extra
                .steps()
                .iter()
                .map(|&action| match action {
                    Action::FreeSeat => seat_step(user),
                    // Decided once the guards have passed (`look_up_sessions`).
                    other => PlannedStep::run(other),
                })
                .collect();
            let change = if steps.is_empty() { Change::Report } else { Change::Remove { steps } };
            (change, why)
        }
        // Listed more than once: kept, and reported; its name is not taken.
        Some(person) if person.is_duplicate() => {
            (Change::Untouched, Why::DuplicateInRoster { rows: person.rows.clone() })
        }
        Some(person) if options.rename => {
            let to = person.name.as_deref()?;
            if user.name.as_deref() == Some(to) {
                return None;
            }
            (Change::Rename { from: user.name.clone(), to: to.to_string() }, Why::NameDiffers)
        }
        Some(_) => return None,
    };
    // A protected account is never touched; it is still reported when it would have been.
    match options.protect.rule_for(email) {
        Some(rule) => Some((Change::Untouched, Why::Protected { rule })),
        None => Some((change, why)),
    }
}
