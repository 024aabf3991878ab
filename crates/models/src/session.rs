use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// An item of a user's active sessions list.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ActiveSession {
    /// When the session expires (Unix seconds, going by the documented examples).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration: Option<i64>,
    /// The session's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The session's details, including the [`nonce`](ActiveSessionMetadata::nonce) that
    /// addresses it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<ActiveSessionMetadata>,
}

/// The `metadata` of an [`ActiveSession`].
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ActiveSessionMetadata {
    /// The applications of the session, keyed by (probably) the application's uid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apps: Option<HashMap<String, SessionApp>>,
    /// When the session expires (Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<i64>,
    /// When the session was issued (Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    /// The nonce that addresses this session in *get an active session*.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// The session's lifetime in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<i64>,
}

/// An application a session has reached.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionApp {
    /// The application's hostname.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    /// The application's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The application's type, e.g. `self_hosted`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub app_type: Option<String>,
    /// The application's uid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
}

/// The identity Access last saw for a user: the result of *get last seen identity*, and the
/// base of [`ActiveSessionDetail`].
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Identity {
    /// The account the identity belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// The authentication status, e.g. `NONE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_status: Option<String>,
    /// The common name of a client certificate, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub common_name: Option<String>,
    /// The device id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// Device sessions, keyed by device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_sessions: Option<HashMap<String, DeviceSession>>,
    /// Device posture results, keyed by rule (`devicePosture` in JSON).
    #[serde(default, rename = "devicePosture", skip_serializing_if = "Option::is_none")]
    pub device_posture: Option<HashMap<String, PostureResult>>,
    /// The user's email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Where the user was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geo: Option<Geo>,
    /// When the identity was issued (Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<f64>,
    /// The identity provider the user logged in with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idp: Option<IdentityProvider>,
    /// The IP address the user came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// `true` if the identity came through Gateway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_gateway: Option<bool>,
    /// `true` if the identity came through WARP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_warp: Option<bool>,
    /// Mutual TLS details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mtls_auth: Option<MtlsAuth>,
    /// The service token id, when a service token was used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_token_id: Option<String>,
    /// `true` if a service token was used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_token_status: Option<bool>,
    /// The user's UUID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_uuid: Option<String>,
    /// The identity's version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<f64>,
}

/// One active session in full: the [`Identity`] plus whether the session is active.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ActiveSessionDetail {
    /// The session's identity.
    #[serde(flatten)]
    pub identity: Identity,
    /// `true` while the session is active (`isActive` in JSON).
    #[serde(default, rename = "isActive", skip_serializing_if = "Option::is_none")]
    pub is_active: Option<bool>,
}

/// A device session in [`Identity::device_sessions`].
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DeviceSession {
    /// When the device last authenticated (Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_authenticated: Option<f64>,
}

/// A device posture rule result in [`Identity::device_posture`].
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PostureResult {
    /// The rule's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// What the rule checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<PostureCheck>,
    /// Free-form data reported by the check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<serde_json::Value>,
    /// The rule's description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// An error the check reported, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The rule's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_name: Option<String>,
    /// `true` if the check passed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success: Option<bool>,
    /// When the check ran, as sent (no format is documented).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    /// The check's type, e.g. `file`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub check_type: Option<String>,
}

/// The `check` of a [`PostureResult`].
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostureCheck {
    /// Whether the checked thing exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exists: Option<bool>,
    /// The checked path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// Where a user was, in [`Identity::geo`].
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Geo {
    /// The country code, e.g. `US`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// The identity provider in [`Identity::idp`].
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityProvider {
    /// The provider's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The provider's type, e.g. `onetimepin`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub idp_type: Option<String>,
}

/// Mutual TLS details in [`Identity::mtls_auth`].
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MtlsAuth {
    /// The mTLS authentication status, e.g. `NONE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_status: Option<String>,
    /// The certificate issuer's distinguished name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert_issuer_dn: Option<String>,
    /// The certificate issuer's subject key identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert_issuer_ski: Option<String>,
    /// `true` if a certificate was presented.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert_presented: Option<bool>,
    /// The certificate's serial number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert_serial: Option<String>,
}

/// An item of a user's failed logins.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FailedLogin {
    /// The expiration of the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration: Option<i64>,
    /// Details of the failed login, untyped as in the official SDKs. The documented example
    /// has `app_name`, `aud`, `datetime`, `ray_id`, `user_email` and `user_uuid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_documented_active_session_detail() {
        let json = crate::examples::ACTIVE_SESSION_DETAIL;
        let s: ActiveSessionDetail = serde_json::from_str(json).unwrap();
        assert_eq!(s.is_active, Some(true));
        let id = &s.identity;
        assert_eq!(id.email.as_deref(), Some("test@cloudflare.com"));
        assert_eq!(id.iat, Some(1694791905.0));
        assert_eq!(id.device_sessions.as_ref().unwrap()["device-1"].last_authenticated, Some(1638832687.0));
        let rule = &id.device_posture.as_ref().unwrap()["rule-1"];
        assert_eq!(rule.check_type.as_deref(), Some("file"));
        assert_eq!(rule.check.as_ref().unwrap().path.as_deref(), Some("/usr/bin/example"));
        assert_eq!(id.idp.as_ref().unwrap().idp_type.as_deref(), Some("onetimepin"));
        assert_eq!(id.mtls_auth.as_ref().unwrap().cert_presented, Some(false));
        assert_eq!(id.version, Some(2.0));
        // Serializing gives back the camelCase keys.
        let back = serde_json::to_value(&s).unwrap();
        assert_eq!(back["isActive"], true);
        assert!(back["devicePosture"]["rule-1"].is_object());
    }

    #[test]
    fn decodes_the_documented_active_session() {
        let json = crate::examples::ACTIVE_SESSION;
        let s: ActiveSession = serde_json::from_str(json).unwrap();
        let meta = s.metadata.unwrap();
        assert_eq!(meta.nonce.as_deref(), Some("X1aXj1lFVcqqyoXF"));
        assert_eq!(meta.ttl, Some(21600));
        let app = &meta.apps.unwrap()["cc2a8145-0128-4429-87f3-872c4d380c4e"];
        assert_eq!(app.app_type.as_deref(), Some("self_hosted"));
    }
}
