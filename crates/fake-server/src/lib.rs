#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod auth;
pub mod codes;
mod failure;
mod faults;
mod journal;
mod limiter;
mod pipeline;
mod population;
mod ratelimit;
mod request;
mod router;
mod routes;
mod seats_and_revoke;
mod server;
mod state;
mod store;
mod users;

pub use faults::{Fault, FaultRule, Route, Times};
pub use journal::{AuthScheme, JournalEntry, JournalLimits, JournalStats};
pub use population::Population;
pub use ratelimit::{CredentialFingerprint, RateLimit, RateLimitStats};
pub use routes::{API_PREFIX, Operation};
pub use server::{FakeServer, FakeServerBuilder};
pub use store::{DEMO_ACCOUNT_ID, DEMO_SESSION_NONCE, DEMO_USER_EMAIL, DEMO_USER_ID, DEMO_USER_NAME};

#[doc(no_inline)]
pub use cfzt_models::{AccountId, SessionNonce, UserId};
