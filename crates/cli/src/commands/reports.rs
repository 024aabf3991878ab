//! `cfzt seats count` and `cfzt export`: reading the whole account.

use cfzt_access_users::Error as SdkError;
use cfzt_workflows::{AuditOptions, WorkflowError, Workflows};
use futures_util::StreamExt;

use super::{print_one, workflow_error};
use crate::args::{ExportArgs, ExportPart};
use crate::config::Context;
use crate::errors::{AUDIT_LOGS_READ, CliError};
use crate::output::{ExportRow, Shape, Sink};
use crate::progress::Progress;

pub(super) async fn seats_count(ctx: &Context) -> Result<(), CliError> {
    let counts = Workflows::new(ctx.users()).seat_counts().await.map_err(workflow_error(AUDIT_LOGS_READ))?;
    print_one(ctx, &counts)
}

/// Streams every user's row as it is joined. A user whose details fail is reported on
/// stderr and counted; the others are still written, and the exit code is 3.
pub(super) async fn export(ctx: &Context, args: ExportArgs) -> Result<(), CliError> {
    // Only the parts asked for are fetched; the others' columns stay empty.
    let with = |part| args.with.is_empty() || args.with.contains(&part);
    let options = AuditOptions::default()
        .concurrency(usize::from(args.concurrency))
        .sessions(with(ExportPart::Sessions))
        .failed_logins(with(ExportPart::FailedLogins))
        .identity(with(ExportPart::Identity));
    let workflows = Workflows::new(ctx.users());
    let mut rows = workflows.audit(options);
    let mut sink = Sink::new::<ExportRow>(ctx.format, Shape::Many, std::io::stdout());
    let (mut total, mut failed) = (0_usize, 0_usize);
    let progress = Progress::counter("exporting");
    while let Some(row) = rows.next().await {
        total += 1;
        progress.update(total as u64, failed as u64, ctx.budget_wait());
        match row {
            Ok(row) => sink.write(&ExportRow::new(&row))?,
            // A failure to list ends the stream: nothing after it would come.
            Err(e) if is_list_failure(&e) => {
                progress.finish();
                sink.finish()?;
                return Err(workflow_error(AUDIT_LOGS_READ)(e));
            }
            Err(e) => {
                failed += 1;
                progress.println(&workflow_error(AUDIT_LOGS_READ)(e).render());
            }
        }
    }
    progress.finish();
    sink.finish()?;
    if failed > 0 {
        return Err(CliError::Partial {
            message: format!("the details of {failed} of {total} users could not be read; their rows are missing"),
            hint: Some("the errors above name each user; run the export again to retry".into()),
        });
    }
    Ok(())
}

/// Whether the audit stream failed to list users, which ends it: the export is incomplete.
fn is_list_failure(error: &WorkflowError) -> bool {
    match error.as_api() {
        Some(SdkError::Api(e)) => e.operation == "list_users",
        Some(SdkError::Transport(t)) => t.operation == "list_users",
        Some(SdkError::Pagination(_)) => true,
        _ => false,
    }
}
