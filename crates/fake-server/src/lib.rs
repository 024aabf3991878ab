#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod api;
pub mod codes;
mod faults;
mod journal;
mod operation;
mod server;
mod state;

pub use faults::{Fault, FaultRule, Route, Times};
pub use journal::{AuthScheme, JournalEntry, JournalLimits, JournalStats};
pub use operation::{API_PREFIX, Operation};
pub use server::{FakeServer, FakeServerBuilder};
pub use state::{DEMO_ACCOUNT_ID, DEMO_SESSION_NONCE, DEMO_USER_EMAIL, DEMO_USER_ID, DEMO_USER_NAME};

#[doc(no_inline)]
pub use cfzt_models::{AccountId, SessionNonce, UserId};
