//! The in-memory state: accounts, their users, and each user's sessions, identity and
//! failed logins.

use std::collections::HashMap;

use cfzt_models::{ActiveSession, ActiveSessionDetail, FailedLogin, Identity, User};
use serde_json::json;

/// The account of the demo data, from the API guide's examples.
pub const DEMO_ACCOUNT_ID: &str = "023e105f4ecef8ad9ca31a8372d0c353";
/// The id of the demo user Jane Doe, who has a session, an identity and a failed login.
pub const DEMO_USER_ID: &str = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415";
/// The email of [`DEMO_USER_ID`].
pub const DEMO_USER_EMAIL: &str = "jdoe@example.com";
/// The name of [`DEMO_USER_ID`].
pub const DEMO_USER_NAME: &str = "Jane Doe";
/// The nonce of the demo user's one active session.
pub const DEMO_SESSION_NONCE: &str = "X1aXj1lFVcqqyoXF";

/// One active session: the list item and the detail, addressed by `nonce`.
#[derive(Debug, Clone)]
pub(crate) struct SessionRecord {
    pub(crate) nonce: String,
    pub(crate) summary: ActiveSession,
    pub(crate) detail: ActiveSessionDetail,
}

/// A user with everything the API says about them.
#[derive(Debug, Clone)]
pub(crate) struct UserRecord {
    pub(crate) user: User,
    pub(crate) sessions: Vec<SessionRecord>,
    pub(crate) identity: Option<Identity>,
    pub(crate) failed_logins: Vec<FailedLogin>,
}

impl UserRecord {
    pub(crate) fn new(user: User) -> UserRecord {
        UserRecord { user, sessions: Vec::new(), identity: None, failed_logins: Vec::new() }
    }

    fn id(&self) -> &str {
        self.user.id.as_deref().unwrap_or_default()
    }

    pub(crate) fn email(&self) -> &str {
        self.user.email.as_deref().unwrap_or_default()
    }
}

/// Why a user could not be created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CreateError {
    EmailTaken,
}

/// All accounts. An account that was never written to has no users.
#[derive(Debug, Default)]
pub(crate) struct Store {
    accounts: HashMap<String, Vec<UserRecord>>,
}

impl Store {
    /// The demo data: five users in [`DEMO_ACCOUNT_ID`], the first with a session, an
    /// identity and a failed login.
    pub(crate) fn demo() -> Store {
        let mut store = Store::default();
        let users = store.accounts.entry(DEMO_ACCOUNT_ID.to_string()).or_default();
        let mut jane = UserRecord::new(decode(demo_user_json()));
        jane.sessions.push(SessionRecord {
            nonce: DEMO_SESSION_NONCE.to_string(),
            summary: decode(demo_session_json()),
            detail: decode(demo_session_detail_json()),
        });
        jane.identity = Some(decode(demo_identity_json()));
        jane.failed_logins.push(decode(demo_failed_login_json()));
        users.push(jane);
        users.push(UserRecord::new(decode(json!({
            "id": "4a1b5c3e-7d2f-4e8a-9b6c-0d1e2f3a4b5c", "access_seat": false, "active_device_count": 0,
            "created_at": "2024-03-05T10:00:00Z", "email": "rroe@example.com", "gateway_seat": true,
            "last_successful_login": "2024-03-06T08:15:00Z", "name": "Richard Roe", "seat_uid": "seat_uid_2",
            "uid": "uid_2", "updated_at": "2024-03-06T08:15:00Z"
        }))));
        let more = [
            ("7c9e6679-7425-40de-944b-e07fc1f90ae7", "asmith@example.com", "Alice Smith", "2024-04-10T09:00:00Z", 3),
            ("3f2504e0-4f89-41d3-9a0c-0305e82c3301", "bjones@example.com", "Bob Jones", "2024-04-11T14:30:00Z", 4),
            ("9b2f6f4e-1c3d-4e5f-8a7b-6c5d4e3f2a1b", "cgarcia@example.com", "Carla Garcia", "2024-04-12T16:45:00Z", 5),
        ];
        for (id, email, name, at, n) in more {
            users.push(UserRecord::new(decode(json!({
                "id": id, "access_seat": true, "active_device_count": 1, "created_at": at, "email": email,
                "gateway_seat": false, "name": name, "seat_uid": format!("seat_uid_{n}"), "uid": format!("uid_{n}"),
                "updated_at": at
            }))));
        }
        store
    }

    /// The users of `account`, in creation order.
    pub(crate) fn users(&self, account: &str) -> &[UserRecord] {
        self.accounts.get(account).map(Vec::as_slice).unwrap_or_default()
    }

    pub(crate) fn find(&self, account: &str, user_id: &str) -> Option<&UserRecord> {
        self.users(account).iter().find(|r| r.id().eq_ignore_ascii_case(user_id))
    }

    pub(crate) fn find_mut(&mut self, account: &str, user_id: &str) -> Option<&mut UserRecord> {
        self.accounts.get_mut(account)?.iter_mut().find(|r| r.id().eq_ignore_ascii_case(user_id))
    }

    /// Adds a new user with a fresh id, as *create a user* does.
    pub(crate) fn create(&mut self, account: &str, email: &str, name: Option<String>) -> Result<User, CreateError> {
        if self.users(account).iter().any(|r| r.email().eq_ignore_ascii_case(email)) {
            return Err(CreateError::EmailTaken);
        }
        let now = chrono::Utc::now();
        let mut user = User::default();
        user.id = Some(uuid::Uuid::new_v4().to_string());
        user.access_seat = Some(false);
        user.active_device_count = Some(0);
        user.created_at = Some(now);
        user.email = Some(email.to_string());
        user.gateway_seat = Some(false);
        user.name = name;
        user.seat_uid = Some(uuid::Uuid::new_v4().simple().to_string());
        user.uid = Some(uuid::Uuid::new_v4().to_string());
        user.updated_at = Some(now);
        self.accounts.entry(account.to_string()).or_default().push(UserRecord::new(user.clone()));
        Ok(user)
    }

