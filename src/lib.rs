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
