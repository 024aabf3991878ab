//! `cfzt sync` (plan a roster sync, with its guards; change nothing) and `cfzt apply`
//! (apply a reviewed plan file, if the users still match it).

use std::io;
use std::path::Path;

use cfzt_workflows::{
    ApplyOptions, ChangeKind, Outcome, Protected, Roster, SyncError, SyncOptions, SyncPlan, Workflows,
};

use super::bulk::{Job, by_user, note_resumed, run_plan};
use super::workflow_error;
use crate::args::{ApplyPlanArgs, SyncArgs};
use crate::config::Context;
use crate::console::say;
use crate::errors::{CliError, EXIT_USAGE};
use crate::output::{Format, Shape, Sink, SyncRow, print_json};
use crate::permissions;
use crate::resume::Resume;
use crate::sanitize::clean;

pub(super) async fn sync(ctx: &Context, args: SyncArgs) -> Result<(), CliError> {
    let exit_code = args.exit_code;
    let result = plan(ctx, args).await;
    match result {
        // Under --exit-code, 2 means drift only: every error is 1.
        Err(e) if exit_code && e.exit_code() == EXIT_USAGE && !matches!(e, CliError::Drift { .. }) => {
            let (message, hint) = e.parts();
            Err(CliError::Failed { message, hint })
        }
        other => other,
    }
}

async fn plan(ctx: &Context, args: SyncArgs) -> Result<(), CliError> {
    let roster = read_roster(&args)?;
    let mut protected = Protected::default();
    for path in &args.protect {
        protected = protected.merge(Protected::from_list(&read(path, "the protected accounts")?));
    }
    for domain in &args.protect_domain {
        protected = protected.domain(domain);
    }
    let options = SyncOptions::default()
        .extra(args.not_in_roster)
        .rename(!args.no_rename)
        .create_missing(args.create_missing)
        .protect(protected)
        .max_removals(args.max_removals.iter().flatten().copied())
        .max_shrink_percent(args.max_shrink.0)
        .revoke_devices(args.revoke_devices);
    let plan = Workflows::new(ctx.users()).plan_sync(&roster, &options).await.map_err(sync_error)?;
    print_plan(ctx, &plan)?;
    if let Some(path) = &args.plan_out {
        let file =
            std::fs::File::create(path).map_err(CliError::io(format!("writing the plan to {}", path.display())))?;
        print_json(io::BufWriter::new(file), &plan)
            .map_err(CliError::io(format!("writing the plan to {}", path.display())))?;
    }
    let summary = summary(&plan);
    match (&args.plan_out, plan.has_drift()) {
        (_, false) => say!("{summary}. Access matches the roster."),
        (Some(path), true) => {
            say!(
                "{summary}. Nothing was changed: review {}, then `cfzt apply {} --yes`.",
                path.display(),
                path.display()
            );
        }
        (None, true) => say!("{summary}. Nothing was changed: write the plan with --plan-out FILE to apply it."),
    }
    if args.exit_code && plan.has_drift() {
        return Err(CliError::Drift {
            message: format!("drift: {} to change or report", count(plan.drift(), "person", "people")),
        });
    }
    Ok(())
}

