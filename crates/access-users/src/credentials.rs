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
    pub(crate) fn headers(&self) -> Result<Vec<(HeaderName, HeaderValue)>, ConfigError> {
        match self {
            Self::ApiToken(token) => {
                let token = token.expose_secret();
                if token.trim().is_empty() {
                    return Err(ConfigError::new("the API token is empty"));
                }
                Ok(vec![(AUTHORIZATION, sensitive(&format!("Bearer {token}"), "the API token")?)])
            }
            Self::GlobalApiKey { email, key } => {
                if email.trim().is_empty() {
                    return Err(ConfigError::new("the email for the global API key is empty"));
                }
                if key.expose_secret().trim().is_empty() {
                    return Err(ConfigError::new("the global API key is empty"));
                }
                Ok(vec![
                    (HeaderName::from_static("x-auth-email"), sensitive(email, "the email")?),
                    (HeaderName::from_static("x-auth-key"), sensitive(key.expose_secret(), "the global API key")?),
                ])
            }
        }
    }
}

fn sensitive(value: &str, what: &str) -> Result<HeaderValue, ConfigError> {
    let mut value = HeaderValue::from_str(value)
        .map_err(|_| ConfigError::new(format!("{what} contains characters that are not allowed in an HTTP header")))?;
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
