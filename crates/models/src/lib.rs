//! Serde types for Cloudflare's Zero Trust **Access Users** API.
//!
//! Pick this crate alone when you want the API's shapes without any HTTP client or
//! async runtime: to decode payloads you fetched yourself, to build a fake, or to share
//! types between services. It depends on `serde`, `serde_json`, `chrono` and `thiserror`
//! only.
//!
//! - [`Envelope`], [`ResponseInfo`] and [`ResultInfo`]: Cloudflare's v4 response envelope.
//! - [`User`], [`CreateUserParams`], [`UpdateUserParams`], [`ListUsersQuery`]: the users.
//! - [`ActiveSession`], [`ActiveSessionDetail`], [`Identity`], [`FailedLogin`],
//!   [`DeleteUserResult`]: what the API says about a user's sessions and logins.
//! - [`AccountId`], [`UserId`], [`SessionNonce`]: validated ids that can be put in a URL
//!   path without changing its meaning.
//!
//! Response models are tolerant: every field is an `Option` (the API may omit or null any
//! of them), unknown fields are ignored, and the structs are `#[non_exhaustive]` so a
//! field Cloudflare adds later is not a breaking change here.
//!
//! ```
//! use cfzt_models::{Envelope, User};
//!
//! let body = r#"{"success":true,"errors":[],"messages":[],
//!   "result":{"id":"f174e90a-fafe-4643-bbbc-4a0ed4fc8415","email":"jdoe@example.com","name":"Jane Doe"}}"#;
//! let envelope: Envelope<User> = serde_json::from_str(body)?;
//! let user = envelope.result.expect("a user");
//! assert_eq!(user.email.as_deref(), Some("jdoe@example.com"));
//! # Ok::<(), serde_json::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod de;
mod envelope;
mod ids;
mod session;
mod user;
mod validation;

/// The date-time crate whose types appear in this API, re-exported so versions match.
pub use chrono;
pub use envelope::{Envelope, ErrorSource, ResponseInfo, ResultInfo};
pub use ids::{AccountId, SessionNonce, UserId};
pub use session::{
    ActiveSession, ActiveSessionDetail, ActiveSessionMetadata, DeviceSession, FailedLogin, Geo, Identity,
    IdentityProvider, MtlsAuth, PostureCheck, PostureResult, SessionApp,
};
pub use user::{CreateUserParams, DeleteUserResult, ListUsersQuery, UpdateUserParams, User};
pub use validation::ValidationError;

/// A point in time in UTC, as the API's `date-time` fields are decoded.
pub type Timestamp = chrono::DateTime<chrono::Utc>;
