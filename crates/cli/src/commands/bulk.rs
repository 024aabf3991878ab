//! `cfzt offboard` and `cfzt reclaim`: plan, then (with `--yes`) apply person by person,
//! with a progress bar, a resume file, and a report that names every failure.

use std::io;

use cfzt_workflows::{ApplyOptions, OffboardOptions, Outcome, PersonReport, Plan, ReclaimOptions, Report, Workflows};

use super::{applying, workflow_error};
use crate::args::{ApplyArgs, OffboardArgs, ReclaimArgs};
use crate::config::Context;
use crate::confirm;
use crate::console::say;
use crate::errors::CliError;
use crate::inputs;
use crate::output::{Format, PlanRow, Shape, Sink, print_json};
use crate::permissions::{self, Needs};
use crate::progress::Progress;
use crate::resume::Resume;

pub(super) async fn offboard(ctx: &Context, args: OffboardArgs) -> Result<(), CliError> {
    let emails = inputs::merge(args.emails, args.from_file.as_deref())?;
    if emails.is_empty() {
        return Err(CliError::usage("no emails to offboard", Some("pass EMAIL... or --from-file FILE".into())));
    }
    let resume = Resume::from_option(args.apply.resume.as_deref(), "offboard")?;
    let total = emails.len();
    let emails: Vec<String> = emails.into_iter().filter(|e| !resume.is_done(&by_email(None, e))).collect();
    note_resumed(&args.apply, total - emails.len());
    let options = OffboardOptions::default()
        .delete(args.delete)
        .revoke_devices(args.revoke_devices)
        .concurrency(args.apply.concurrency);
    let plan = plan_offboard(ctx, emails, options).await;
    let job = Job { args: &args.apply, resume, permission: permissions::OFFBOARD, verb: "offboarding", key: by_email };
    run_plan(ctx, plan, job).await
}

/// Plans offboarding the people, the bar counting people planned against the total (two
/// or three lookups each).
async fn plan_offboard(ctx: &Context, emails: Vec<String>, options: OffboardOptions) -> Plan {
    let planning = Progress::new(emails.len() as u64, "planning").with_cost(2.0, ctx.quota());
    let (bar, budget_wait) = (planning.clone(), ctx.budget_waits());
    let options = options.on_planned(move |planned| bar.update(planned, 0, budget_wait()));
    let plan = Workflows::new(ctx.users()).plan_offboard(emails, options).await;
    planning.finish();
    plan
}

pub(super) async fn reclaim(ctx: &Context, args: ReclaimArgs) -> Result<(), CliError> {
    let exclude = inputs::merge(args.exclude_email, args.exclude.as_deref())?;
    let resume = Resume::from_option(args.apply.resume.as_deref(), "reclaim")?;
    let cutoff = chrono::Utc::now() - chrono::Duration::days(i64::from(args.inactive_days));
    // Planning walks every user: on a terminal the bar counts them against the list's total.
    let planning = Progress::counter("planning", super::users_total(ctx).await);
    let grace = chrono::Duration::days(i64::from(args.new_user_grace_days));
    let options = ReclaimOptions::default().exclude(exclude).new_user_grace(grace).on_listed(planning.mover());
    let plan =
        Workflows::new(ctx.users()).plan_reclaim(cutoff, options).await.map_err(workflow_error(permissions::READ));
    planning.finish();
    let mut plan = plan?;
    let before = plan.people.len();
    plan.people.retain(|p| !resume.is_done(&by_user(p.user_id.as_deref(), &p.email)));
    note_resumed(&args.apply, before - plan.people.len());
    let job = Job { args: &args.apply, resume, permission: permissions::RECLAIM, verb: "reclaiming", key: by_user };
    run_plan(ctx, plan, job).await
}

/// What a plan -> apply command brings to the runner.
pub(super) struct Job<'a> {
    pub(super) args: &'a ApplyArgs,
    pub(super) resume: Resume,
    /// The token permissions a 403 says are missing.
    pub(super) permission: Needs,
    /// What the progress bar says is being done ("offboarding").
    pub(super) verb: &'static str,
    /// What the resume file records for a person (from their user id and email): only
    /// people whose every step is settled are recorded.
    pub(super) key: fn(Option<&str>, &str) -> String,
}

/// Offboarding is asked for by email: its resume file records emails, each as
/// `cfzt_models::email_key` files it (so a rerun matches them as emails are compared).
fn by_email(_user_id: Option<&str>, email: &str) -> String {
    cfzt_models::email_key(email)
}

/// Reclamation finds users itself: its resume file records user ids (the email when a
/// user has none).
pub(super) fn by_user(user_id: Option<&str>, email: &str) -> String {
    user_id.map_or_else(|| by_email(None, email), str::to_string)
}

pub(super) fn note_resumed(args: &ApplyArgs, skipped: usize) {
    if let (Some(path), true) = (&args.resume, skipped > 0) {
        say!("{} finished in an earlier run (recorded in {}); skipping them", count_people(skipped), path.display());
    }
}

