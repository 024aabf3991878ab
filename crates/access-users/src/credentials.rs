use std::fmt;

use http::HeaderValue;
use http::header::{AUTHORIZATION, HeaderName};
use secrecy::{ExposeSecret, SecretString};

use crate::error::ConfigError;

/// How the client authenticates: exactly one of Cloudflare's two schemes.
///
/// Secrets are held in [`secrecy::SecretString`]: `Debug` prints `[REDACTED]`, and the
/// headers built from them are marked sensitive so that `http`'s own `Debug` hides them too.
///
/// ```
/// use cfzt_access_users::Credentials;
/// let creds = Credentials::api_token("Sn3lZJTBX6kkg7OdcBUAxOO963GEIyGQqnFTOFYY");
/// assert!(!format!("{creds:?}").contains("Sn3l"));
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub enum Credentials {
    /// An API token, sent as `Authorization: Bearer <token>`. Preferred.
    ApiToken(SecretString),
    /// The legacy global API key, sent as `X-Auth-Email` and `X-Auth-Key`.
    GlobalApiKey {
        /// The account's email address.
        email: String,
        /// The global API key.
        key: SecretString,
    },
}

impl Credentials {
    /// An API token.
    pub fn api_token(token: impl Into<String>) -> Self {
        Self::ApiToken(SecretString::from(token.into()))
    }

    /// An email and global API key.
    pub fn global_api_key(email: impl Into<String>, key: impl Into<String>) -> Self {
        Self::GlobalApiKey { email: email.into(), key: SecretString::from(key.into()) }
    }

    /// The headers that carry these credentials, secrets marked sensitive.
    ///
    /// A token or key must be visible ASCII (no space, control or non-ASCII character) and
    /// the email an address by [`cfzt_models::validate_email`]; the error names the field
    /// and where the bad character is, never the value.
    pub(crate) fn headers(&self) -> Result<Vec<(HeaderName, HeaderValue)>, ConfigError> {
        match self {
            Self::ApiToken(token) => {
                let token = token.expose_secret();
                check_secret(token, "the API token (`api_token`, CLOUDFLARE_API_TOKEN)")?;
                Ok(vec![(AUTHORIZATION, sensitive(&format!("Bearer {token}"), "the API token")?)])
            }
            Self::GlobalApiKey { email, key } => {
                if email.trim().is_empty() {
                    return Err(ConfigError::credentials("the email for the global API key is empty"));
                }
                cfzt_models::validate_email(email).map_err(|e| {
                    ConfigError::credentials(format!("the email for the global API key (CLOUDFLARE_EMAIL): {e}"))
                })?;
                check_secret(key.expose_secret(), "the global API key (`key`, CLOUDFLARE_API_KEY)")?;
                Ok(vec![
                    (HeaderName::from_static("x-auth-email"), sensitive(email, "the email")?),
                    (HeaderName::from_static("x-auth-key"), sensitive(key.expose_secret(), "the global API key")?),
                ])
            }
        }
    }

    /// The secret values, for masking what a server sends back.
    pub(crate) fn secrets(&self) -> Vec<&str> {
        match self {
            Self::ApiToken(token) => vec![token.expose_secret()],
            Self::GlobalApiKey { key, .. } => vec![key.expose_secret()],
        }
    }
}

/// Refuses a secret that is empty or holds anything but visible ASCII (`!` to `~`): such a
/// value is a paste gone wrong (a newline, a quote's neighbour, a space), and a header could
/// not carry it as it is. The message says where, never what.
fn check_secret(secret: &str, what: &str) -> Result<(), ConfigError> {
    if secret.trim().is_empty() {
        return Err(ConfigError::credentials(format!("{what} is empty")));
    }
    match secret.chars().position(|c| !c.is_ascii_graphic()) {
        None => Ok(()),
        Some(at) => {
            let kind = match secret.chars().nth(at) {
                Some(c) if c.is_control() => "a control character",
                Some(c) if c.is_whitespace() => "whitespace",
                _ => "a non-ASCII character",
            };
            Err(ConfigError::credentials(format!(
                "{what} holds {kind} at character {} of {}; a credential is visible ASCII only \
                 (check for a pasted newline, space or quote)",
                at + 1,
                secret.chars().count()
            )))
        }
    }
}

impl Credentials {
    /// What a shared request budget is keyed by: a fingerprint of the token, or of the
    /// global API key's user (the email as [`cfzt_models::email_key`] files it, ignoring
    /// ASCII case only, as Cloudflare counts a key's requests per user: two users whose
    /// emails only Unicode case rules would merge keep two budgets). Never the secret itself.
    #[cfg(feature = "redis")]
    pub(crate) fn budget_fingerprint(&self) -> String {
        match self {
            Self::ApiToken(token) => cfzt_transport::credential_fingerprint(token.expose_secret()),
            Self::GlobalApiKey { email, .. } => {
                cfzt_transport::credential_fingerprint(format!("email:{}", cfzt_models::email_key(email.trim())))
            }
        }
    }
}

fn sensitive(value: &str, what: &str) -> Result<HeaderValue, ConfigError> {
    let mut value = HeaderValue::from_str(value).map_err(|_| {
        ConfigError::credentials(format!("{what} contains characters that are not allowed in an HTTP header"))
    })?;
    value.set_sensitive(true);
    Ok(value)
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ApiToken(_) => f.write_str("ApiToken([REDACTED])"),
            Self::GlobalApiKey { email, .. } => {
                f.debug_struct("GlobalApiKey").field("email", email).field("key", &"[REDACTED]").finish()
            }
        }
    }
}

#[cfg(all(test, feature = "redis"))]
mod tests {
    use super::*;

    #[test]
    fn a_keys_budget_is_shared_by_its_email_in_any_ascii_case_only() {
        let budget = |email: &str| Credentials::global_api_key(email, "key").budget_fingerprint();
        assert_eq!(budget("JDoe@Example.com"), budget("jdoe@example.com"));
        // KELVIN SIGN: a different user, with a budget of their own.
        assert_ne!(budget("mark@example.com"), budget("mar\u{212A}@example.com"));
    }
}
