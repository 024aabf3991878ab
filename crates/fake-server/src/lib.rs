//! A stateful, in-memory fake of Cloudflare's Zero Trust **Access Users** API, served over
//! HTTP on loopback.
//!
//! # What it is for
//!
//! Testing and demonstrating code that talks to the Access Users API (such as the `cfzt`
//! client) without a Cloudflare account, a token or the internet. Unlike a mock that
//! replays canned answers, the fake keeps state: a user you create is listed, renamed and
//! deleted by later calls, duplicate emails conflict, and pagination walks the real set.
//! On top of that it can **inject faults** (error statuses, 429s with `Retry-After`, HTML
//! edge pages, delays, dropped connections) and keeps a **journal** of every request, so
//! retry, timeout and error-handling paths can be tested deterministically.
//!
//! Pick it for integration tests of a client, for examples and demos, and to try the API's
//! rules by hand with curl (the `cfzt-fake-server` binary). Pick a mock of the client's
//! transport instead when you only need to unit-test code above the HTTP layer, and the
//! live API when you must check behaviour the fake only guesses (see *Fidelity* below).
//!
//! # Starting it
//!
//! ```
//! use cfzt_fake_server::{FakeServer, DEMO_ACCOUNT_ID};
//!
//! #[tokio::main]
//! async fn main() -> std::io::Result<()> {
//!     let server = FakeServer::start().await?; // demo data, 127.0.0.1, a free port
//!     println!("serving {}", server.base_url()); // http://127.0.0.1:PORT/client/v4
//!     println!("try {}/accounts/{DEMO_ACCOUNT_ID}/access/users", server.base_url());
//!     server.shutdown().await;
//!     Ok(())
//! }
//! ```
//!
//! [`FakeServer::builder`] sets options: [`empty`](FakeServerBuilder::empty) (no demo
//! data), [`require_token`](FakeServerBuilder::require_token),
//! [`strict_per_page`](FakeServerBuilder::strict_per_page) and
//! [`bind`](FakeServerBuilder::bind). The server runs on the tokio runtime that started
//! it and stops on [`FakeServer::shutdown`] or when dropped. From the command line:
//! `cfzt-fake-server [--port 8787] [--host 127.0.0.1] [--empty] [--token TOKEN]
//! [--strict-per-page]`.
//!
//! # Routes
//!
//! Every route is under `/client/v4` (so the base URL mirrors
//! `https://api.cloudflare.com/client/v4`) and answers with Cloudflare's v4 envelope,
//! `content-type: application/json` and a `cf-ray` header (`<16 hex digits>-FAKE`).
//!
//! | Operation | Method and path | Success |
//! | --- | --- | --- |
//! | [`CreateUser`](Operation::CreateUser) | `POST /accounts/{account_id}/access/users` | 201, the user |
//! | [`ListUsers`](Operation::ListUsers) | `GET /accounts/{account_id}/access/users` | 200, a page of users and `result_info` |
//! | [`GetUser`](Operation::GetUser) | `GET …/users/{user_id}` | 200, the user |
//! | [`UpdateUser`](Operation::UpdateUser) | `PUT …/users/{user_id}` | 200, the user |
//! | [`DeleteUser`](Operation::DeleteUser) | `DELETE …/users/{user_id}` | 202, `{"id": "<user id>"}` |
//! | [`ListActiveSessions`](Operation::ListActiveSessions) | `GET …/users/{user_id}/active_sessions` | 200, one page |
//! | [`GetActiveSession`](Operation::GetActiveSession) | `GET …/users/{user_id}/active_sessions/{nonce}` | 200, the session detail |
//! | [`GetLastSeenIdentity`](Operation::GetLastSeenIdentity) | `GET …/users/{user_id}/last_seen_identity` | 200, the identity |
//! | [`ListFailedLogins`](Operation::ListFailedLogins) | `GET …/users/{user_id}/failed_logins` | 200, one page |
//!
//! The rules, in the order they are checked:
//!
//! 1. **Authentication.** `Authorization: Bearer <token>` or both `X-Auth-Email` and
//!    `X-Auth-Key` are required: none gives **401** with
//!    `{"code":10000,"message":"Authentication error"}`; an `Authorization` header that is
//!    not `Bearer <token>` gives **400** with code 6003 and an `error_chain` holding 6111.
//!    With [`require_token`](FakeServerBuilder::require_token) any credentials but that
//!    token give **403** with code 10000.
//! 2. **Routing.** An unknown path gives **404** (code 7000), a known path with another
//!    method **405** (code 7001).
//! 3. **Ids.** Path segments are checked with `cfzt_models`' [`AccountId`],
//!    [`UserId`] and [`SessionNonce`]: an invalid one gives **400** (code 7003). A valid
//!    but unknown user or nonce gives **404** (codes 12128, 12129). Any valid account id
//!    works; an account never written to simply has no users.
//! 4. **Create** needs a JSON object with a valid `email` (else **400**, code 1001, with
//!    `source.pointer` `/email`) and an optional string `name`. An email already used in
//!    the account (compared case-insensitively) gives **409** (code 12127). A new user has
//!    a fresh UUID v4 `id`, a `uid` and `seat_uid`, `created_at` = `updated_at` = now,
//!    `access_seat`/`gateway_seat` `false`, `active_device_count` 0, no sessions and no
//!    last seen identity.
//! 5. **Update** needs both `email` and a non-empty `name`; it changes the name only when
//!    `email` is the user's current email (case-insensitively), else **400** with code
//!    12130 "email does not match the user's current email".
//! 6. **Delete** removes the user with their sessions, identity and failed logins.
//! 7. **List users** takes `page` (default 1) and `per_page` (default 20), both whole
//!    numbers of at least 1 (else **400**, code 1001), and the filters `email` (exact,
//!    case-insensitive), `name` (exact) and `search` (case-insensitive substring of name or
//!    email); empty filter values are ignored. Users come in creation order. In
//!    `result_info`, `count` is the number of items on the page, `total_count` the number
//!    of users in the account **without** filters (as Cloudflare documents it), and
//!    `total_pages` is `ceil(filtered / per_page)`, which is **0** when nothing matches. A
//!    page past the end is `"result": []`. In strict per-page mode a `per_page` outside
//!    1, 5, 10, 20, 25, 50, 100, 1000 gives **400** with code 12091.
//! 8. **Active sessions** and **failed logins** are single pages: `result_info` is
//!    `page` 1, `total_pages` 1, `count` = `total_count` = the number of items. A user
//!    without a last seen identity gives **404** (code 12131).
//!
//! The codes are listed, with their provenance, in [`codes`]. Error bodies are
//! `{"success":false,"errors":[{"code":N,"message":"…"}],"messages":[],"result":null}`.
//!
//! # Demo data
//!
//! Unless [`empty`](FakeServerBuilder::empty), the account [`DEMO_ACCOUNT_ID`] holds five
//! users, in this order: Jane Doe ([`DEMO_USER_ID`], [`DEMO_USER_EMAIL`]) as in the API
//! guide's examples, with one active session ([`DEMO_SESSION_NONCE`]), a last seen
//! identity and one failed login, each exactly as in the guide; then Richard Roe
//! (`rroe@example.com`), Alice Smith (`asmith@example.com`), Bob Jones
//! (`bjones@example.com`) and Carla Garcia (`cgarcia@example.com`), with no sessions.
//! Tests can read and add state directly: [`FakeServer::users`],
//! [`FakeServer::add_user`], [`FakeServer::add_active_session`],
//! [`FakeServer::set_last_seen_identity`], [`FakeServer::add_failed_login`].
//!
//! # Fault injection
//!
//! A [`FaultRule`] says which requests ([`Route`]: any, one [`Operation`], or a path
//! substring; optionally one method), how many of them ([`Times`]: always, the next *n*,
//! or a seeded random fraction) and what happens ([`Fault`]):
//!
//! - [`Fault::status`]`(503)` and friends: a Cloudflare failure envelope with that status;
//!   [`Fault::rate_limited`]`(secs)`: a 429 with code 971, `Retry-After` and `Ratelimit`
//!   headers; [`Fault::html`]`(502)`: an HTML edge error page; [`Fault::json`] and
//!   [`Fault::Status`] for anything else, and [`Fault::with_header`] to add headers such
//!   as `x-should-retry`.
//! - [`Fault::delay`]`(d)`: wait, then handle the request normally.
//! - [`Fault::drop_connection`]: close the connection without a response.
//! - [`Fault::drop_after_handling`]: handle the request (state changes), then close the
//!   connection without a response.
//! - [`Fault::reset_mid_body`]: send the status and headers and half the body, then close.
//!
//! Faults are applied before authentication and routing, and except for the delay and
//! drop-after-handling they leave the state untouched.
//!
//! ```
//! use cfzt_fake_server::{FakeServer, Fault, FaultRule, Operation, Route, Times};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let server = FakeServer::start().await?;
//! // The next two list calls get a 503, then the server answers normally.
//! server.inject(FaultRule::new(Route::Operation(Operation::ListUsers), Fault::status(503)).times(Times::Next(2)));
//! // A fifth of all PUTs are rate limited, the same ones on every run.
//! server.inject(
//!     FaultRule::new(Route::Any, Fault::rate_limited(2))
//!         .method("PUT")
//!         .times(Times::Fraction { probability: 0.2, seed: 1 }),
//! );
//! // ... run the client, then check what it sent:
//! for entry in server.journal() {
//!     println!("{} {} -> {} (faulted: {})", entry.method, entry.path, entry.status, entry.faulted);
//! }
//! server.clear_faults();
//! # Ok(())
//! # }
//! ```
//!
//! # Journal
//!
//! [`FakeServer::journal`] returns a [`JournalEntry`] for every request received, in order:
//! method, path, query, [`Operation`], the status answered (0 if none was sent), whether a
//! fault fired, the body, the headers, the [`AuthScheme`] and the time received.
//!
//! # Fidelity
//!
//! Status codes, envelope shapes and the documented examples follow the API guide. Error
//! codes that Cloudflare does not document are this fake's own, marked *illustrative* in
//! [`codes`]. The live API may differ in validation details, `total_pages` of an empty
//! result, and the `per_page` it accepts.
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
pub use journal::{AuthScheme, JournalEntry};
pub use operation::{API_PREFIX, Operation};
pub use server::{FakeServer, FakeServerBuilder};
pub use state::{DEMO_ACCOUNT_ID, DEMO_SESSION_NONCE, DEMO_USER_EMAIL, DEMO_USER_ID, DEMO_USER_NAME};

#[doc(no_inline)]
pub use cfzt_models::{AccountId, SessionNonce, UserId};
