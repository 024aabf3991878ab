//! The routes: the operations (the nine and the two next to them) as the rows of
//! `cfzt_models::operations`, and which one a request's method and path reach.
//! ([`router`](crate::router) routes each to its handler.)

use std::fmt;

use cfzt_models::operations;

/// The path prefix every operation is served under, mirroring
/// `https://api.cloudflare.com/client/v4`.
pub const API_PREFIX: &str = "/client/v4";

/// One of the nine Access Users operations, or one of the two next to them that
/// offboarding needs (edit seats, revoke a user).
///
/// Used to aim a [`FaultRule`](crate::FaultRule) at an operation
/// ([`Route::Operation`](crate::Route::Operation)) and to tell journal entries apart
/// ([`JournalEntry::operation`](crate::JournalEntry::operation)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operation {
    /// `POST /accounts/{account_id}/access/users`.
    CreateUser,
    /// `GET /accounts/{account_id}/access/users`.
    ListUsers,
    /// `GET /accounts/{account_id}/access/users/{user_id}`.
    GetUser,
    /// `PUT /accounts/{account_id}/access/users/{user_id}`.
    UpdateUser,
    /// `DELETE /accounts/{account_id}/access/users/{user_id}`.
    DeleteUser,
    /// `GET /accounts/{account_id}/access/users/{user_id}/active_sessions`.
    ListActiveSessions,
    /// `GET /accounts/{account_id}/access/users/{user_id}/active_sessions/{nonce}`.
    GetActiveSession,
    /// `GET /accounts/{account_id}/access/users/{user_id}/last_seen_identity`.
    GetLastSeenIdentity,
    /// `GET /accounts/{account_id}/access/users/{user_id}/failed_logins`.
    ListFailedLogins,
    /// `PATCH /accounts/{account_id}/access/seats`.
    EditSeats,
    /// `POST /accounts/{account_id}/access/organizations/revoke_user`.
    RevokeUser,
}

impl Operation {
    /// Every operation: the nine in the order of the API guide, then the two next to them.
    pub const ALL: [Operation; 11] = [
        Operation::CreateUser,
        Operation::ListUsers,
        Operation::GetUser,
        Operation::UpdateUser,
        Operation::DeleteUser,
        Operation::ListActiveSessions,
        Operation::GetActiveSession,
        Operation::GetLastSeenIdentity,
        Operation::ListFailedLogins,
        Operation::EditSeats,
        Operation::RevokeUser,
    ];

