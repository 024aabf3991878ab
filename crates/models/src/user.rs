use serde::{Deserialize, Serialize};

use crate::de::{lenient_u64, opt_timestamp};
use crate::{Timestamp, UserId, ValidationError, validate_email};

/// An Access user: the result of create, get and update, and the item of list.
///
/// Every field is optional because the API may omit or null any of them.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// The user's id (a UUID), used as the `user_id` path parameter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `true` if the user has authenticated with Cloudflare Access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_seat: Option<bool>,
    /// The number of active devices registered to the user.
    #[serde(default, deserialize_with = "lenient_u64", skip_serializing_if = "Option::is_none")]
    pub active_device_count: Option<u64>,
    /// When the user was created.
    #[serde(default, deserialize_with = "opt_timestamp", skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    /// The user's email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// `true` if the user has logged into the WARP client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway_seat: Option<bool>,
    /// The last successful login; `None` if the user never logged in.
    #[serde(default, deserialize_with = "opt_timestamp", skip_serializing_if = "Option::is_none")]
    pub last_successful_login: Option<Timestamp>,
    /// The user's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The API id of the user's Zero Trust seat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seat_uid: Option<String>,
    /// The API id of the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    /// When the user was last updated.
    #[serde(default, deserialize_with = "opt_timestamp", skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
}

impl User {
    /// The user's [`id`](User::id) as a validated [`UserId`], ready for the next call.
    ///
    /// # Errors
    ///
    /// A [`ValidationError`] for `user_id` when the id is missing or not a UUID.
    pub fn user_id(&self) -> Result<UserId, ValidationError> {
        UserId::new(self.id.as_deref().unwrap_or_default())
    }
}

/// The body of *create a user*: an email (required) and a name (optional).
///
/// ```
/// use cfzt_models::CreateUserParams;
/// let params = CreateUserParams::new("jdoe@example.com").name("Jane Doe");
/// assert_eq!(serde_json::to_string(&params)?, r#"{"email":"jdoe@example.com","name":"Jane Doe"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateUserParams {
    /// The new user's email address.
    pub email: String,
    /// The new user's name, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl CreateUserParams {
    /// Params for a user with this email and no name.
    pub fn new(email: impl Into<String>) -> Self {
        Self { email: email.into(), name: None }
    }

    /// Sets the user's name.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Checks the params before they are sent; the email by [`validate_email`].
    ///
    /// # Errors
    ///
    /// A [`ValidationError`] naming `email` or `name`.
    pub fn validate(&self) -> Result<(), ValidationError> {
        validate_email(&self.email)?;
        match &self.name {
            Some(name) => check_name(name),
            None => Ok(()),
        }
    }
}

/// The body of *update a user*: the user's **current** email, as confirmation, and the new
/// name. Only the name changes; the API refuses the call when the email does not match.
///
/// ```
/// use cfzt_models::UpdateUserParams;
/// let params = UpdateUserParams::new("jdoe@example.com", "Jane Q. Doe");
/// assert_eq!(serde_json::to_string(&params)?, r#"{"email":"jdoe@example.com","name":"Jane Q. Doe"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateUserParams {
    /// The user's current email address, which confirms the update.
    pub email: String,
    /// The user's new name.
    pub name: String,
}

impl UpdateUserParams {
    /// Params that rename the user whose current email is `current_email`.
    pub fn new(current_email: impl Into<String>, name: impl Into<String>) -> Self {
        Self { email: current_email.into(), name: name.into() }
    }

    /// Checks the params before they are sent; the email by [`validate_email`].
    ///
    /// # Errors
    ///
    /// A [`ValidationError`] naming `email` or `name`.
    pub fn validate(&self) -> Result<(), ValidationError> {
        validate_email(&self.email)?;
        check_name(&self.name)
    }
}

/// The query of *list users*: optional filters and the page to fetch.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListUsersQuery {
    /// Only users with this email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Only users with this name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Only users whose name or email matches this search.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
    /// The page to fetch, starting at 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u64>,
    /// How many users per page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_page: Option<u64>,
}

impl ListUsersQuery {
    /// The query's parameters as `(name, value)` pairs, in a fixed order, for a URL.
    pub fn pairs(&self) -> impl Iterator<Item = (&'static str, String)> + '_ {
        [
            ("email", self.email.clone()),
            ("name", self.name.clone()),
            ("search", self.search.clone()),
            ("page", self.page.map(|p| p.to_string())),
            ("per_page", self.per_page.map(|p| p.to_string())),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
    }

    /// Checks the query before it is sent.
    ///
    /// # Errors
    ///
    /// A [`ValidationError`] naming `email` when the email filter holds whitespace, a
    /// control or an invisible formatting character (the character rule of
    /// [`validate_email`]; its shape is left to the API), or `page` or `per_page` when one is
    /// zero.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if let Some(email) = &self.email {
            crate::validation::validate_email_chars(email)?;
        }
        if self.page == Some(0) {
            return Err(ValidationError::new("page", "pages are numbered from 1"));
        }
        if self.per_page == Some(0) {
            return Err(ValidationError::new("per_page", "must be positive"));
        }
        Ok(())
    }
}

