#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod de;
mod email;
mod envelope;
pub mod examples;
mod ids;
pub mod operations;
mod seat;
mod session;
mod user;
mod validation;

/// The date-time crate whose types appear in this API, re-exported so versions match.
pub use chrono;
pub use email::{email_key, emails_match};
pub use envelope::{Envelope, ErrorSource, ResponseInfo, ResultInfo};
pub use ids::{AccountId, SessionNonce, UserId};
pub use seat::{MAX_SEAT_UID_LEN, RevokeUserParams, Seat, SeatChange};
pub use session::{
    ActiveSession, ActiveSessionDetail, ActiveSessionMetadata, DeviceSession, FailedLogin, Geo, Identity,
    IdentityProvider, MtlsAuth, PostureCheck, PostureResult, SessionApp,
};
pub use user::{CreateUserParams, DeleteUserResult, ListUsersQuery, UpdateUserParams, User};
pub use validation::{MAX_EMAIL_LEN, ValidationError, validate_email};

/// A point in time in UTC, as the API's `date-time` fields are decoded.
pub type Timestamp = chrono::DateTime<chrono::Utc>;
