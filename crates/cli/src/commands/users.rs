//! `cfzt users ...`: list, find, get, create, rename, delete.

use cfzt_access_users::{CreateUserParams, UpdateUserParams, UserId};
use cfzt_workflows::Workflows;

use super::{print_one, print_stream, workflow_error};
use crate::args::{ListArgs, UsersCommand};
use crate::config::Context;
use crate::confirm;
use crate::errors::CliError;
use crate::output::DeletedUser;
use crate::permissions::{CHANGE, READ};

pub(super) async fn run(ctx: &Context, command: UsersCommand) -> Result<(), CliError> {
    match command {
        UsersCommand::List(args) => list(ctx, args).await,
        UsersCommand::Get { id } => {
            let user = ctx.users().get(&id).await.map_err(CliError::api(READ))?;
            print_one(ctx, &user)
        }
        UsersCommand::Find { email } => find(ctx, &email).await,
        UsersCommand::Create { email, name } => {
            let mut params = CreateUserParams::new(email);
            if let Some(name) = name {
                params = params.name(name);
            }
            let user = ctx.users().create(params).await.map_err(CliError::api(CHANGE))?;
            print_one(ctx, &user)
        }
        UsersCommand::Rename { id, email, name } => {
            let params = UpdateUserParams::new(email, name);
            let user = ctx.users().update(&id, params).await.map_err(CliError::api(CHANGE))?;
            print_one(ctx, &user)
        }
        UsersCommand::Delete { id, yes } => delete(ctx, &id, yes).await,
    }
}

async fn list(ctx: &Context, args: ListArgs) -> Result<(), CliError> {
    let mut request = ctx.users().list().per_page(args.per_page);
    if let Some(search) = args.search {
        request = request.search(search);
    }
    if let Some(email) = args.email {
        request = request.email(email);
    }
    if let Some(name) = args.name {
        request = request.name(name);
    }
    print_stream(ctx, request.items(), READ).await.map(drop)
}

/// The workflows' exact match: the API's email filter is not documented as exact, and two
/// users differing only in case are refused rather than one of them picked.
async fn find(ctx: &Context, email: &str) -> Result<(), CliError> {
    let found = Workflows::new(ctx.users()).find_by_email(email).await.map_err(workflow_error(READ))?;
    let Some(user) = found else {
        return Err(CliError::Failed {
            message: format!("no user has the email {email:?}"),
            hint: Some("`cfzt users list --search TEXT` finds users by part of their name or email".into()),
        });
    };
    print_one(ctx, &user)
}

async fn delete(ctx: &Context, id: &UserId, yes: bool) -> Result<(), CliError> {
    if !yes {
        if !confirm::can_ask() {
            return Err(CliError::usage(
                "not deleting without --yes: stdin is not a terminal to ask on",
                Some(format!("cfzt users delete {id} --yes")),
            ));
        }
        let user = ctx.users().get(id).await.map_err(CliError::api(READ))?;
        let who = match (&user.name, &user.email) {
            (Some(name), Some(email)) => format!("{name} <{email}>"),
            (None, Some(email)) => email.clone(),
            _ => id.to_string(),
        };
        let question =
            format!("Delete the Access user {} ({id})? This also frees their seats.", crate::sanitize::clean(&who));
        if !confirm::ask(&question)? {
            // Declining is an answer, not a failure.
            crate::console::say!("declined: nothing changed");
            return Ok(());
        }
    }
    ctx.users().delete(id).await.map_err(CliError::api(CHANGE))?;
    print_one(ctx, &DeletedUser { id: id.to_string(), deleted: true })
}
