//! The Access Users operations as data: one row per operation, with its name, HTTP method
//! and path template.
//!
//! The client renders each request's path from its row, and the fake server's routes are
//! checked against the same rows, so the path an operation is traced with is the path it
//! is sent to. Methods are plain strings so that this crate needs no HTTP library.
//!
//! ```
//! use cfzt_models::operations::{self, PathPart};
//!
//! assert_eq!(operations::GET_USER.method, "GET");
//! let path: String = operations::GET_USER
//!     .parts()
//!     .map(|part| match part {
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operation {
    /// The operation's name in errors and traces, e.g. `update_user`.
    pub name: &'static str,
    /// The HTTP method, upper case, e.g. `"PUT"`.
    pub method: &'static str,
    /// The path template relative to the base URL, with named parameters in braces, e.g.
    /// `/accounts/{account_id}/access/users/{user_id}`.
    pub path: &'static str,
    /// Whether the API may answer with a `null` or absent `result` that means "empty"
    /// (lists with nothing in them, delete): decoders read it as the empty value rather
    /// than as a broken response.
    pub result_optional: bool,
}

/// A piece of a path template ([`Operation::parts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathPart {
    /// Text sent as it is, e.g. `/accounts/`.
    Literal(&'static str),
    /// A named parameter, e.g. `account_id` for `{account_id}`; its value is one path
    /// segment.
    Param(&'static str),
}

impl Operation {
    /// The template's pieces in order: literal text and named parameters.
    pub fn parts(&self) -> impl Iterator<Item = PathPart> + 'static {
        let mut rest = self.path;
        std::iter::from_fn(move || {
            if rest.is_empty() {
                return None;
            }
            if let Some(after) = rest.strip_prefix('{')
                && let Some(end) = after.find('}')
            {
                rest = &after[end + 1..];
                return Some(PathPart::Param(&after[..end]));
            }
            // Text up to the next parameter (an unclosed `{` is text).
            let end = rest[1..].find('{').map_or(rest.len(), |i| i + 1);
            let (text, tail) = rest.split_at(end);
            rest = tail;
            Some(PathPart::Literal(text))
        })
    }

    /// The names of the template's parameters, in order.
    pub fn params(&self) -> impl Iterator<Item = &'static str> + 'static {
        self.parts().filter_map(|part| match part {
            PathPart::Param(name) => Some(name),
            PathPart::Literal(_) => None,
        })
    }
}

const fn row(name: &'static str, method: &'static str, path: &'static str, result_optional: bool) -> Operation {
    Operation { name, method, path, result_optional }
}

/// *Create a user*: `POST /accounts/{account_id}/access/users`.
pub const CREATE_USER: Operation = row("create_user", "POST", "/accounts/{account_id}/access/users", false);
/// *List users*: `GET /accounts/{account_id}/access/users`.
pub const LIST_USERS: Operation = row("list_users", "GET", "/accounts/{account_id}/access/users", true);
/// *Get a user*: `GET /accounts/{account_id}/access/users/{user_id}`.
pub const GET_USER: Operation = row("get_user", "GET", "/accounts/{account_id}/access/users/{user_id}", false);
/// *Update a user*: `PUT /accounts/{account_id}/access/users/{user_id}`.
pub const UPDATE_USER: Operation = row("update_user", "PUT", "/accounts/{account_id}/access/users/{user_id}", false);
/// *Delete a user*: `DELETE /accounts/{account_id}/access/users/{user_id}`.
pub const DELETE_USER: Operation = row("delete_user", "DELETE", "/accounts/{account_id}/access/users/{user_id}", true);
/// *List active sessions*: `GET /accounts/{account_id}/access/users/{user_id}/active_sessions`.
pub const LIST_ACTIVE_SESSIONS: Operation =
    row("list_active_sessions", "GET", "/accounts/{account_id}/access/users/{user_id}/active_sessions", true);
/// *Get an active session*:
/// `GET /accounts/{account_id}/access/users/{user_id}/active_sessions/{nonce}`.
pub const GET_ACTIVE_SESSION: Operation =
    row("get_active_session", "GET", "/accounts/{account_id}/access/users/{user_id}/active_sessions/{nonce}", false);
/// *Get last seen identity*: `GET /accounts/{account_id}/access/users/{user_id}/last_seen_identity`.
pub const GET_LAST_SEEN_IDENTITY: Operation =
    row("get_last_seen_identity", "GET", "/accounts/{account_id}/access/users/{user_id}/last_seen_identity", false);
/// *List failed logins*: `GET /accounts/{account_id}/access/users/{user_id}/failed_logins`.
pub const LIST_FAILED_LOGINS: Operation =
    row("list_failed_logins", "GET", "/accounts/{account_id}/access/users/{user_id}/failed_logins", true);

/// *Edit seats*: `PATCH /accounts/{account_id}/access/seats`. The body is a JSON **array**
/// of [`SeatChange`](crate::SeatChange); the result an array of [`Seat`](crate::Seat).
/// Next to the Access users operations: offboarding frees seats with it.
pub const EDIT_SEATS: Operation = row("edit_seats", "PATCH", "/accounts/{account_id}/access/seats", true);
/// *Revoke a user*: `POST /accounts/{account_id}/access/organizations/revoke_user`, with
/// [`RevokeUserParams`](crate::RevokeUserParams) as body and `devices` query. The result
/// is a bare boolean. Next to the Access users operations: offboarding ends sessions with it.
pub const REVOKE_USER: Operation =
    row("revoke_user", "POST", "/accounts/{account_id}/access/organizations/revoke_user", true);

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
        let parts: Vec<PathPart> = GET_ACTIVE_SESSION.parts().collect();
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
        let odd = row("odd", "GET", "{a}{b}/x{", false);
        let parts: Vec<PathPart> = odd.parts().collect();
        assert_eq!(
            parts,
            [PathPart::Param("a"), PathPart::Param("b"), PathPart::Literal("/x"), PathPart::Literal("{")]
        );
    }

    #[test]
    fn every_row_is_well_formed_and_unique() {
        for (i, op) in ALL.iter().enumerate() {
            assert!(op.path.starts_with("/accounts/{account_id}/access/"), "{op:?}");
            assert!(matches!(op.method, "GET" | "POST" | "PUT" | "PATCH" | "DELETE"), "{op:?}");
            // Each parameter is a whole segment.
            let rebuilt: String = op
                .parts()
                .map(|p| match p {
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
