#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

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