/// Prints the plan, or applies it with `--yes`.
///
/// A plan with undecided steps (a lookup failed while planning) is exit 3 either way:
/// printed, it is not a plan to trust; applied, those steps are looked up again and fail
/// in the report if the lookup fails again.
pub(super) async fn run_plan(ctx: &Context, plan: Plan, job: Job<'_>) -> Result<(), CliError> {
    let args = job.args;
    let mut summary = format!("{}, {} to run", count_people(plan.people.len()), count_steps(plan.pending_steps()));
    if plan.undecided_steps() > 0 {
        summary.push_str(&format!(", {} undecided", count_steps(plan.undecided_steps())));
    }
    if !args.yes {
        // Undecided steps are exit 3 even when the reader of the plan went away.
        let mut printed = print_plan(ctx, &plan);
        let something = plan.pending_steps() + plan.undecided_steps() > 0;
        // On a terminal the plan is followed by the question; elsewhere only --yes applies.
        let asking = something && confirm::can_ask();
        let agreed = if asking {
            say!("plan: {summary}.");
            std::mem::replace(&mut printed, Ok(()))?;
            confirm::ask("Apply?")?
        } else {
            false
        };
        if !agreed {
            match (something, asking) {
                (false, _) => say!("plan: {summary}. Nothing to change."),
                (true, true) => say!("declined: nothing changed"),
                (true, false) => say!("plan: {summary}. Nothing was changed: run again with --yes to apply it."),
            }
            return match plan.people_undecided() {
                0 => printed,
                n => Err(undecided(n, &plan, job.permission)),
            };
        }
    }
    say!("applying: {summary}");
    let Job { resume, key, permission, verb, .. } = job;
    let mut resume = resume;
    let record = |person: &PersonReport| resume.record(&key(person.user_id.as_deref(), &person.email));
    let options = ApplyOptions::default().concurrency(args.concurrency);
    let applied = applying::apply(ctx, plan, options, verb, record).await;
    let report = &applied.report;
    if applied.interrupts > 0 {
        return Err(interrupted(report, args));
    }
    if let Some(error) = applied.record {
        return Err(error);
    }
    if report.people_unfinished() > 0 {
        return Err(partial_failure(report, args, permission));
    }
    say!("done: {} done for {}", count_steps(report.steps_done()), count_people(report.people.len()));
    match applied.output.map(CliError::io("writing the report")) {
        // The reader went away: the job is finished all the same, and stderr says so.
        Some(e) if e.is_broken_pipe() => {
            say!("note: stdout was closed, so the report was cut short; every person was processed");
            Ok(())
        }
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Exit 3 for a plan only: a lookup failed for some people, so their steps are undecided.
fn undecided(people: usize, plan: &Plan, permission: Needs) -> CliError {
    CliError::Partial {
        message: format!(
            "a lookup failed while planning for {} of {}: {} undecided",
            people,
            count_people(plan.people.len()),
            count_steps(plan.undecided_steps())
        ),
        hint: Some(format!(
            "the plan names each error; --yes looks those people up again and reports them failed if that fails \
             too (a 403 means the API token lacks {})",
            permissions::quoted(permission)
        )),
    }
}

/// Exit 130: who was finished, and that the people under way are in the report.
fn interrupted(report: &Report, args: &ApplyArgs) -> CliError {
    let unfinished = report.people_unfinished();
    let message = format!(
        "interrupted: {} of {} finished, {} not ({} done)",
        report.people.len() - unfinished,
        count_people(report.people.len()),
        unfinished,
        count_steps(report.steps_done())
    );
    let hint = match &args.resume {
        Some(path) => format!(
            "the report names each step under way or not started; run the same command again to finish: {} \
             records who is done, and the others are looked at again",
            path.display()
        ),
        None => "the report names each step under way or not started; run the same command again to finish \
                 (--resume FILE skips the people done)"
            .to_string(),
    };
    CliError::Interrupted { message, hint: Some(hint) }
}

/// Exit 3: who failed is in the report; say how to retry, and which permissions a 403 asks for.
fn partial_failure(report: &Report, args: &ApplyArgs, permission: Needs) -> CliError {
    let message = format!(
        "{} of {} failed ({} done)",
        report.people_unfinished(),
        count_people(report.people.len()),
        count_steps(report.steps_done())
    );
    let mut hint = match &args.resume {
        Some(path) => format!(
            "the report names each failure; run the same command again to retry only those (--resume {} skips \
             the people already done)",
            path.display()
        ),
        None => "the report names each failure; run the same command again with --resume FILE to skip the \
                 people done next time"
            .to_string(),
    };
    let forbidden = report
        .people
        .iter()
        .flat_map(|p| &p.steps)
        .any(|s| matches!(&s.outcome, Outcome::Failed { error } if error.status == Some(403)));
    if forbidden {
        hint.push_str(&format!("; a 403 means the API token lacks {}", permissions::quoted(permission)));
    }
    CliError::Partial { message, hint: Some(hint) }
}

fn print_plan(ctx: &Context, plan: &Plan) -> Result<(), CliError> {
    if ctx.format == Format::Json {
        return Ok(print_json(io::stdout(), plan)?);
    }
    let mut sink = Sink::new::<PlanRow>(ctx.format, Shape::Many, io::stdout());
    for row in plan.people.iter().flat_map(PlanRow::of) {
        sink.write(&row)?;
    }
    Ok(sink.finish()?)
}

fn count_people(n: usize) -> String {
    if n == 1 { "1 person".into() } else { format!("{n} people") }
}

fn count_steps(n: usize) -> String {
    if n == 1 { "1 step".into() } else { format!("{n} steps") }
}
