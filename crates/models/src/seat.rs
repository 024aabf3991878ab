//! The two calls next to the Access users operations that offboarding needs: *edit seats*
//! (`PATCH /accounts/{account_id}/access/seats`) and *revoke a user*
//! (`POST /accounts/{account_id}/access/organizations/revoke_user`).

use serde::{Deserialize, Serialize};

use crate::de::opt_timestamp;
use crate::{Timestamp, ValidationError, validate_email};

/// The longest `seat_uid` the API accepts (`maxLength: 36`).
pub const MAX_SEAT_UID_LEN: usize = 36;

/// A Zero Trust seat, as *edit seats* returns it.
///
/// Every field is optional because the API documents none as required.
///
/// ```
/// use cfzt_models::Seat;
/// let seat: Seat = serde_json::from_str(r#"{"seat_uid":"f174e90a-fafe-4643-bbbc-4a0ed4fc8415","access_seat":false}"#)?;
/// assert_eq!(seat.access_seat, Some(false));
/// assert_eq!(seat.gateway_seat, None);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seat {
    /// The seat's API id, the `seat_uid` of its [`User`](crate::User).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seat_uid: Option<String>,
    /// `true` if the seat is part of Access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_seat: Option<bool>,
    /// `true` if the seat is part of Gateway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway_seat: Option<bool>,
    /// When the seat was created.
    #[serde(default, deserialize_with = "opt_timestamp", skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    /// When the seat was last updated.
    #[serde(default, deserialize_with = "opt_timestamp", skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
}

/// One item of the *edit seats* body, which is a JSON **array** of these (never a bare
/// object: cloudflare-go v0.86.0 sent one and the API refused it).
///
/// All three fields are required by the API, including the one you do not change. Both
/// flags `false` removes the user from their seat: see [`SeatChange::free`].
///
/// ```
/// use cfzt_models::SeatChange;
/// let changes = vec![SeatChange::free("f174e90a-fafe-4643-bbbc-4a0ed4fc8415")];
/// assert_eq!(
///     serde_json::to_string(&changes)?,
///     r#"[{"seat_uid":"f174e90a-fafe-4643-bbbc-4a0ed4fc8415","access_seat":false,"gateway_seat":false}]"#
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SeatChange {
    /// The seat to change: the `seat_uid` of the user.
    pub seat_uid: String,
    /// `true` to keep (or put) the seat in Access.
    pub access_seat: bool,
    /// `true` to keep (or put) the seat in Gateway.
    pub gateway_seat: bool,
}

impl SeatChange {
    /// A change setting both flags of `seat_uid`.
    pub fn new(seat_uid: impl Into<String>, access_seat: bool, gateway_seat: bool) -> Self {
        Self { seat_uid: seat_uid.into(), access_seat, gateway_seat }
    }

    /// The change that frees a seat: both flags `false`, which the API documents as
    /// removing the user from the seat.
    pub fn free(seat_uid: impl Into<String>) -> Self {
        Self::new(seat_uid, false, false)
    }

    /// Checks one change before it is sent.
    ///
    /// # Errors
    ///
    /// A [`ValidationError`] naming `seat_uid` when it is empty, longer than
    /// [`MAX_SEAT_UID_LEN`], or holds whitespace, a control or a character that would change
    /// a URL or JSON's meaning to a reader (`/`, `?`, `#`).
    pub fn validate(&self) -> Result<(), ValidationError> {
        let uid = self.seat_uid.as_str();
        if uid.is_empty() {
            return Err(ValidationError::new("seat_uid", "must not be empty"));
        }
        if uid.len() > MAX_SEAT_UID_LEN {
            return Err(ValidationError::new("seat_uid", format_args!("must be at most {MAX_SEAT_UID_LEN} bytes")));
        }
        if uid.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '/' | '?' | '#')) {
            return Err(ValidationError::new("seat_uid", "must not hold whitespace, controls, `/`, `?` or `#`"));
        }
        Ok(())
    }

    /// Checks a whole *edit seats* body: at least one change, each valid.
    ///
    /// What the API does with an empty array is undocumented, so one is refused here.
    ///
    /// ```
    /// use cfzt_models::SeatChange;
    /// assert_eq!(SeatChange::validate_all(&[]).unwrap_err().field(), "seats");
    /// assert_eq!(SeatChange::validate_all(&[SeatChange::free("")]).unwrap_err().field(), "seat_uid");
    /// assert!(SeatChange::validate_all(&[SeatChange::free("seat_uid_2")]).is_ok());
    /// ```
    ///
    /// # Errors
    ///
    /// A [`ValidationError`] naming `seats` for an empty list, else the first change's
    /// error (see [`SeatChange::validate`]).
    pub fn validate_all(changes: &[SeatChange]) -> Result<(), ValidationError> {
        if changes.is_empty() {
            return Err(ValidationError::new("seats", "must hold at least one seat change"));
        }
        changes.iter().try_for_each(SeatChange::validate)
    }
}

