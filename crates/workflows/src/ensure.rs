//! Creating a user safely: never a blind second create after a failure that may have
//! reached the server.

use cfzt_access_users::{CreateUserParams, Error, User};
use serde::{Deserialize, Serialize};

use crate::{WorkflowError, Workflows};

/// What [`Workflows::ensure_user`] found or did.
///
/// ```
/// use cfzt_workflows::Ensured;
/// let ensured = Ensured::Existed(Default::default());
/// assert!(!ensured.created());
/// assert_eq!(serde_json::to_string(&ensured)?, r#"{"existed":{}}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ensured {
    /// This call created the user.
    Created(User),
    /// The user existed before this call (the create was refused as a conflict, or the
    /// user was found first).
    Existed(User),
    /// The create's answer was lost (a timeout, a broken connection or a 5xx after the
    /// request may have reached the server) and the user exists now: created by this
    /// call or by someone else, which cannot be told apart.
    Present(User),
}

impl Ensured {
    /// The user, however it came to exist.
    pub fn user(&self) -> &User {
        match self {
            Self::Created(u) | Self::Existed(u) | Self::Present(u) => u,
        }
    }

    /// Consumes `self` and returns the user.
    pub fn into_user(self) -> User {
        match self {
            Self::Created(u) | Self::Existed(u) | Self::Present(u) => u,
        }
    }

    /// `true` only when this call certainly created the user.
    pub fn created(&self) -> bool {
        matches!(self, Self::Created(_))
    }
}

/// `true` when a failed create may nonetheless have created the user: the request may
/// have reached the server and no clear refusal came back.
pub(crate) fn may_have_taken_effect(error: &Error) -> bool {
    match error {
        Error::Transport(failure) => failure.source.may_have_reached_server(),
        // A 2xx whose body could not be read: the create happened.
        Error::Decode(_) => true,
        Error::Api(api) => is_server_side(api.status.as_u16()),
        _ => false,
    }
}

/// 5xx and 408: the server received the request and gave no verdict.
fn is_server_side(status: u16) -> bool {
    status == 408 || (500..600).contains(&status)
}

impl Workflows {
    /// Makes sure a user with `email` exists, creating it with `name` if not.
    ///
    /// It creates first (one request in the common case). On a conflict, or on a failure
    /// after which the create may have taken effect, it looks the user up by email
    /// ([`Workflows::find_by_email`]) instead of sending the create again. Only when that
    /// lookup proves the user absent after an ambiguous failure is the create sent once
    /// more.
    ///
    /// ```no_run
    /// # async fn run(workflows: cfzt_workflows::Workflows) -> Result<(), cfzt_workflows::WorkflowError> {
    /// let ensured = workflows.ensure_user("jdoe@example.com", Some("Jane Doe")).await?;
    /// println!("{} {:?}", if ensured.created() { "created" } else { "kept" }, ensured.user().id);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// A validation error naming `email` or `name` (nothing is sent); the create's error
    /// when it was a clear refusal (e.g. 400, 403, 429), or when a conflict was reported
    /// but no user with that email can be found; the lookup's error.
    pub async fn ensure_user(&self, email: &str, name: Option<&str>) -> Result<Ensured, WorkflowError> {
        let mut params = CreateUserParams::new(email);
        if let Some(name) = name {
            params = params.name(name);
        }
        params.validate().map_err(Error::from)?;
        let mut retried = false;
        loop {
            let error = match self.users.create(params.clone()).await {
                Ok(user) => return Ok(Ensured::Created(user)),
                Err(error) => error,
            };
            let ambiguous = may_have_taken_effect(&error);
            if !error.is_conflict() && !ambiguous {
                return Err(error.into());
            }
            match self.find_by_email(email).await? {
                Some(user) if error.is_conflict() => return Ok(Ensured::Existed(user)),
                Some(user) => return Ok(Ensured::Present(user)),
                // The create certainly did not take effect: one more is not blind.
                None if ambiguous && !retried => retried = true,
                None => return Err(error.into()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_server_side;

    #[test]
    fn server_side_statuses() {
        for (status, want) in
            [(408, true), (500, true), (502, true), (599, true), (400, false), (409, false), (429, false)]
        {
            assert_eq!(is_server_side(status), want, "{status}");
        }
    }
}