/// The result of *delete a user*. The API documents it as untyped (`{}` or `null`); any
/// fields it does send are kept.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DeleteUserResult {
    /// The deleted user's id, when the API echoes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Any other fields of the result.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

fn check_name(name: &str) -> Result<(), ValidationError> {
    if name.trim().is_empty() {
        return Err(ValidationError::new("name", "must not be empty"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The documented example of a user (`shared/api`), decoded to exactly its values.
    #[test]
    fn decodes_the_documented_user() {
        // The documented example, plus a field this crate does not know.
        let json = crate::examples::USER.replacen('{', r#"{"future_field":[1],"#, 1);
        let user: User = serde_json::from_str(&json).unwrap();
        let ts = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&chrono::Utc);
        let want = User {
            id: Some("f174e90a-fafe-4643-bbbc-4a0ed4fc8415".into()),
            access_seat: Some(false),
            active_device_count: Some(2),
            created_at: Some(ts("2014-01-01T05:20:00.12345Z")),
            email: Some("jdoe@example.com".into()),
            gateway_seat: Some(false),
            last_successful_login: Some(ts("2020-07-01T05:20:00Z")),
            name: Some("Jane Doe".into()),
            seat_uid: Some("seat_uid".into()),
            uid: Some("uid".into()),
            updated_at: Some(ts("2014-01-01T05:20:00.12345Z")),
        };
        assert_eq!(user, want);
        assert_eq!(user.created_at.unwrap().timestamp_subsec_nanos(), 123_450_000);
        assert_eq!(user.user_id().unwrap().as_str(), "f174e90a-fafe-4643-bbbc-4a0ed4fc8415");
    }

    #[test]
    fn an_empty_object_is_a_user_with_nothing_known() {
        let user: User = serde_json::from_str("{}").unwrap();
        assert_eq!(user, User::default());
        assert_eq!(user.user_id().unwrap_err().field(), "user_id");
    }

    #[test]
    fn params_validation_names_the_field() {
        let cases: [(Result<(), ValidationError>, Option<&str>); 7] = [
            (UpdateUserParams::new("jdoe@example.com", "Jane").validate(), None),
            (UpdateUserParams::new("", "Jane").validate(), Some("email")),
            (UpdateUserParams::new("jdoe", "Jane").validate(), Some("email")),
            (UpdateUserParams::new(" jdoe@example.com", "Jane").validate(), Some("email")),
            (UpdateUserParams::new("jdoe@example.com", "  ").validate(), Some("name")),
            (CreateUserParams::new("a@b").validate(), None),
            (CreateUserParams::new("a@b").name("").validate(), Some("name")),
        ];
        for (i, (got, field)) in cases.into_iter().enumerate() {
            assert_eq!(got.err().map(|e| e.field()), field, "case {i}");
        }
    }

    #[test]
    fn list_query_pairs_and_validation() {
        let mut q = ListUsersQuery { search: Some("jane doe".into()), per_page: Some(50), ..Default::default() };
        let pairs: Vec<_> = q.pairs().collect();
        assert_eq!(pairs, [("search", "jane doe".to_string()), ("per_page", "50".to_string())]);
        q.per_page = Some(0);
        assert_eq!(q.validate().unwrap_err().field(), "per_page");
    }

    /// Every params type that carries an email refuses the same characters, naming `email`.
    #[test]
    fn every_email_field_refuses_controls_and_whitespace() {
        for bad in ["a@b\r", "a@b\n", "a\0@b", "a@\tb", "a @b", "a@b\u{a0}", "a@b\u{1b}", "a\u{200b}@b"] {
            let list = ListUsersQuery { email: Some(bad.into()), ..Default::default() };
            let results = [
                CreateUserParams::new(bad).validate(),
                CreateUserParams::new(bad).name("Jane").validate(),
                UpdateUserParams::new(bad, "Jane").validate(),
                list.validate(),
            ];
            for (i, got) in results.into_iter().enumerate() {
                assert_eq!(got.map_err(|e| e.field()), Err("email"), "{bad:?} case {i}");
            }
        }
        let list = ListUsersQuery { email: Some("jdoe".into()), ..Default::default() };
        assert_eq!(list.validate(), Ok(()), "the filter's shape is the API's business");
    }
}
