//! The Access Users operations as data: one row per operation, with its name, HTTP method
//! and path template.
//!
//! The client renders each request's path from its row, and the fake server's routes are
//! checked against the same rows, so the path an operation is traced with is the path it
//! is sent to. Methods are an enum of this crate ([`HttpMethod`]), so that it needs no HTTP
//! library and a client maps each to its own method type without a failure case.
//!
//! ```
//! use cfzt_models::operations::{self, HttpMethod, PathPart};
//!
//! assert_eq!(operations::GET_USER.method, "GET");
//! assert_eq!(operations::GET_USER.method, HttpMethod::Get);
//! let path: String = operations::GET_USER
//!     .parts()
//!     .iter()
//!     .map(|part| match *part {
//!         PathPart::Literal(text) => text,
//!         PathPart::Param("account_id") => "023e105f4ecef8ad9ca31a8372d0c353",
//!         PathPart::Param(_) => "f174e90a-fafe-4643-bbbc-4a0ed4fc8415",
//!     })
//!     .collect();
//! assert_eq!(
//!     path,
//!     "/accounts/023e105f4ecef8ad9ca31a8372d0c353/access/users/f174e90a-fafe-4643-bbbc-4a0ed4fc8415"
//! );
//! ```

/// One operation of the API: its name, method and path template.
#[non_exhaustive]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operation {
    /// The operation's name in errors and traces, e.g. `update_user`.
    pub name: &'static str,
    /// The HTTP method, e.g. [`HttpMethod::Put`].
    pub method: HttpMethod,
    /// The path template relative to the base URL, with named parameters in braces, e.g.
    /// `/accounts/{account_id}/access/users/{user_id}`.
    pub path: &'static str,
    /// Whether the API may answer with a `null` or absent `result` that means "empty"
    /// (lists with nothing in them, delete): decoders read it as the empty value rather
    /// than as a broken response.
    pub result_optional: bool,
    /// The template split into its parts once, when the row is compiled.
    template: Template,
}

impl std::fmt::Debug for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The template's parts are the path again; they are left out.
        f.debug_struct("Operation")
            .field("name", &self.name)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("result_optional", &self.result_optional)
            .finish()
    }
}

/// The HTTP method of an [`Operation`]: the five the API uses.
///
/// Not `#[non_exhaustive]`, so that a client can map every method to its HTTP library's
/// own type with a `match` that has no failure case (`cfzt-access-users` does, to
/// `http::Method`). Compares equal to its upper-case name.
///
/// ```
/// use cfzt_models::operations::{HttpMethod, UPDATE_USER};
///
/// assert_eq!(UPDATE_USER.method, HttpMethod::Put);
/// assert_eq!(UPDATE_USER.method.as_str(), "PUT");
/// assert_eq!(UPDATE_USER.method.to_string(), "PUT");
/// assert_eq!(UPDATE_USER.method, "PUT");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HttpMethod {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
    /// `PATCH`.
    Patch,
    /// `DELETE`.
    Delete,
}

impl HttpMethod {
    /// The method's name as sent, upper case, e.g. `"PUT"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
        }
    }
}

