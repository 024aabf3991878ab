#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]
//!
//! # Paths
//!
//! One rule says where an item is found:
//!
//! - **The root** (`cfzt::…`) holds the client ([`cfzt_access_users`], re-exported whole)
//!   and every type its API takes or returns: each argument of a [`ClientBuilder`] method
//!   ([`RetryPolicy`], [`RetryTokens`], [`BudgetQuota`], [`RequestBudget`],
//!   [`HttpTransport`], [`Credentials`], [`chrono`]'s `NaiveDate`), the operations' params
//!   and results ([`User`], [`ListUsersQuery`], ...), and the parts of errors and
//!   responses ([`TransportError`], [`ErrorSource`], [`http`]'s `StatusCode` and
//!   `HeaderMap`, ...). A program that uses the client needs no other path.
//! - **A module per crate** ([`models`], [`transport`], and `fake_server` and `workflows`
//!   with their features) holds that crate whole, for what the client's API does not
//!   take: writing a transport ([`transport::Request`], [`transport::async_trait`]), the
//!   operation table ([`models::operations`]), the test doubles.
//!
//! A root type is the same item as the one in its crate's module
//! (`cfzt::RetryPolicy` is `cfzt::transport::RetryPolicy`); the docs and examples use
//! the root path. The root's re-exports are listed once, in `cfzt-access-users`; this
//! crate adds none of its own, so no item has two root paths.

pub use cfzt_access_users::*;

/// The API's types: [`cfzt_models`].
pub use cfzt_models as models;

/// The HTTP layer: [`cfzt_transport`].
pub use cfzt_transport as transport;

/// A local, stateful Access Users API for tests and demos: [`cfzt_fake_server`].
#[cfg(feature = "fake-server")]
pub use cfzt_fake_server as fake_server;

/// Operator workflows over the client (offboarding, seat reclamation, seat counts, safe
/// create, audit export): [`cfzt_workflows`].
#[cfg(feature = "workflows")]
pub use cfzt_workflows as workflows;