    /// Removes a user with their sessions, identity and failed logins.
    pub(crate) fn delete(&mut self, account: &str, user_id: &str) -> Option<UserRecord> {
        let users = self.accounts.get_mut(account)?;
        let index = users.iter().position(|r| r.id().eq_ignore_ascii_case(user_id))?;
        Some(users.remove(index))
    }
}

fn decode<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).expect("the built-in demo data matches the models")
}

fn demo_user_json() -> serde_json::Value {
    json!({
        "id": DEMO_USER_ID, "access_seat": false, "active_device_count": 2,
        "created_at": "2014-01-01T05:20:00.12345Z", "email": DEMO_USER_EMAIL, "gateway_seat": false,
        "last_successful_login": "2020-07-01T05:20:00Z", "name": DEMO_USER_NAME, "seat_uid": "seat_uid",
        "uid": "uid", "updated_at": "2014-01-01T05:20:00.12345Z"
    })
}

fn demo_session_json() -> serde_json::Value {
    json!({
        "expiration": 1694813506, "name": "name",
        "metadata": {
            "apps": {"cc2a8145-0128-4429-87f3-872c4d380c4e": {
                "hostname": "test.example.com", "name": "app name", "type": "self_hosted",
                "uid": "cc2a8145-0128-4429-87f3-872c4d380c4e"}},
            "expires": 1694813506, "iat": 1694791905, "nonce": DEMO_SESSION_NONCE, "ttl": 21600
        }
    })
}

fn demo_session_detail_json() -> serde_json::Value {
    json!({
        "account_id": "1234567890", "auth_status": "NONE", "common_name": "", "device_id": "",
        "device_sessions": {"device-1": {"last_authenticated": 1638832687}},
        "devicePosture": {"rule-1": {
            "id": "rule-1", "check": {"exists": true, "path": "/usr/bin/example"}, "data": {},
            "description": "Example posture rule", "error": "", "rule_name": "Example rule",
            "success": true, "timestamp": "2023-09-15T15:31:45Z", "type": "file"}},
        "email": "test@cloudflare.com", "geo": {"country": "US"}, "iat": 1694791905,
        "idp": {"id": "2b6a3c1d-0000-4000-8000-000000000001", "type": "onetimepin"}, "ip": "127.0.0.0",
        "is_gateway": false, "is_warp": false, "isActive": true,
        "mtls_auth": {"auth_status": "NONE", "cert_issuer_dn": "", "cert_issuer_ski": "",
                      "cert_presented": false, "cert_serial": ""},
        "service_token_id": "", "service_token_status": false,
        "user_uuid": "57cf8cf2-f55a-4588-9ac9-f5e41e9f09b4", "version": 2
    })
}

fn demo_identity_json() -> serde_json::Value {
    json!({
        "account_id": "1234567890", "auth_status": "NONE", "common_name": "", "device_id": "",
        "device_sessions": {"device-1": {"last_authenticated": 1638832687}}, "devicePosture": {},
        "email": "test@cloudflare.com", "geo": {"country": "US"}, "iat": 1694791905,
        "idp": {"id": "2b6a3c1d-0000-4000-8000-000000000001", "type": "onetimepin"}, "ip": "127.0.0.0",
        "is_gateway": false, "is_warp": false, "mtls_auth": {"auth_status": "NONE", "cert_presented": false},
        "service_token_id": "", "service_token_status": false,
        "user_uuid": "57cf8cf2-f55a-4588-9ac9-f5e41e9f09b4", "version": 2
    })
}

fn demo_failed_login_json() -> serde_json::Value {
    json!({
        "expiration": 0,
        "metadata": {
            "app_name": "Test App", "aud": "39691c1480a2352a18ece567debc2b32552686cbd38eec0887aa18d5d3f00c04",
            "datetime": "2022-02-02T21:54:34.914Z", "ray_id": "6d76a8a42ead4133",
            "user_email": "test@cloudflare.com", "user_uuid": "57171132-e453-4ee8-b2a5-8cbaad333207"
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_has_five_users_and_janes_extras() {
        let store = Store::demo();
        assert_eq!(store.users(DEMO_ACCOUNT_ID).len(), 5);
        let jane = store.find(DEMO_ACCOUNT_ID, &DEMO_USER_ID.to_uppercase()).unwrap();
        assert_eq!(jane.sessions[0].summary.metadata.as_ref().unwrap().nonce.as_deref(), Some(DEMO_SESSION_NONCE));
        assert!(jane.identity.is_some());
        assert_eq!(jane.failed_logins.len(), 1);
        assert!(store.users("other").is_empty());
        for r in store.users(DEMO_ACCOUNT_ID) {
            assert!(r.user.user_id().is_ok(), "{:?}", r.user.id);
        }
    }

    #[test]
    fn create_refuses_duplicate_email_and_delete_removes() {
        let mut store = Store::demo();
        assert_eq!(store.create(DEMO_ACCOUNT_ID, "JDOE@example.com", None), Err(CreateError::EmailTaken));
        let user = store.create("acc", "JDOE@example.com", Some("J".into())).unwrap();
        assert_eq!(user.access_seat, Some(false));
        let id = user.id.unwrap();
        assert!(store.delete("acc", &id).is_some());
        assert!(store.find("acc", &id).is_none());
    }
}