/// The body and query of *revoke a user*: revokes all of a user's Access tokens and,
/// optionally, their devices and WARP session.
///
/// The API takes a `devices` flag in the **body** ([`devices`](Self::devices)) and
/// another in the **query** ([`devices_query`](Self::devices_query)); both are sent under
/// the key `devices` (never the `body_devices` some generated SDKs sent). Which one wins
/// when they differ is undocumented, so [`validate`](Self::validate) refuses that.
///
/// ```
/// use cfzt_models::RevokeUserParams;
/// let params = RevokeUserParams::new("test@example.com").devices(true).devices_query(true);
/// assert_eq!(serde_json::to_string(&params)?, r#"{"email":"test@example.com","devices":true}"#);
/// assert_eq!(params.query_pairs().collect::<Vec<_>>(), [("devices", "true".to_string())]);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokeUserParams {
    /// The email of the user to revoke.
    pub email: String,
    /// The user's uuid ("the uuid of the user to revoke"); the docs' example is 32 hex
    /// digits without dashes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_uid: Option<String>,
    /// The **body** flag: `true` also revokes every device of the user. Sent as `devices`.
    #[serde(default, rename = "devices", skip_serializing_if = "Option::is_none")]
    pub devices: Option<bool>,
    /// `true` makes the user re-authenticate to WARP for every Gateway policy that enforces
    /// a WARP session duration; `false` leaves the WARP session active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warp_session_reauth: Option<bool>,
    /// The **query** flag `?devices=`, same meaning as [`devices`](Self::devices). Not part
    /// of the JSON body.
    #[serde(skip)]
    pub devices_query: Option<bool>,
}

impl RevokeUserParams {
    /// Params that revoke the Access tokens of the user with this email, and nothing else.
    pub fn new(email: impl Into<String>) -> Self {
        Self { email: email.into(), user_uid: None, devices: None, warp_session_reauth: None, devices_query: None }
    }

    /// Sets the user's uuid.
    #[must_use]
    pub fn user_uid(mut self, user_uid: impl Into<String>) -> Self {
        self.user_uid = Some(user_uid.into());
        self
    }

    /// Sets the body flag `devices`.
    #[must_use]
    pub fn devices(mut self, devices: bool) -> Self {
        self.devices = Some(devices);
        self
    }

    /// Sets the query flag `?devices=`.
    #[must_use]
    pub fn devices_query(mut self, devices: bool) -> Self {
        self.devices_query = Some(devices);
        self
    }

    /// Sets `warp_session_reauth`.
    #[must_use]
    pub fn warp_session_reauth(mut self, reauth: bool) -> Self {
        self.warp_session_reauth = Some(reauth);
        self
    }

    /// The query's parameters as `(name, value)` pairs, for a URL: `devices` when
    /// [`devices_query`](Self::devices_query) is set.
    pub fn query_pairs(&self) -> impl Iterator<Item = (&'static str, String)> + use<> {
        self.devices_query.map(|d| ("devices", d.to_string())).into_iter()
    }

    /// Checks the params before they are sent; the email by [`validate_email`].
    ///
    /// ```
    /// use cfzt_models::RevokeUserParams;
    /// let mixed = RevokeUserParams::new("test@example.com").devices(true).devices_query(false);
    /// assert_eq!(mixed.validate().unwrap_err().field(), "devices");
    /// ```
    ///
    /// # Errors
    ///
    /// A [`ValidationError`] naming `email`; `user_uid` when it is empty or holds
    /// whitespace or controls; `devices` when the body and query flags disagree.
    pub fn validate(&self) -> Result<(), ValidationError> {
        validate_email(&self.email)?;
        if let Some(uid) = &self.user_uid
            && (uid.is_empty() || uid.chars().any(|c| c.is_whitespace() || c.is_control()))
        {
            return Err(ValidationError::new("user_uid", "must be non-empty, without whitespace or controls"));
        }
        if let (Some(body), Some(query)) = (self.devices, self.devices_query)
            && body != query
        {
            return Err(ValidationError::new(
                "devices",
                "the body and query flags disagree; the API does not say which wins",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
