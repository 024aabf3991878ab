//! The error codes the fake server puts in `errors[].code`.
//!
//! Cloudflare documents few of the codes of this API. Each constant says where its value
//! comes from: **observed** codes have been seen on the live API; **illustrative** ones are
//! this fake's own choice, stable so that tests can match on them, but not to be expected
//! from Cloudflare.

/// `971`, "Please wait and consider throttling your request speed": a rate-limited call
/// (HTTP 429). Observed.
pub const RATE_LIMITED: i64 = 971;

/// `1000`: a generic failure injected with [`Fault::status`](crate::Fault::status).
/// Illustrative.
pub const INJECTED_FAILURE: i64 = 1000;

/// `1001`: the request is invalid: malformed JSON, a missing or invalid body field (the
/// error then has a `source.pointer` such as `/email`), or a bad `page`/`per_page`.
/// HTTP 400. Illustrative.
pub const INVALID_REQUEST: i64 = 1001;

/// `1002`: the request body is larger than the fake accepts (1 MiB). HTTP 413.
/// Illustrative.
pub const BODY_TOO_LARGE: i64 = 1002;

/// `6003`, "Invalid request headers": an `Authorization` header that is not
/// `Bearer <token>`. HTTP 400, with an `error_chain` holding
/// [`INVALID_AUTHORIZATION_FORMAT`]. Observed.
pub const INVALID_REQUEST_HEADERS: i64 = 6003;

/// `6111`, "Invalid format for Authorization header": the nested `error_chain` item of
/// [`INVALID_REQUEST_HEADERS`]. Observed.
pub const INVALID_AUTHORIZATION_FORMAT: i64 = 6111;

/// `6105`, "Invalid Content-Type header, valid values are application/json": a request
/// with a body whose `Content-Type` is missing or not `application/json` (parameters such
/// as `charset=utf-8` allowed). HTTP 400, as the nested `error_chain` item of
/// [`INVALID_REQUEST_HEADERS`]. Observed (with "…,multipart/form-data" in the message,
/// which the API accepts elsewhere and no Access Users operation takes).
pub const INVALID_CONTENT_TYPE: i64 = 6105;

/// `7000`, "No route for that URI": a path that is none of the operations.
/// HTTP 404. Illustrative.
pub const NO_ROUTE: i64 = 7000;

/// `7001`, "Method not allowed": a known path with a method it does not serve.
/// HTTP 405. Illustrative.
pub const METHOD_NOT_ALLOWED: i64 = 7001;

/// `7003`, "Could not route to …, perhaps your object identifier is invalid?": an
/// `account_id`, `user_id` or `nonce` path segment that is not a valid id (checked with
/// `cfzt_models`' id types). HTTP 400. Illustrative.
pub const INVALID_IDENTIFIER: i64 = 7003;

/// `10000`, "Authentication error": no credentials (HTTP 401), or credentials the server
/// does not accept when it was built with
/// [`require_token`](crate::FakeServerBuilder::require_token) (HTTP 403). Observed.
pub const AUTHENTICATION_ERROR: i64 = 10000;

/// `12091`: a `per_page` outside 1, 5, 10, 20, 25, 50, 100, 1000 in strict per-page mode
/// ([`strict_per_page`](crate::FakeServerBuilder::strict_per_page)). HTTP 400. Observed
/// (reported by one third-party tool).
pub const PER_PAGE_NOT_ALLOWED: i64 = 12091;

/// `12127`: another user of the account already has this email (compared
/// case-insensitively). HTTP 409. Illustrative.
pub const EMAIL_TAKEN: i64 = 12127;

/// `12128`, "user not found": no user with this id in the account. HTTP 404.
/// Illustrative.
pub const USER_NOT_FOUND: i64 = 12128;

/// `12129`, "session not found": the user has no active session with this nonce.
/// HTTP 404. Illustrative.
pub const SESSION_NOT_FOUND: i64 = 12129;

/// `12130`, "email does not match the user's current email": an update whose `email` is
/// not the user's current email. HTTP 400. Illustrative.
pub const EMAIL_MISMATCH: i64 = 12130;

/// `12131`, "no last seen identity": the user exists but Access has no identity on record
/// for them. HTTP 404. Illustrative.
pub const IDENTITY_NOT_FOUND: i64 = 12131;

/// `12132`, "seat not found": *edit seats* named a `seat_uid` no user of the account
/// holds; nothing was changed. HTTP 404. Illustrative (the API documents no code).
pub const SEAT_NOT_FOUND: i64 = 12132;

/// The `per_page` values accepted in strict per-page mode.
pub const ALLOWED_PER_PAGE: [u64; 8] = [1, 5, 10, 20, 25, 50, 100, 1000];
