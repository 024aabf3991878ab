//! A client for Cloudflare's Zero Trust **Access Users** API.
//!
//! Pick this crate to call the API from Rust: it composes [`cfzt_models`] (the types) and
//! [`cfzt_transport`] (the HTTP layer), so you can use the default reqwest backend, switch
//! to hyper, hand in your own [`HttpTransport`], or mock it in tests.
//!
//! | Operation | HTTP call | Method |
//! | --- | --- | --- |
//! | create a user | `POST /accounts/{account_id}/access/users` | [`Users::create`] |
//! | list users | `GET /accounts/{account_id}/access/users` | [`Users::list`] |
//! | get a user | `GET /accounts/{account_id}/access/users/{user_id}` | [`Users::get`] |
//! | update a user | `PUT /accounts/{account_id}/access/users/{user_id}` | [`Users::update`] |
//! | delete a user | `DELETE /accounts/{account_id}/access/users/{user_id}` | [`Users::delete`] |
//! | list active sessions | `GET …/users/{user_id}/active_sessions` | [`ActiveSessions::list`] |
//! | get an active session | `GET …/users/{user_id}/active_sessions/{nonce}` | [`ActiveSessions::get`] |
//! | last seen identity | `GET …/users/{user_id}/last_seen_identity` | [`Users::last_seen_identity`] |
//! | failed logins | `GET …/users/{user_id}/failed_logins` | [`Users::failed_logins`] |
//!
//! Every operation returns a request: `.await` it for the result, or call
//! `send_with_response()` for the HTTP status and headers (`cf-ray`) as well.
//!
//! ```no_run
//! use cfzt_access_users::{AccountId, Client, UpdateUserParams, UserId};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::from_env()?; // CLOUDFLARE_API_TOKEN
//! let account: AccountId = "023e105f4ecef8ad9ca31a8372d0c353".parse()?;
//! let users = client.users(&account);
//!
//! let user: UserId = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415".parse()?;
//! let renamed = users.update(&user, UpdateUserParams::new("jdoe@example.com", "Jane Q. Doe")).await?;
//! let sessions = users.active_sessions(&user).list().await?;
//! println!("{:?} has {} active sessions", renamed.name, sessions.len());
//! # Ok(()) }
//! ```
//!
//! | feature | default | what it does |
//! | --- | --- | --- |
//! | `reqwest` | yes | the default transport is `cfzt_transport::ReqwestTransport` |
//! | `hyper` | no | the default transport is `cfzt_transport::HyperTransport` (when `reqwest` is off) |
//! | `mock` | no | `MockHttpTransport` for tests |
//!
//! Errors are one enum, [`Error`], with predicates such as [`Error::is_not_found`] and
//! [`Error::is_retryable`]. Bad input is refused with [`Error::Validation`] before anything
//! is sent. Secrets never appear in `Debug` or `Display` output.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]

mod client;
mod credentials;
mod error;
mod list;
mod request;
mod users;

pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL};
pub use credentials::Credentials;
pub use error::{ApiError, ConfigError, DecodeError, Error, PaginationError, TransportFailure};
pub use list::{DEFAULT_PER_PAGE, ListUsers};
pub use request::{ApiRequest, ApiResponse};
pub use users::{ActiveSessions, Users};

pub use cfzt_models::{
    AccountId, ActiveSession, ActiveSessionDetail, CreateUserParams, DeleteUserResult, FailedLogin, Identity,
    ResponseInfo, ResultInfo, SessionNonce, UpdateUserParams, User, UserId, ValidationError,
};
#[cfg(feature = "mock")]
pub use cfzt_transport::MockHttpTransport;
pub use cfzt_transport::{HttpTransport, TransportError};

pub use cfzt_models;
pub use cfzt_transport;
