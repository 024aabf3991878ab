//! The two operations next to the nine that offboarding needs: *edit seats* and *revoke a
//! user*. Each is one more row of the operation table (`cfzt_models::operations`).

use std::future::{Future, IntoFuture};
use std::pin::Pin;

use cfzt_models::operations::{EDIT_SEATS, REVOKE_USER};
use cfzt_models::{RevokeUserParams, Seat, SeatChange};

use cfzt_transport::RequestOptions;

use crate::api_request::{ApiRequest, call_options};
use crate::call::Content;
use crate::error::Error;
use crate::users::Users;

/// How many seat changes one *edit seats* request carries; longer lists are sent in
/// requests of this many, one after another.
///
/// The API documents no limit on the array. 50 keeps each body small (about 4 KB) and
/// bounds what one refused request leaves undone, while 200 seats still take only four
/// requests of the rate budget.
pub const SEAT_CHUNK: usize = 50;

impl Users {
    /// Edits seats: `PATCH /accounts/{account_id}/access/seats`, whose body is a JSON
    /// **array** of changes; both flags `false` frees a seat ([`SeatChange::free`]).
    ///
    /// More than [`SEAT_CHUNK`] changes are sent in several requests, in order; the result
    /// is the seats every request returned. The whole list is checked first: an empty list
    /// or a bad `seat_uid` sends nothing.
    ///
    /// Each request sets the flags to the values given, so sending it twice does what
    /// sending it once does: unlike other `PATCH`es, it is retried after a transient
    /// failure (a 5xx, a timeout) as a `PUT` would be. The client's retry settings apply,
    /// and [`EditSeats::max_retries`] and the like override them for this call.
    ///
    /// ```no_run
    /// # async fn run(client: cfzt_access_users::Client, account: cfzt_access_users::AccountId) -> Result<(), cfzt_access_users::Error> {
    /// use cfzt_access_users::SeatChange;
    /// let seats = client.users(&account).edit_seats(vec![SeatChange::free("f174e90a-fafe-4643-bbbc-4a0ed4fc8415")]).await?;
    /// println!("{} seats updated", seats.len());
    /// # Ok(()) }
    /// ```
    pub fn edit_seats(&self, changes: Vec<SeatChange>) -> EditSeats {
        EditSeats { users: self.clone(), changes, options: RequestOptions::new().retry_non_idempotent(true) }
    }

    /// Revokes all of a user's Access tokens, and optionally their devices and WARP
    /// session: `POST /accounts/{account_id}/access/organizations/revoke_user`.
    ///
    /// Returns the API's `result`: `true` when the tokens were revoked. A success that says
    /// `false`, or says nothing, is returned as `false` (the API does not document what it
    /// means; take it as "not revoked"). The body flag is sent as `devices` and the query
    /// flag as `?devices=` ([`RevokeUserParams`]).
    ///
    /// Revoking twice leaves the user as revoking once does, so this `POST` is retried
    /// after a transient failure (a 5xx, a timeout) as a `PUT` would be.
    ///
    /// ```no_run
    /// # async fn run(client: cfzt_access_users::Client, account: cfzt_access_users::AccountId) -> Result<(), cfzt_access_users::Error> {
    /// use cfzt_access_users::RevokeUserParams;
    /// let revoked = client.users(&account).revoke_user(RevokeUserParams::new("jdoe@example.com").devices(true)).await?;
    /// assert!(revoked, "the API did not confirm the revocation");
    /// # Ok(()) }
    /// ```
    pub fn revoke_user(&self, params: RevokeUserParams) -> ApiRequest<bool> {
        let content = params.validate().and_then(|()| Content::json(&params)).map(|c| c.query(params.query_pairs()));
        self.request(&REVOKE_USER, None, content).with_options(|o| o.retry_non_idempotent(true))
    }
}

/// An *edit seats* request: `.await` it (or [`send`](EditSeats::send)) for the updated
/// seats. See [`Users::edit_seats`].
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug, Clone)]
pub struct EditSeats {
    users: Users,
    changes: Vec<SeatChange>,
    options: RequestOptions,
}

impl EditSeats {
    /// The changes to send.
    pub fn changes(&self) -> &[SeatChange] {
        &self.changes
    }

    fn with_options(mut self, f: impl FnOnce(RequestOptions) -> RequestOptions) -> Self {
        self.options = f(self.options);
        self
    }

    call_options!("each request of this call");

    /// Sends the changes, [`SEAT_CHUNK`] per request, and returns every updated seat.
    ///
    /// # Errors
    ///
    /// [`Error::Validation`] naming `seats` or `seat_uid` (nothing is sent); else the first
    /// failing request's error. The chunks before it have taken effect: freeing a seat
    /// twice is harmless, so sending the whole list again is the way to finish.
    pub async fn send(self) -> Result<Vec<Seat>, Error> {
        SeatChange::validate_all(&self.changes)?;
        let mut seats = Vec::with_capacity(self.changes.len());
        for chunk in self.changes.chunks(SEAT_CHUNK) {
            let request: ApiRequest<Vec<Seat>> =
                self.users.request(&EDIT_SEATS, None, Content::json(&chunk)).with_options(|_| self.options);
            seats.extend(request.await?);
        }
        Ok(seats)
    }
}

impl IntoFuture for EditSeats {
    type Output = Result<Vec<Seat>, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
