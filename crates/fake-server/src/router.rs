//! The axum router, built from the operations' rows: each [`Operation`] is routed at
//! [`API_PREFIX`] plus its row's path template (`cfzt_models::operations`) with its row's
//! method, to its handler in [`users`](crate::users) or
//! [`seats_and_revoke`](crate::seats_and_revoke). No path or method is written here.

use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::{MethodFilter, MethodRouter, on};
use cfzt_models::operations::HttpMethod;

use crate::codes;
use crate::failure::Failure;
use crate::routes::{API_PREFIX, Operation};
use crate::state::Shared;
use crate::{seats_and_revoke, users};

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Operation::ALL
        .into_iter()
        .fold(Router::new(), |router, op| {
            // Routes of one path (list and create; get, update and delete) merge.
            let filter = method_filter(op.row().method);
            router.route(&format!("{API_PREFIX}{}", op.path_template()), handler(op, filter))
        })
        .fallback(no_route)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(shared)
}

/// Each operation's handler, answering only its row's method.
fn handler(op: Operation, filter: MethodFilter) -> MethodRouter<Arc<Shared>> {
    match op {
        Operation::CreateUser => on(filter, users::create_user),
        Operation::ListUsers => on(filter, users::list_users),
        Operation::GetUser => on(filter, users::get_user),
        Operation::UpdateUser => on(filter, users::update_user),
        Operation::DeleteUser => on(filter, users::delete_user),
        Operation::ListActiveSessions => on(filter, users::list_active_sessions),
        Operation::GetActiveSession => on(filter, users::get_active_session),
        Operation::GetLastSeenIdentity => on(filter, users::get_last_seen_identity),
        Operation::ListFailedLogins => on(filter, users::list_failed_logins),
        Operation::EditSeats => on(filter, seats_and_revoke::edit_seats),
        Operation::RevokeUser => on(filter, seats_and_revoke::revoke_user),
    }
}

/// The filter of a row's method: every method a row can have has one.
fn method_filter(method: HttpMethod) -> MethodFilter {
    match method {
        HttpMethod::Get => MethodFilter::GET,
        HttpMethod::Post => MethodFilter::POST,
        HttpMethod::Put => MethodFilter::PUT,
        HttpMethod::Patch => MethodFilter::PATCH,
        HttpMethod::Delete => MethodFilter::DELETE,
    }
}

async fn no_route() -> Failure {
    Failure::new(StatusCode::NOT_FOUND, codes::NO_ROUTE, "No route for that URI")
}

async fn method_not_allowed() -> Failure {
    Failure::new(StatusCode::METHOD_NOT_ALLOWED, codes::METHOD_NOT_ALLOWED, "Method not allowed")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_is_routed() {
        // Every method has a filter by its type; each is the filter of the method's name.
        for op in Operation::ALL {
            let named = axum::http::Method::from_bytes(op.method().as_bytes()).map(MethodFilter::try_from);
            assert!(
                matches!(named, Ok(Ok(filter)) if filter == method_filter(op.row().method)),
                "{op} is not routed: method {}",
                op.method()
            );
        }
    }
}
