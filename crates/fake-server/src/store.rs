//! The in-memory state: accounts, their users, and each user's sessions, identity and
//! failed logins.

use std::collections::{HashMap, HashSet};

use cfzt_models::{ActiveSession, ActiveSessionDetail, FailedLogin, Identity, User, email_key, examples};
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
    accounts: HashMap<String, Account>,
}

/// One account's users, in creation order, and their emails (each as
/// [`cfzt_models::email_key`] files it: two emails that differ beyond ASCII case, such as
/// `mark@` and `mar\u{212A}@` with a KELVIN SIGN, are two users), so that
/// the duplicate check of a create does not scan every user: seeding 100,000 users then
/// takes a moment, not most of a minute. An email never changes after the create (an
/// update confirms it and changes only the name).
#[derive(Debug, Default)]
struct Account {
    users: Vec<UserRecord>,
    emails: HashSet<String>,
}

impl Account {
    /// Adds `record` unless its email is taken.
    fn push(&mut self, record: UserRecord) -> Result<(), CreateError> {
        if !self.emails.insert(email_key(record.email())) {
            return Err(CreateError::EmailTaken);
        }
        self.users.push(record);
        Ok(())
    }
}

impl Store {
    /// The demo data: five users in [`DEMO_ACCOUNT_ID`], the first with a session, an
    /// identity and a failed login.
    pub(crate) fn demo() -> Store {
        let mut store = Store::default();
        let users = store.accounts.entry(DEMO_ACCOUNT_ID.to_string()).or_default();
        let mut jane = UserRecord::new(decode(examples::USER));
        jane.sessions.push(SessionRecord {
            nonce: DEMO_SESSION_NONCE.to_string(),
            summary: decode(examples::ACTIVE_SESSION),
            detail: decode(examples::ACTIVE_SESSION_DETAIL),
        });
        jane.identity = Some(decode(examples::IDENTITY));
        jane.failed_logins.push(decode(examples::FAILED_LOGIN));
        let mut push = |record| users.push(record).expect("the demo emails differ");
        push(jane);
        push(UserRecord::new(decode(
            &json!({
                "id": "4a1b5c3e-7d2f-4e8a-9b6c-0d1e2f3a4b5c", "access_seat": false, "active_device_count": 0,
                "created_at": "2024-03-05T10:00:00Z", "email": "rroe@example.com", "gateway_seat": true,
                "last_successful_login": "2024-03-06T08:15:00Z", "name": "Richard Roe", "seat_uid": "seat_uid_2",
                "uid": "uid_2", "updated_at": "2024-03-06T08:15:00Z"
            })
            .to_string(),
        )));
        let more = [
            ("7c9e6679-7425-40de-944b-e07fc1f90ae7", "asmith@example.com", "Alice Smith", "2024-04-10T09:00:00Z", 3),
            ("3f2504e0-4f89-41d3-9a0c-0305e82c3301", "bjones@example.com", "Bob Jones", "2024-04-11T14:30:00Z", 4),
            ("9b2f6f4e-1c3d-4e5f-8a7b-6c5d4e3f2a1b", "cgarcia@example.com", "Carla Garcia", "2024-04-12T16:45:00Z", 5),
        ];
        for (id, email, name, at, n) in more {
            push(UserRecord::new(decode(
                &json!({
                    "id": id, "access_seat": true, "active_device_count": 1, "created_at": at, "email": email,
                    "gateway_seat": false, "name": name, "seat_uid": format!("seat_uid_{n}"), "uid": format!("uid_{n}"),
                    "updated_at": at
                })
                .to_string(),
            )));
        }
        store
    }

    /// The users of `account`, in creation order.
    pub(crate) fn users(&self, account: &str) -> &[UserRecord] {
        self.accounts.get(account).map(|a| a.users.as_slice()).unwrap_or_default()
    }

    pub(crate) fn find(&self, account: &str, user_id: &str) -> Option<&UserRecord> {
        self.users(account).iter().find(|r| r.id().eq_ignore_ascii_case(user_id))
    }

    pub(crate) fn find_mut(&mut self, account: &str, user_id: &str) -> Option<&mut UserRecord> {
        self.accounts.get_mut(account)?.users.iter_mut().find(|r| r.id().eq_ignore_ascii_case(user_id))
    }

    /// Adds a new user with a fresh id, as *create a user* does.
    pub(crate) fn create(&mut self, account: &str, email: &str, name: Option<String>) -> Result<User, CreateError> {
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
        // `Account::push` is the one duplicate-email rule, for the demo data and creates alike.
        self.accounts.entry(account.to_string()).or_default().push(UserRecord::new(user.clone()))?;
        Ok(user)
    }

    /// Adds a user as given (for seeded populations).
    pub(crate) fn insert(&mut self, account: &str, user: User) -> Result<(), CreateError> {
        self.accounts.entry(account.to_string()).or_default().push(UserRecord::new(user))
    }

    /// Removes a user with their sessions, identity and failed logins.
    pub(crate) fn delete(&mut self, account: &str, user_id: &str) -> Option<UserRecord> {
        let account = self.accounts.get_mut(account)?;
        let index = account.users.iter().position(|r| r.id().eq_ignore_ascii_case(user_id))?;
        let record = account.users.remove(index);
        account.emails.remove(&email_key(record.email()));
        Some(record)
    }
}

/// Decodes one of the API guide's documented examples, which the models always accept
/// (checked by `cfzt_models::examples`' own tests).
fn decode<T: serde::de::DeserializeOwned>(example: &str) -> T {
    serde_json::from_str(example).expect("the documented examples match the models")
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
        // The email is free again once its user is gone.
        assert!(store.create("acc", "jdoe@EXAMPLE.com", None).is_ok());
    }
}
