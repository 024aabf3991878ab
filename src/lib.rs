//! `cfzt`: a Rust SDK for Cloudflare's Zero Trust **Access Users** API.
//!
//! This facade re-exports the client ([`cfzt_access_users`]) at its root, and each layer as
//! a module, so one dependency gives you everything:
//!
//! | module | crate | pick it alone when |
//! | --- | --- | --- |
//! | (root) | `cfzt-access-users` | you call the API: the client, its nine operations, errors |
//! | [`models`] | `cfzt-models` | you only need the types, with no HTTP or runtime |
//! | [`transport`] | `cfzt-transport` | you choose or write the HTTP client under the SDK |
//! | `fake_server` (feature `fake-server`) | `cfzt-fake-server` | you test against a local Access Users API |
//!
//! ```no_run
//! use cfzt::{AccountId, Client, UpdateUserParams, UserId};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::from_env()?;
//! let account: AccountId = "023e105f4ecef8ad9ca31a8372d0c353".parse()?;
//! let user: UserId = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415".parse()?;
//! client.users(&account).update(&user, UpdateUserParams::new("jdoe@example.com", "Jane Q. Doe")).await?;
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]

pub use cfzt_access_users::*;

/// The API's types: [`cfzt_models`].
pub use cfzt_models as models;

/// The HTTP layer: [`cfzt_transport`].
pub use cfzt_transport as transport;

/// A local, stateful Access Users API for tests and demos: [`cfzt_fake_server`].
#[cfg(feature = "fake-server")]
pub use cfzt_fake_server as fake_server;
