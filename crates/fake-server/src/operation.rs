//! The operations (the nine and the two next to them) and how a request path maps to one.

use std::fmt;

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

    /// The HTTP method of the operation, e.g. `"POST"`.
    pub fn method(self) -> &'static str {
        match self {
            Operation::CreateUser | Operation::RevokeUser => "POST",
            Operation::EditSeats => "PATCH",
            Operation::UpdateUser => "PUT",
            Operation::DeleteUser => "DELETE",
            _ => "GET",
        }
    }

    /// The path template of the operation, relative to the base URL, e.g.
    /// `/accounts/{account_id}/access/users/{user_id}`.
    pub fn path_template(self) -> &'static str {
        match self {
            Operation::CreateUser | Operation::ListUsers => "/accounts/{account_id}/access/users",
            Operation::GetUser | Operation::UpdateUser | Operation::DeleteUser => {
                "/accounts/{account_id}/access/users/{user_id}"
            }
            Operation::ListActiveSessions => "/accounts/{account_id}/access/users/{user_id}/active_sessions",
            Operation::GetActiveSession => "/accounts/{account_id}/access/users/{user_id}/active_sessions/{nonce}",
            Operation::GetLastSeenIdentity => "/accounts/{account_id}/access/users/{user_id}/last_seen_identity",
            Operation::ListFailedLogins => "/accounts/{account_id}/access/users/{user_id}/failed_logins",
            Operation::EditSeats => "/accounts/{account_id}/access/seats",
            Operation::RevokeUser => "/accounts/{account_id}/access/organizations/revoke_user",
        }
    }

    /// A short snake_case name, e.g. `"update_user"`.
    pub fn name(self) -> &'static str {
        match self {
            Operation::CreateUser => "create_user",
            Operation::ListUsers => "list_users",
            Operation::GetUser => "get_user",
            Operation::UpdateUser => "update_user",
            Operation::DeleteUser => "delete_user",
            Operation::ListActiveSessions => "list_active_sessions",
            Operation::GetActiveSession => "get_active_session",
            Operation::GetLastSeenIdentity => "get_last_seen_identity",
            Operation::ListFailedLogins => "list_failed_logins",
            Operation::EditSeats => "edit_seats",
            Operation::RevokeUser => "revoke_user",
        }
    }

    /// The operation a request with this method and path (the full path, with the
    /// [`API_PREFIX`]) would reach, or `None` if it reaches none.
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
        let segments: Vec<&str> = rest.split('/').collect();
        if segments.iter().any(|s| s.is_empty()) {
            return None;
        }
        let op = match segments.as_slice() {
            ["accounts", _, "access", "users"] => match method {
                "POST" => Operation::CreateUser,
                "GET" => Operation::ListUsers,
                _ => return None,
            },
            ["accounts", _, "access", "users", _] => match method {
                "GET" => Operation::GetUser,
                "PUT" => Operation::UpdateUser,
                "DELETE" => Operation::DeleteUser,
                _ => return None,
            },
            ["accounts", _, "access", "users", _, "active_sessions"] => Operation::ListActiveSessions,
            ["accounts", _, "access", "users", _, "active_sessions", _] => Operation::GetActiveSession,
            ["accounts", _, "access", "users", _, "last_seen_identity"] => Operation::GetLastSeenIdentity,
            ["accounts", _, "access", "users", _, "failed_logins"] => Operation::ListFailedLogins,
            ["accounts", _, "access", "seats"] => Operation::EditSeats,
            ["accounts", _, "access", "organizations", "revoke_user"] => Operation::RevokeUser,
            _ => return None,
        };
        (op.method() == method).then_some(op)
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
