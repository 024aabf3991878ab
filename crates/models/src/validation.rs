use std::fmt;

/// A value the caller supplied that cannot be sent: it names the field and says why.
///
/// Returned by the id parsers ([`crate::AccountId`], [`crate::UserId`],
/// [`crate::SessionNonce`]) and by the `validate` methods of the request params.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid `{field}`: {reason}")]
pub struct ValidationError {
    field: &'static str,
    reason: String,
}

impl ValidationError {
    /// A validation error for `field`, with a short reason.
    pub fn new(field: &'static str, reason: impl fmt::Display) -> Self {
        Self { field, reason: reason.to_string() }
    }

    /// The name of the field as the API spells it, e.g. `user_id` or `email`.
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// Why the value was refused.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}
