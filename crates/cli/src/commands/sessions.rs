//! `cfzt sessions ...`, `cfzt identity` and `cfzt failed-logins`: what Access knows of a
//! user's sign-ins.

use cfzt_access_users::UserId;
use futures_util::stream;

use super::{print_one, print_stream};
use crate::args::SessionsCommand;
use crate::config::Context;
use crate::errors::CliError;
use crate::permissions::READ;

pub(super) async fn run(ctx: &Context, command: SessionsCommand) -> Result<(), CliError> {
    match command {
        SessionsCommand::List { user } => {
            let sessions = ctx.users().active_sessions(&user).list().await.map_err(CliError::api(READ))?;
            print_stream(ctx, stream::iter(sessions.into_iter().map(Ok)), READ).await.map(drop)
        }
        SessionsCommand::Get { user, nonce } => {
            let session = ctx.users().active_sessions(&user).get(&nonce).await.map_err(CliError::api(READ))?;
            print_one(ctx, &session)
        }
    }
}

pub(super) async fn identity(ctx: &Context, user: &UserId) -> Result<(), CliError> {
    let identity = ctx.users().last_seen_identity(user).await.map_err(CliError::api(READ))?;
    print_one(ctx, &identity)
}

pub(super) async fn failed_logins(ctx: &Context, user: &UserId) -> Result<(), CliError> {
    let logins = ctx.users().failed_logins(user).await.map_err(CliError::api(READ))?;
    print_stream(ctx, stream::iter(logins.into_iter().map(Ok)), READ).await.map(drop)
}