    /// The operation's row in the catalogue the SDK sends by (`cfzt_models::operations`):
    /// its name, method and path template come from there, so that the fake server routes
    /// exactly what the client sends.
    pub fn row(self) -> &'static operations::Operation {
        match self {
            Operation::CreateUser => &operations::CREATE_USER,
            Operation::ListUsers => &operations::LIST_USERS,
            Operation::GetUser => &operations::GET_USER,
            Operation::UpdateUser => &operations::UPDATE_USER,
            Operation::DeleteUser => &operations::DELETE_USER,
            Operation::ListActiveSessions => &operations::LIST_ACTIVE_SESSIONS,
            Operation::GetActiveSession => &operations::GET_ACTIVE_SESSION,
            Operation::GetLastSeenIdentity => &operations::GET_LAST_SEEN_IDENTITY,
            Operation::ListFailedLogins => &operations::LIST_FAILED_LOGINS,
            Operation::EditSeats => &operations::EDIT_SEATS,
            Operation::RevokeUser => &operations::REVOKE_USER,
        }
    }

    /// The HTTP method of the operation, e.g. `"POST"`.
    pub fn method(self) -> &'static str {
        self.row().method.as_str()
    }

    /// The path template of the operation, relative to the base URL, e.g.
    /// `/accounts/{account_id}/access/users/{user_id}`.
    pub fn path_template(self) -> &'static str {
        self.row().path
    }

    /// A short snake_case name, e.g. `"update_user"`.
    pub fn name(self) -> &'static str {
        self.row().name
    }

    /// The operation a request with this method and path (the full path, with the
    /// [`API_PREFIX`]) would reach, or `None` if it reaches none: the one whose method is
    /// `method` and whose template's segments match the path's, a `{parameter}` matching
    /// any non-empty segment.
    ///
    /// Path segments are not validated here: `/client/v4/accounts/x!/access/users` is
    /// still [`Operation::ListUsers`] for a `GET`, and is answered with a 400.
    ///
    /// ```
    /// use cfzt_fake_server::Operation;
    /// let op = Operation::classify("PUT", "/client/v4/accounts/abc/access/users/some-id");
    /// assert_eq!(op, Some(Operation::UpdateUser));
    /// assert_eq!(Operation::classify("PATCH", "/client/v4/accounts/abc/access/users/some-id"), None);
    /// ```
    pub fn classify(method: &str, path: &str) -> Option<Operation> {
        let rest = path.strip_prefix(API_PREFIX)?.strip_prefix('/')?;
        if rest.split('/').any(str::is_empty) {
            return None;
        }
        let matches = |template: &str| {
            let mut wanted = template.trim_start_matches('/').split('/');
            let mut got = rest.split('/');
            loop {
                match (wanted.next(), got.next()) {
                    (None, None) => return true,
                    (Some(w), Some(g)) if w.starts_with('{') || w == g => {}
                    _ => return false,
                }
            }
        };
        Operation::ALL.into_iter().find(|op| op.method() == method && matches(op.path_template()))
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogue_row_is_one_operation() {
        for row in operations::ALL {
            let ops: Vec<_> = Operation::ALL.into_iter().filter(|op| op.row() == row).collect();
            assert_eq!(ops.len(), 1, "{}: {ops:?}", row.name);
        }
        assert_eq!(Operation::ALL.len(), operations::ALL.len());
    }

    #[test]
    fn classify_table() {
        let a = "/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/access/users";
        let u = format!("{a}/f174e90a-fafe-4643-bbbc-4a0ed4fc8415");
        let cases = [
            ("POST", a.to_string(), Some(Operation::CreateUser)),
            ("GET", a.to_string(), Some(Operation::ListUsers)),
            ("DELETE", a.to_string(), None),
            ("GET", u.clone(), Some(Operation::GetUser)),
            ("PUT", u.clone(), Some(Operation::UpdateUser)),
            ("DELETE", u.clone(), Some(Operation::DeleteUser)),
            ("GET", format!("{u}/active_sessions"), Some(Operation::ListActiveSessions)),
            ("POST", format!("{u}/active_sessions"), None),
            ("GET", format!("{u}/active_sessions/X1aXj1lFVcqqyoXF"), Some(Operation::GetActiveSession)),
            ("GET", format!("{u}/last_seen_identity"), Some(Operation::GetLastSeenIdentity)),
            ("GET", format!("{u}/failed_logins"), Some(Operation::ListFailedLogins)),
            ("PATCH", "/client/v4/accounts/x/access/seats".to_string(), Some(Operation::EditSeats)),
            ("PUT", "/client/v4/accounts/x/access/seats".to_string(), None),
            ("POST", "/client/v4/accounts/x/access/organizations/revoke_user".to_string(), Some(Operation::RevokeUser)),
            ("GET", "/client/v4/accounts/x/access/organizations/revoke_user".to_string(), None),
            ("GET", format!("{u}/"), None),
            ("GET", format!("{u}/other"), None),
            ("GET", "/accounts/x/access/users".to_string(), None),
            ("GET", "/client/v4".to_string(), None),
        ];
        for (method, path, want) in cases {
            assert_eq!(Operation::classify(method, &path), want, "{method} {path}");
        }
        for op in Operation::ALL {
            assert!(op.path_template().starts_with("/accounts/"), "{op}");
        }
    }
}
