//! The one error type of the workflows.

/// Why a workflow call failed.
///
/// A failure of one person inside a bulk workflow is not an error of the call: it is
/// recorded in the [`Report`](crate::Report) and the others go on.
///
/// ```
/// use cfzt_workflows::WorkflowError;
/// let e = WorkflowError::AmbiguousEmail { email: "jdoe@example.com".into(), matches: 2 };
/// assert!(e.is_ambiguous() && !e.is_retryable());
/// assert_eq!(e.to_string(), r#"2 users have the email "jdoe@example.com" (ignoring case); refusing to pick one"#);
/// ```
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    /// A call to the API failed (or a value was refused before anything was sent).
    #[error(transparent)]
    Api(#[from] cfzt_access_users::Error),
    /// More than one user has this email once case is ignored, so no single user can be
    /// picked safely.
    #[error("{matches} users have the email {email:?} (ignoring case); refusing to pick one")]
    AmbiguousEmail {
        /// The email asked for.
        email: String,
        /// How many users matched it.
        matches: usize,
    },
    /// *Revoke a user* answered with success but `result: false`, which the API does not
    /// document; it is taken as "not revoked".
    #[error("revoke_user answered `result: false` for {email:?}: the tokens were not revoked")]
    NotRevoked {
        /// The email of the user.
        email: String,
    },
}

impl WorkflowError {
    /// The API error, when the failure came from a call.
    pub fn as_api(&self) -> Option<&cfzt_access_users::Error> {
        match self {
            Self::Api(e) => Some(e),
            _ => None,
        }
    }

    /// `true` when more than one user matched an email.
    pub fn is_ambiguous(&self) -> bool {
        matches!(self, Self::AmbiguousEmail { .. })
    }

    /// `true` when the API answered HTTP 404.
    pub fn is_not_found(&self) -> bool {
        self.as_api().is_some_and(cfzt_access_users::Error::is_not_found)
    }

    /// `true` when the same call may pass later (see [`cfzt_access_users::Error::is_retryable`]).
    pub fn is_retryable(&self) -> bool {
        self.as_api().is_some_and(cfzt_access_users::Error::is_retryable)
    }
}
