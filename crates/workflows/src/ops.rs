//! The two calls beyond the nine that the bulk workflows need: revoking a user and
//! freeing a seat.

use cfzt_access_users::{Error, Users, ValidationError};
use cfzt_models::{RevokeUserParams, Seat, SeatChange};

use crate::WorkflowError;

/// Revokes the user's Access tokens (and devices when asked).
pub(crate) async fn revoke(users: &Users, params: RevokeUserParams) -> Result<(), WorkflowError> {
    let _ = (users, &params);
    Err(Error::from(ValidationError::new("revoke_user", "not wired to the client yet")).into())
}

/// Frees one seat.
pub(crate) async fn free_seat(users: &Users, seat_uid: &str) -> Result<Vec<Seat>, WorkflowError> {
    let _ = (users, SeatChange::free(seat_uid));
    Err(Error::from(ValidationError::new("edit_seats", "not wired to the client yet")).into())
}
