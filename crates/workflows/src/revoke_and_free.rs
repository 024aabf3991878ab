//! The two calls beyond the nine that the bulk workflows need, as the workflows use them:
//! a revocation the API did not confirm is an error, and a seat is freed on its own.

use cfzt_access_users::Users;
use cfzt_models::{RevokeUserParams, Seat, SeatChange};

use crate::WorkflowError;

/// Revokes the user's Access tokens (and devices when asked).
pub(crate) async fn revoke(users: &Users, params: RevokeUserParams) -> Result<(), WorkflowError> {
    let email = params.email.clone();
    match users.revoke_user(params).await? {
        true => Ok(()),
        false => Err(WorkflowError::NotRevoked { email }),
    }
}

/// Frees one seat: both flags `false`.
pub(crate) async fn free_seat(users: &Users, seat_uid: &str) -> Result<Vec<Seat>, WorkflowError> {
    Ok(users.edit_seats(vec![SeatChange::free(seat_uid)]).await?)
}
