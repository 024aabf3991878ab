//! Runs the parsed command: one module per command group.

mod applying;
mod bulk;
mod config;
mod reports;
mod sessions;
mod sync;
mod users;

use std::io;

use cfzt_access_users::Error as SdkError;
use futures_util::{Stream, StreamExt};

use cfzt_workflows::WorkflowError;

use crate::args::{Cli, Command, SeatsCommand};
use crate::config::Context;
use crate::errors::CliError;
use crate::output::{Record, Shape, Sink};
use crate::permissions::Needs;

/// Runs `cli`'s command, with the demo server (if any) stopped afterwards either way.
pub(crate) async fn run(cli: Cli) -> Result<(), CliError> {
    // The config commands send nothing: they need no account and no credential.
    let command = match cli.command {
        Command::Config(command) => return config::run(&cli.global, command),
        command => command,
    };
    let ctx = Context::open(&cli.global).await?;
    let result = match command {
        Command::Users(command) => users::run(&ctx, command).await,
        Command::Sessions(command) => sessions::run(&ctx, command).await,
        Command::Seats(SeatsCommand::Count) => reports::seats_count(&ctx).await,
        Command::Reclaim(args) => bulk::reclaim(&ctx, args).await,
        Command::Offboard(args) => bulk::offboard(&ctx, args).await,
        Command::Sync(args) => sync::sync(&ctx, args).await,
        Command::Apply(args) => sync::apply(&ctx, args).await,
        Command::Export(args) => reports::export(&ctx, args).await,
        Command::Identity { user } => sessions::identity(&ctx, &user).await,
        Command::FailedLogins { user } => sessions::failed_logins(&ctx, &user).await,
        Command::Config(_) => Ok(()),
        // Run by `main` before any context is opened.
        Command::Completions(_) | Command::Man(_) => Ok(()),
    };
    let result = result.map_err(|e| e.with_quota(ctx.quota()));
    ctx.close().await;
    result
}

/// Wraps a workflow's error of a command that needs `permission`.
fn workflow_error(permission: Needs) -> impl FnOnce(WorkflowError) -> CliError {
    move |error| match error {
        WorkflowError::Api(source) => CliError::Api { source, needs: permission, quota: None },
        other => CliError::Failed { message: other.to_string(), hint: None },
    }
}

/// Prints one item to stdout.
fn print_one<R: Record>(ctx: &Context, record: &R) -> Result<(), CliError> {
    crate::output::print_one(ctx.format, io::stdout(), record)?;
    Ok(())
}

/// Prints every item of `items` to stdout as it arrives. When the stream fails midway,
/// what was printed is completed (a JSON array is closed) before the error is returned.
async fn print_stream<R: Record>(
    ctx: &Context,
    items: impl Stream<Item = Result<R, SdkError>>,
    permission: Needs,
) -> Result<usize, CliError> {
    let mut sink = Sink::new::<R>(ctx.format, Shape::Many, io::stdout());
    let mut items = std::pin::pin!(items);
    let mut count = 0;
    while let Some(item) = items.next().await {
        match item {
            Ok(record) => {
                sink.write(&record)?;
                count += 1;
            }
            Err(e) => {
                sink.finish()?;
                return Err(CliError::api(permission)(e));
            }
        }
    }
    sink.finish()?;
    Ok(count)
}

/// The account's number of users from the first page's `total_count`, when a progress bar
/// is drawn (one request of one user); a log or CI job, which sees no bar, does not pay
/// for it.
async fn users_total(ctx: &Context) -> Option<u64> {
    if !crate::progress::Progress::visible() {
        return None;
    }
    let first = ctx.users().list().per_page(1).pages().next().await;
    first.and_then(Result::ok).and_then(|page| page.result_info?.total_count)
}
