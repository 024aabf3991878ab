//! `cfzt seats count` and `cfzt export`: reading the whole account.

use cfzt_access_users::Error as SdkError;
use cfzt_models::operations::{GET_LAST_SEEN_IDENTITY, LIST_ACTIVE_SESSIONS, LIST_FAILED_LOGINS};
use cfzt_workflows::{AuditOptions, WorkflowError, Workflows};
use futures_util::StreamExt;

use super::{print_one, workflow_error};
use crate::args::{ExportArgs, ExportPart};
use crate::config::Context;
use crate::console::say;
use crate::errors::CliError;
use crate::output::{ExportRow, Shape, Sink};
use crate::permissions::READ;
use crate::progress::Progress;

pub(super) async fn seats_count(ctx: &Context) -> Result<(), CliError> {
    let counts = Workflows::new(ctx.users()).seat_counts().await.map_err(workflow_error(READ))?;
    print_one(ctx, &counts)
}

/// Streams every user's row as it is joined. A user whose details fail is reported on
/// stderr and counted; the others are still written, and the exit code is 3. When the
/// listing itself fails the export is incomplete: stderr says how many rows came first,
/// and the exit code is 1.
pub(super) async fn export(ctx: &Context, args: ExportArgs) -> Result<(), CliError> {
    // Only the parts asked for are fetched; the others' columns stay empty.
    let with = |part| args.with.is_empty() || args.with.contains(&part);
    let options = AuditOptions::default()
        .concurrency(args.concurrency)
        .sessions(with(ExportPart::Sessions))
        .failed_logins(with(ExportPart::FailedLogins))
        .identity(with(ExportPart::Identity));
    // On a terminal, the first page's total_count gives the bar its length (one request of
    // one user); a log or CI job, which sees no bar, does not pay for it.
    let users = super::users_total(ctx).await;
    let parts = [ExportPart::Sessions, ExportPart::FailedLogins, ExportPart::Identity];
    let per_user = parts.iter().filter(|p| with(**p)).count() as f64;
    let workflows = Workflows::new(ctx.users());
    let mut rows = workflows.audit(options);
    let mut sink = Sink::new::<ExportRow>(ctx.format, Shape::Many, std::io::stdout());
    let (mut total, mut failed, mut list_failure, mut last_hint) = (0_usize, 0_usize, None, None);
    let progress = Progress::counter("exporting", users).with_cost(per_user, ctx.quota());
    // Read to the end whatever fails: a failure to list ends the stream by itself, and a
    // failure taken for one by mistake costs no row.
    while let Some(row) = rows.next().await {
        total += 1;
        progress.update(total as u64, failed as u64, ctx.budget_wait());
        match row {
            Ok(row) => sink.write(&ExportRow::new(&row))?,
            Err(e) if is_user_failure(&e) => {
                failed += 1;
                // One line per user; the hint (the same for each) once, at the end.
                let (message, hint) = workflow_error(READ)(e).with_quota(ctx.quota()).parts();
                progress.println(&format!("error: {message}"));
                last_hint = hint.or(last_hint);
            }
            Err(e) => {
                failed += 1;
                list_failure = Some(e);
            }
        }
    }
    progress.finish();
    sink.finish()?;
    if let Some(e) = list_failure {
        say!(
            "note: the export is incomplete: listing the users failed after {} rows; the users after them are missing",
            total - failed
        );
        return Err(workflow_error(READ)(e));
    }
    if failed > 0 {
        return Err(CliError::Partial {
            message: format!("the details of {failed} of {total} users could not be read; their rows are missing"),
            hint: Some(match last_hint {
                Some(hint) => format!("{hint}; the errors above name each user"),
                None => "the errors above name each user; run the export again to retry".into(),
            }),
        });
    }
    Ok(())
}

/// Whether an audit row failed on one user's details (their id, sessions, failed logins
/// or identity), which leaves the rows after it coming. Anything else (listing the
/// users, a page that cannot be read or decoded, a walk limit) is taken as a failure to
/// list: the export is then incomplete.
fn is_user_failure(error: &WorkflowError) -> bool {
    let per_user = [LIST_ACTIVE_SESSIONS.name, LIST_FAILED_LOGINS.name, GET_LAST_SEEN_IDENTITY.name];
    let operation = match error.as_api() {
        Some(SdkError::Validation(_)) => return true,
        Some(SdkError::Api(e)) => e.operation,
        Some(SdkError::Transport(t)) => t.operation,
        Some(SdkError::Decode(d)) => d.operation,
        _ => return false,
    };
    per_user.contains(&operation)
}