pub(super) async fn apply(ctx: &Context, args: ApplyPlanArgs) -> Result<(), CliError> {
    let text = read(&args.plan, "the plan")?;
    let plan: SyncPlan = serde_json::from_str(&text).map_err(|e| {
        CliError::usage(
            format!("{} is not a sync plan: {e}", args.plan.display()),
            Some("write one with `cfzt sync --roster FILE --plan-out PLAN`".into()),
        )
    })?;
    if !args.apply.yes {
        print_plan(ctx, &plan)?;
        say!("{}. Nothing was changed: run again with --yes to apply it.", summary(&plan));
        return Ok(());
    }
    let workflows = Workflows::new(ctx.users());
    workflows.check_sync_plan(&plan).await.map_err(sync_error)?;
    let resume = Resume::from_option(args.apply.resume.as_deref(), "apply")?;
    let concurrency = args.apply.concurrency;
    let changes = workflows.apply_sync_changes(&plan, ApplyOptions::default().concurrency(concurrency)).await;
    let mut failed = 0;
    for change in &changes {
        let kind = match change.change {
            ChangeKind::Rename => "rename",
            _ => "create",
        };
        let outcome = match &change.outcome {
            Outcome::Done => "done".to_string(),
            Outcome::Skipped { reason } => format!("skipped, {reason}"),
            Outcome::Failed { error } => {
                failed += 1;
                format!("FAILED, {}", clean(&error.message))
            }
            // Stopped or interrupted: not done, so not reported as done either.
            _ => {
                failed += 1;
                "not finished".to_string()
            }
        };
        say!("{kind} {}: {outcome}", clean(&change.email));
    }
    let mut removals = plan.removal_plan();
    let before = removals.people.len();
    removals.people.retain(|p| !resume.is_done(&by_user(p.user_id.as_deref(), &p.email)));
    note_resumed(&args.apply, before - removals.people.len());
    let job = Job { args: &args.apply, resume, permission: permissions::OFFBOARD, verb: "syncing", key: by_user };
    run_plan(ctx, removals, job).await?;
    match failed {
        0 => Ok(()),
        n => Err(CliError::Partial {
            message: format!("{} of {} failed", n, count(changes.len(), "rename or creation", "renames and creations")),
            hint: Some("run the same command again to retry them".into()),
        }),
    }
}

/// The roster, from CSV through --map or from a list of emails.
fn read_roster(args: &SyncArgs) -> Result<Roster, CliError> {
    let what = "the roster";
    match &args.map {
        Some(map) => {
            let file = std::fs::File::open(&args.roster)
                .map_err(CliError::io(format!("reading {what} {}", args.roster.display())))?;
            Roster::from_csv(io::BufReader::new(file), map).map_err(|e| {
                CliError::usage(
                    format!("{}: {e}", args.roster.display()),
                    Some("check --map against the header".into()),
                )
            })
        }
        None => Ok(Roster::from_list(&read(&args.roster, what)?)),
    }
}

fn read(path: &Path, what: &str) -> Result<String, CliError> {
    std::fs::read_to_string(path).map_err(CliError::io(format!("reading {what} {}", path.display())))
}

/// A guard's refusal names the flag that moves it.
fn sync_error(error: SyncError) -> CliError {
    let hint = match &error {
        SyncError::EmptyRoster { .. } => Some("check the roster file and --map".to_string()),
        SyncError::RosterShrank { .. } => {
            Some("check the export; --max-shrink off (or a higher N%) if this is expected".into())
        }
        SyncError::RemovalLimit { .. } => {
            Some("review who is not in the roster; raise --max-removals (N or N%) if this is expected".into())
        }
        SyncError::StalePlan { .. } => Some("run `cfzt sync ... --plan-out` again and review the new plan".into()),
        SyncError::Workflow(_) => None,
        _ => None,
    };
    match error {
        SyncError::Workflow(e) => workflow_error(permissions::READ)(e),
        other => CliError::Failed { message: other.to_string(), hint },
    }
}

fn print_plan(ctx: &Context, plan: &SyncPlan) -> Result<(), CliError> {
    if ctx.format == Format::Json {
        return Ok(print_json(io::stdout(), plan)?);
    }
    let mut sink = Sink::new::<SyncRow>(ctx.format, Shape::Many, io::stdout());
    for entry in &plan.entries {
        sink.write(&SyncRow::of(entry))?;
    }
    Ok(sink.finish()?)
}

fn summary(plan: &SyncPlan) -> String {
    let mut out = format!(
        "sync plan: {} users, {} in the roster; drift: {}, {} acted on as not in the roster ({})",
        plan.users,
        count(plan.roster, "person", "people"),
        count(plan.drift(), "person", "people"),
        plan.removals(),
        plan.extra
    );
    if !plan.invalid_rows.is_empty() {
        out.push_str(&format!(
            "; {} with an invalid email",
            count(plan.invalid_rows.len(), "roster row", "roster rows")
        ));
    }
    out
}

fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}
