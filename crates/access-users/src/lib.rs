#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod api_request;
mod base_url;
mod builder;
mod call;
mod client;
mod credentials;
mod decode;
mod error;
mod list;
mod pacing;
mod redact;
mod response;
mod seats_and_revoke;
mod users;
mod walk;

pub use api_request::ApiRequest;
pub use base_url::DEFAULT_BASE_URL;
pub use builder::ClientBuilder;
pub use client::Client;
pub use credentials::Credentials;
#[allow(deprecated)]
pub use error::TransportFailure;
pub use error::{
    ApiError, ConfigError, ConfigSetting, DecodeError, Error, NoResponseError, PaginationError, PaginationReason,
};
pub use list::{DEFAULT_PER_PAGE, ListUsers};
pub use pacing::{BUDGET_URL_ENV, Pacing};
pub use response::ApiResponse;
pub use seats_and_revoke::{EditSeats, SEAT_CHUNK};
pub use users::{ActiveSessions, Users};
pub use walk::MAX_WALK_PAGES;

// What the client's API takes or returns, from the crates under it, so that a program
// needs no other path: the builder's arguments, the operations' params and results, the
// errors' parts. Everything else of those crates is theirs to export (the facade's
// `cfzt::models` and `cfzt::transport`).
pub use cfzt_models::{
    AccountId, ActiveSession, ActiveSessionDetail, CreateUserParams, DeleteUserResult, ErrorSource, FailedLogin,
    Identity, ListUsersQuery, ResponseInfo, ResultInfo, RevokeUserParams, Seat, SeatChange, SessionNonce,
    UpdateUserParams, User, UserId, ValidationError, chrono,
};
pub use cfzt_transport::{
    BudgetQuota, HttpTransport, LocalBudget, MAX_PAUSE, PacingEvent, RateLimitStatus, RequestBudget, RetryPolicy,
    RetryTokens, TransportError,
};
pub use cfzt_transport::{bytes, http};
