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
mod redact;
mod response;
mod seats_and_revoke;
mod shared_budget;
mod users;
mod walk;

pub use api_request::ApiRequest;
pub use base_url::DEFAULT_BASE_URL;
pub use builder::ClientBuilder;
pub use client::Client;
pub use credentials::Credentials;
pub use error::{
    ApiError, ConfigError, ConfigSetting, DecodeError, Error, PaginationError, PaginationReason, TransportFailure,
};
pub use list::{DEFAULT_PER_PAGE, ListUsers};
pub use response::ApiResponse;
pub use seats_and_revoke::{EditSeats, SEAT_CHUNK};
pub use shared_budget::BUDGET_URL_ENV;
pub use users::{ActiveSessions, Users};
pub use walk::MAX_WALK_PAGES;

pub use cfzt_models::{
    AccountId, ActiveSession, ActiveSessionDetail, CreateUserParams, DeleteUserResult, FailedLogin, Identity,
    ResponseInfo, ResultInfo, RevokeUserParams, Seat, SeatChange, SessionNonce, UpdateUserParams, User, UserId,
    ValidationError,
};
#[cfg(feature = "mock")]
pub use cfzt_transport::MockHttpTransport;
pub use cfzt_transport::{
    BudgetQuota, HttpTransport, LocalBudget, MAX_PAUSE, RateLimitStatus, RequestBudget, TransportError,
};
pub use cfzt_transport::{bytes, http};
