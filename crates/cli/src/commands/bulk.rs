//! `cfzt offboard` and `cfzt reclaim`: plan, then (with `--yes`) apply person by person,
//! with a progress bar, a resume file, and a report that names every failure.

use std::io;

use cfzt_workflows::{ApplyOptions, OffboardOptions, Outcome, Plan, ReclaimOptions, Report, Workflows};
use futures_util::{StreamExt, stream};

use super::workflow_error;
use crate::args::{ApplyArgs, OffboardArgs, ReclaimArgs};
use crate::config::Context;
use crate::console::say;
use crate::errors::{AUDIT_LOGS_READ, CliError, SEATS_WRITE};
use crate::inputs;
use crate::output::{Format, PlanRow, ReportRow, Shape, Sink, print_json};
use crate::progress::Progress;
use crate::resume::Resume;

/// Offboarding needs, beyond reading and seats, the permission to revoke Access tokens.
const OFFBOARD_PERMISSIONS: &str = "Access: Organizations, Identity Providers, and Groups Write\", \"Zero Trust: Seats Write\" and \"Access: Audit Logs Read";

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
        .concurrency(usize::from(args.apply.concurrency));
    let planning = Progress::spinner("planning");
    let plan = Workflows::new(ctx.users()).plan_offboard(emails, options).await;
    planning.finish();
    let job = Job { args: &args.apply, resume, permission: OFFBOARD_PERMISSIONS, verb: "offboarding", key: by_email };
    run_plan(ctx, plan, job).await
}

pub(super) async fn reclaim(ctx: &Context, args: ReclaimArgs) -> Result<(), CliError> {
    let exclude = inputs::merge(args.exclude_email, args.exclude.as_deref())?;
    let resume = Resume::from_option(args.apply.resume.as_deref(), "reclaim")?;
    let cutoff = chrono::Utc::now() - chrono::Duration::days(i64::from(args.inactive_days));
    let planning = Progress::spinner("planning");
    let plan = Workflows::new(ctx.users())
        .plan_reclaim(cutoff, ReclaimOptions::default().exclude(exclude))
        .await
        .map_err(workflow_error(AUDIT_LOGS_READ));
    planning.finish();
    let mut plan = plan?;
    let before = plan.people.len();
    plan.people.retain(|p| !resume.is_done(&by_user(p.user_id.as_deref(), &p.email)));
    note_resumed(&args.apply, before - plan.people.len());
    let job = Job { args: &args.apply, resume, permission: SEATS_WRITE, verb: "reclaiming", key: by_user };
    run_plan(ctx, plan, job).await
}

/// What a plan -> apply command brings to the runner.
struct Job<'a> {
    args: &'a ApplyArgs,
    resume: Resume,
    /// The token permissions a 403 says are missing.
    permission: &'static str,
    /// What the progress bar says is being done ("offboarding").
    verb: &'static str,
    /// What the resume file records for a person (from their user id and email).
    key: fn(Option<&str>, &str) -> String,
}

/// Offboarding is asked for by email: its resume file records emails, each as
/// `cfzt_models::email_key` files it (so a rerun matches them as emails are compared).
fn by_email(_user_id: Option<&str>, email: &str) -> String {
    cfzt_models::email_key(email)
}

/// Reclamation finds users itself: its resume file records user ids (the email when a
/// user has none).
fn by_user(user_id: Option<&str>, email: &str) -> String {
    user_id.map_or_else(|| by_email(None, email), str::to_string)
}

fn note_resumed(args: &ApplyArgs, skipped: usize) {
    if let (Some(path), true) = (&args.resume, skipped > 0) {
        say!("{} finished in an earlier run (recorded in {}); skipping them", count_people(skipped), path.display());
    }
}

/// Prints the plan, or applies it with `--yes`.
async fn run_plan(ctx: &Context, plan: Plan, mut job: Job<'_>) -> Result<(), CliError> {
    let args = job.args;
    let summary = format!("{}, {} to run", count_people(plan.people.len()), count_steps(plan.pending_steps()));
    if !args.yes {
        print_plan(ctx, &plan)?;
        say!("plan: {summary}. Nothing was changed: run again with --yes to apply it.");
        return Ok(());
    }
    say!("applying: {summary}");
    let report = apply(ctx, plan, &mut job).await?;
    if report.people_failed() > 0 {
        return Err(partial_failure(&report, args, job.permission));
    }
    say!("done: {} done for {}", count_steps(report.steps_done()), count_people(report.people.len()));
    Ok(())
}

/// Exit 3: who failed is in the report; say how to retry, and which permissions a 403 asks for.
fn partial_failure(report: &Report, args: &ApplyArgs, permission: &str) -> CliError {
    let message = format!(
        "{} of {} failed ({} done)",
        report.people_failed(),
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
        hint.push_str(&format!("; a 403 means the API token lacks \"{permission}\""));
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

/// Applies the plan one person at a time (several at once), so that each person is
/// recorded in the resume file and printed as soon as they are finished.
async fn apply(ctx: &Context, mut plan: Plan, job: &mut Job<'_>) -> Result<Report, CliError> {
    let args = job.args;
    let people = std::mem::take(&mut plan.people);
    let workflows = Workflows::new(ctx.users());
    // The plan with nobody in it: applying it costs no call and gives the report's frame.
    let mut report = workflows.apply(&plan, ApplyOptions::default()).await;
    let progress = Progress::new(people.len() as u64, job.verb);
    let json = ctx.format == Format::Json;
    let mut sink = (!json).then(|| Sink::new::<ReportRow>(ctx.format, Shape::Many, io::stdout()));
    let mut finished = stream::iter(people.into_iter().enumerate())
        .map(|(index, person)| {
            let mut one = plan.clone();
            one.people.push(person);
            let workflows = workflows.clone();
            async move { (index, workflows.apply(&one, ApplyOptions::default()).await) }
        })
        .buffer_unordered(usize::from(args.concurrency));
    let mut reports = Vec::new();
    let (mut done, mut failed) = (0_u64, 0_u64);
    let mut interrupted = std::pin::pin!(tokio::signal::ctrl_c());
    loop {
        let next = tokio::select! {
            next = finished.next() => next,
            _ = &mut interrupted => {
                progress.finish();
                return Err(CliError::Failed {
                    message: format!("interrupted after {}", count_people(done as usize)),
                    hint: args.resume.as_ref().map(|p| format!("run the same command again: {} records who is done", p.display())),
                });
            }
        };
        let Some((index, one)) = next else { break };
        for person in one.people {
            done += 1;
            if person.failed() {
                failed += 1;
            } else {
                job.resume.record(&(job.key)(person.user_id.as_deref(), &person.email))?;
            }
            if let Some(sink) = &mut sink {
                for row in ReportRow::of(&person) {
                    sink.write(&row)?;
                }
            }
            reports.push((index, person));
        }
        progress.update(done, failed, ctx.budget_wait());
    }
    progress.finish();
    if let Some(sink) = sink {
        sink.finish()?;
    }
    reports.sort_by_key(|(index, _)| *index);
    report.people = reports.into_iter().map(|(_, person)| person).collect();
    report.finished_at = chrono::Utc::now();
    if json {
        print_json(io::stdout(), &report)?;
    }
    Ok(report)
}

fn count_people(n: usize) -> String {
    if n == 1 { "1 person".into() } else { format!("{n} people") }
}

fn count_steps(n: usize) -> String {
    if n == 1 { "1 step".into() } else { format!("{n} steps") }
}