impl std::fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<str> for HttpMethod {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for HttpMethod {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// The most parts a template may have; a longer one fails to compile.
const MAX_PARTS: usize = 8;

/// A path template split into its parts at compile time, so that rendering a path walks
/// a short array instead of scanning the template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Template {
    parts: [PathPart; MAX_PARTS],
    len: usize,
}

impl Template {
    /// Splits `path` into literal text and `{name}` parameters. An unclosed `{` is text.
    const fn parse(path: &'static str) -> Self {
        let bytes = path.as_bytes();
        let mut parts = [PathPart::Literal(""); MAX_PARTS];
        let mut len = 0;
        let mut at = 0;
        while at < bytes.len() {
            if bytes[at] == b'{' {
                let mut close = at + 1;
                while close < bytes.len() && bytes[close] != b'}' {
                    close += 1;
                }
                if close < bytes.len() {
                    parts[len] = PathPart::Param(slice(path, at + 1, close));
                    len += 1;
                    at = close + 1;
                    continue;
                }
            }
            // Text up to the next `{`.
            let mut end = at + 1;
            while end < bytes.len() && bytes[end] != b'{' {
                end += 1;
            }
            parts[len] = PathPart::Literal(slice(path, at, end));
            len += 1;
            at = end;
        }
        Self { parts, len }
    }
}

/// `&text[from..to]` in a constant; both ends sit next to an ASCII brace, or at an end.
const fn slice(text: &'static str, from: usize, to: usize) -> &'static str {
    let (head, _) = text.as_bytes().split_at(to);
    let (_, piece) = head.split_at(from);
    match std::str::from_utf8(piece) {
        Ok(piece) => piece,
        Err(_) => panic!("a template is split next to an ASCII brace"),
    }
}

/// A piece of a path template ([`Operation::parts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PathPart {
    /// Text sent as it is, e.g. `/accounts/`.
    Literal(&'static str),
    /// A named parameter, e.g. `account_id` for `{account_id}`; its value is one path
    /// segment.
    Param(&'static str),
}

impl Operation {
    /// The template's pieces in order: literal text and named parameters.
    pub fn parts(&self) -> &[PathPart] {
        let Template { parts, len } = &self.template;
        &parts[..*len]
    }

    /// The names of the template's parameters, in order.
    pub fn params(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.parts().iter().filter_map(|part| match *part {
            PathPart::Param(name) => Some(name),
            PathPart::Literal(_) => None,
        })
    }
}

const fn row(name: &'static str, method: HttpMethod, path: &'static str, result_optional: bool) -> Operation {
    Operation { name, method, path, result_optional, template: Template::parse(path) }
}

/// *Create a user*: `POST /accounts/{account_id}/access/users`.
pub const CREATE_USER: Operation = row("create_user", HttpMethod::Post, "/accounts/{account_id}/access/users", false);
/// *List users*: `GET /accounts/{account_id}/access/users`.
pub const LIST_USERS: Operation = row("list_users", HttpMethod::Get, "/accounts/{account_id}/access/users", true);
/// *Get a user*: `GET /accounts/{account_id}/access/users/{user_id}`.
pub const GET_USER: Operation =
    row("get_user", HttpMethod::Get, "/accounts/{account_id}/access/users/{user_id}", false);
/// *Update a user*: `PUT /accounts/{account_id}/access/users/{user_id}`.
pub const UPDATE_USER: Operation =
    row("update_user", HttpMethod::Put, "/accounts/{account_id}/access/users/{user_id}", false);
/// *Delete a user*: `DELETE /accounts/{account_id}/access/users/{user_id}`.
pub const DELETE_USER: Operation =
    row("delete_user", HttpMethod::Delete, "/accounts/{account_id}/access/users/{user_id}", true);
/// *List active sessions*: `GET /accounts/{account_id}/access/users/{user_id}/active_sessions`.
pub const LIST_ACTIVE_SESSIONS: Operation =
    row("list_active_sessions", HttpMethod::Get, "/accounts/{account_id}/access/users/{user_id}/active_sessions", true);
/// *Get an active session*:
/// `GET /accounts/{account_id}/access/users/{user_id}/active_sessions/{nonce}`.
pub const GET_ACTIVE_SESSION: Operation = row(
    "get_active_session",
    HttpMethod::Get,
    "/accounts/{account_id}/access/users/{user_id}/active_sessions/{nonce}",
    false,
);
/// *Get last seen identity*: `GET /accounts/{account_id}/access/users/{user_id}/last_seen_identity`.
pub const GET_LAST_SEEN_IDENTITY: Operation = row(
    "get_last_seen_identity",
    HttpMethod::Get,
    "/accounts/{account_id}/access/users/{user_id}/last_seen_identity",
    false,
);
/// *List failed logins*: `GET /accounts/{account_id}/access/users/{user_id}/failed_logins`.
pub const LIST_FAILED_LOGINS: Operation =
    row("list_failed_logins", HttpMethod::Get, "/accounts/{account_id}/access/users/{user_id}/failed_logins", true);

/// *Edit seats*: `PATCH /accounts/{account_id}/access/seats`. The body is a JSON **array**
/// of [`SeatChange`](crate::SeatChange); the result an array of [`Seat`](crate::Seat).
/// Next to the Access users operations: offboarding frees seats with it.
pub const EDIT_SEATS: Operation = row("edit_seats", HttpMethod::Patch, "/accounts/{account_id}/access/seats", true);
/// *Revoke a user*: `POST /accounts/{account_id}/access/organizations/revoke_user`, with
/// [`RevokeUserParams`](crate::RevokeUserParams) as body and `devices` query. The result
/// is a bare boolean. Next to the Access users operations: offboarding ends sessions with it.
pub const REVOKE_USER: Operation =
    row("revoke_user", HttpMethod::Post, "/accounts/{account_id}/access/organizations/revoke_user", true);

/// Every operation: the nine of the API guide, in its order, then the two next to them
/// that offboarding needs.
pub const ALL: &[Operation] = &[
    CREATE_USER,
    LIST_USERS,
    GET_USER,
    UPDATE_USER,
    DELETE_USER,
    LIST_ACTIVE_SESSIONS,
    GET_ACTIVE_SESSION,
    GET_LAST_SEEN_IDENTITY,
    LIST_FAILED_LOGINS,
    EDIT_SEATS,
    REVOKE_USER,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_split_into_text_and_params() {
        let parts: Vec<PathPart> = GET_ACTIVE_SESSION.parts().to_vec();
        assert_eq!(
            parts,
            [
                PathPart::Literal("/accounts/"),
                PathPart::Param("account_id"),
                PathPart::Literal("/access/users/"),
                PathPart::Param("user_id"),
                PathPart::Literal("/active_sessions/"),
                PathPart::Param("nonce"),
            ]
        );
        let odd = row("odd", HttpMethod::Get, "{a}{b}/x{", false);
        let parts: Vec<PathPart> = odd.parts().to_vec();
        assert_eq!(
            parts,
            [PathPart::Param("a"), PathPart::Param("b"), PathPart::Literal("/x"), PathPart::Literal("{")]
        );
    }

    #[test]
    fn every_row_is_well_formed_and_unique() {
        for (i, op) in ALL.iter().enumerate() {
            assert!(op.path.starts_with("/accounts/{account_id}/access/"), "{op:?}");
            assert!(matches!(op.method.as_str(), "GET" | "POST" | "PUT" | "PATCH" | "DELETE"), "{op:?}");
            // Each parameter is a whole segment.
            let rebuilt: String = op
                .parts()
                .iter()
                .map(|p| match *p {
                    PathPart::Literal(text) => text.to_string(),
                    PathPart::Param(name) => format!("{{{name}}}"),
                })
                .collect();
            assert_eq!(rebuilt, op.path);
            for segment in op.path.split('/').skip(1) {
                assert!(!segment.contains('{') || (segment.starts_with('{') && segment.ends_with('}')), "{op:?}");
            }
            for other in &ALL[i + 1..] {
                assert_ne!(op.name, other.name);
                assert!((op.method, op.path) != (other.method, other.path), "{op:?} {other:?}");
            }
        }
        assert_eq!(ALL.len(), 11);
    }
}
