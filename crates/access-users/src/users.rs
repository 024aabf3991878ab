//! The handles every operation hangs from: [`Users`] and [`ActiveSessions`].

use cfzt_models::{
    AccountId, ActiveSession, ActiveSessionDetail, CreateUserParams, DeleteUserResult, FailedLogin, Identity,
    SessionNonce, UpdateUserParams, User, UserId,
};
use http::Method;

use crate::request::{ApiRequest, Call, Endpoint};
use crate::{Client, ListUsers};

macro_rules! endpoint {
    ($name:literal, $method:ident, $template:literal, null_is_default: $null:literal) => {
        &Endpoint { name: $name, method: Method::$method, template: $template, null_result_is_default: $null }
    };
}

const USERS: &str = "/accounts/{account_id}/access/users";
pub(crate) const CREATE_USER: &Endpoint =
    endpoint!("create_user", POST, "/accounts/{account_id}/access/users", null_is_default: false);
pub(crate) const LIST_USERS: &Endpoint =
    endpoint!("list_users", GET, "/accounts/{account_id}/access/users", null_is_default: true);
const GET_USER: &Endpoint =
    endpoint!("get_user", GET, "/accounts/{account_id}/access/users/{user_id}", null_is_default: false);
const UPDATE_USER: &Endpoint =
    endpoint!("update_user", PUT, "/accounts/{account_id}/access/users/{user_id}", null_is_default: false);
const DELETE_USER: &Endpoint =
    endpoint!("delete_user", DELETE, "/accounts/{account_id}/access/users/{user_id}", null_is_default: true);
const LIST_ACTIVE_SESSIONS: &Endpoint = endpoint!("list_active_sessions", GET,
    "/accounts/{account_id}/access/users/{user_id}/active_sessions", null_is_default: true);
const GET_ACTIVE_SESSION: &Endpoint = endpoint!("get_active_session", GET,
    "/accounts/{account_id}/access/users/{user_id}/active_sessions/{nonce}", null_is_default: false);
const LAST_SEEN_IDENTITY: &Endpoint = endpoint!("get_last_seen_identity", GET,
    "/accounts/{account_id}/access/users/{user_id}/last_seen_identity", null_is_default: false);
const FAILED_LOGINS: &Endpoint = endpoint!("list_failed_logins", GET,
    "/accounts/{account_id}/access/users/{user_id}/failed_logins", null_is_default: true);

/// The Access users of one account: `client.users(&account)`.
///
/// Every method returns a request that does nothing until it is awaited. Ids are validated
/// types, so a request can never go to another path than the one documented; params are
/// checked before anything is sent.
#[derive(Debug, Clone)]
pub struct Users {
    client: Client,
    account: AccountId,
}

impl Users {
    pub(crate) fn new(client: Client, account: AccountId) -> Self {
        Self { client, account }
    }

    /// A call at `/accounts/{account}/access/users` followed by `tail`.
    pub(crate) fn call<'a>(&'a self, endpoint: &'static Endpoint, tail: impl IntoIterator<Item = &'a str>) -> Call {
        debug_assert!(endpoint.template.starts_with(USERS));
        Call::new(
            endpoint,
            self.client.base_url(),
            ["accounts", self.account.as_str(), "access", "users"].into_iter().chain(tail),
        )
    }

    fn request<T>(&self, call: Result<Call, crate::Error>) -> ApiRequest<T>
    where
        T: serde::de::DeserializeOwned + Default + Send + 'static,
    {
        ApiRequest::new(self.client.clone(), call)
    }

    pub(crate) fn client(&self) -> &Client {
        &self.client
    }

    /// Creates a user: `POST /accounts/{account_id}/access/users`.
    ///
    /// Succeeds with HTTP 201 and the new user. A user with the same email is a conflict
    /// ([`Error::is_conflict`](crate::Error::is_conflict)).
    ///
    /// ```no_run
    /// # async fn run(client: cfzt_access_users::Client, account: cfzt_access_users::AccountId) -> Result<(), cfzt_access_users::Error> {
    /// use cfzt_access_users::CreateUserParams;
    /// let user = client.users(&account).create(CreateUserParams::new("jdoe@example.com").name("Jane Doe")).await?;
    /// println!("created {:?}", user.id);
    /// # Ok(()) }
    /// ```
    pub fn create(&self, params: CreateUserParams) -> ApiRequest<User> {
        let call = params.validate().map_err(Into::into).and_then(|()| self.call(CREATE_USER, []).json(&params));
        self.request(call)
    }

    /// Gets one user: `GET /accounts/{account_id}/access/users/{user_id}`.
    ///
    /// ```no_run
    /// # async fn run(client: cfzt_access_users::Client, account: cfzt_access_users::AccountId, user: cfzt_access_users::UserId) -> Result<(), cfzt_access_users::Error> {
    /// match client.users(&account).get(&user).await {
    ///     Ok(user) => println!("{:?} <{:?}>", user.name, user.email),
    ///     Err(e) if e.is_not_found() => println!("no such user"),
    ///     Err(e) => return Err(e),
    /// }
    /// # Ok(()) }
    /// ```
    pub fn get(&self, user: &UserId) -> ApiRequest<User> {
        self.request(Ok(self.call(GET_USER, [user.as_str()])))
    }

    /// Lists users: `GET /accounts/{account_id}/access/users`, with filters and pages.
    ///
    /// The returned [`ListUsers`] fetches one page when awaited, or every page lazily as a
    /// stream with [`ListUsers::items`].
    ///
    /// ```no_run
    /// # async fn run(client: cfzt_access_users::Client, account: cfzt_access_users::AccountId) -> Result<(), cfzt_access_users::Error> {
    /// use futures_util::TryStreamExt;
    /// let users: Vec<_> = client.users(&account).list().search("jane").per_page(100).items().try_collect().await?;
    /// println!("{} users", users.len());
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> ListUsers {
        ListUsers::new(self.clone())
    }

    /// Updates a user's name: `PUT /accounts/{account_id}/access/users/{user_id}`.
    ///
    /// `params.email` must be the user's **current** email: it confirms which user is
    /// renamed, and the API refuses the call when it does not match.
    ///
    /// ```no_run
    /// # async fn run(client: cfzt_access_users::Client, account: cfzt_access_users::AccountId, user: cfzt_access_users::UserId) -> Result<(), cfzt_access_users::Error> {
    /// use cfzt_access_users::UpdateUserParams;
    /// let updated = client.users(&account).update(&user, UpdateUserParams::new("jdoe@example.com", "Jane Q. Doe")).await?;
    /// assert_eq!(updated.name.as_deref(), Some("Jane Q. Doe"));
    /// # Ok(()) }
    /// ```
    pub fn update(&self, user: &UserId, params: UpdateUserParams) -> ApiRequest<User> {
        let call =
            params.validate().map_err(Into::into).and_then(|()| self.call(UPDATE_USER, [user.as_str()]).json(&params));
        self.request(call)
    }

    /// Deletes a user: `DELETE /accounts/{account_id}/access/users/{user_id}`.
    ///
    /// This also revokes the user's Zero Trust seats and tokens. The API answers HTTP 202
    /// with an untyped result, kept in [`DeleteUserResult`].
    ///
    /// ```no_run
    /// # async fn run(client: cfzt_access_users::Client, account: cfzt_access_users::AccountId, user: cfzt_access_users::UserId) -> Result<(), cfzt_access_users::Error> {
    /// client.users(&account).delete(&user).await?;
    /// # Ok(()) }
    /// ```
    pub fn delete(&self, user: &UserId) -> ApiRequest<DeleteUserResult> {
        self.request(Ok(self.call(DELETE_USER, [user.as_str()])))
    }

    /// The active sessions of one user.
    ///
    /// ```no_run
    /// # async fn run(client: cfzt_access_users::Client, account: cfzt_access_users::AccountId, user: cfzt_access_users::UserId) -> Result<(), cfzt_access_users::Error> {
    /// let sessions = client.users(&account).active_sessions(&user).list().await?;
    /// println!("{} sessions", sessions.len());
    /// # Ok(()) }
    /// ```
    pub fn active_sessions(&self, user: &UserId) -> ActiveSessions {
        ActiveSessions { users: self.clone(), user: user.clone() }
    }

    /// The identity Access last saw for a user:
    /// `GET /accounts/{account_id}/access/users/{user_id}/last_seen_identity`.
    ///
    /// ```no_run
    /// # async fn run(client: cfzt_access_users::Client, account: cfzt_access_users::AccountId, user: cfzt_access_users::UserId) -> Result<(), cfzt_access_users::Error> {
    /// let identity = client.users(&account).last_seen_identity(&user).await?;
    /// println!("last seen from {:?}", identity.ip);
    /// # Ok(()) }
    /// ```
    pub fn last_seen_identity(&self, user: &UserId) -> ApiRequest<Identity> {
        self.request(Ok(self.call(LAST_SEEN_IDENTITY, [user.as_str(), "last_seen_identity"])))
    }

    /// A user's failed logins, one page:
    /// `GET /accounts/{account_id}/access/users/{user_id}/failed_logins`.
    ///
    /// ```no_run
    /// # async fn run(client: cfzt_access_users::Client, account: cfzt_access_users::AccountId, user: cfzt_access_users::UserId) -> Result<(), cfzt_access_users::Error> {
    /// for login in client.users(&account).failed_logins(&user).await? {
    ///     println!("{:?}", login.metadata);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn failed_logins(&self, user: &UserId) -> ApiRequest<Vec<FailedLogin>> {
        self.request(Ok(self.call(FAILED_LOGINS, [user.as_str(), "failed_logins"])))
    }
}

/// The active sessions of one user: `client.users(&account).active_sessions(&user)`.
#[derive(Debug, Clone)]
pub struct ActiveSessions {
    users: Users,
    user: UserId,
}

impl ActiveSessions {
    /// Lists the user's active sessions, one page:
    /// `GET /accounts/{account_id}/access/users/{user_id}/active_sessions`.
    ///
    /// ```no_run
    /// # async fn run(client: cfzt_access_users::Client, account: cfzt_access_users::AccountId, user: cfzt_access_users::UserId) -> Result<(), cfzt_access_users::Error> {
    /// for session in client.users(&account).active_sessions(&user).list().await? {
    ///     println!("{:?} expires {:?}", session.name, session.expiration);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> ApiRequest<Vec<ActiveSession>> {
        let call = self.users.call(LIST_ACTIVE_SESSIONS, [self.user.as_str(), "active_sessions"]);
        self.users.request(Ok(call))
    }

    /// Gets one active session by its nonce (`metadata.nonce` of a listed session):
    /// `GET /accounts/{account_id}/access/users/{user_id}/active_sessions/{nonce}`.
    ///
    /// ```no_run
    /// # async fn run(client: cfzt_access_users::Client, account: cfzt_access_users::AccountId, user: cfzt_access_users::UserId) -> Result<(), cfzt_access_users::Error> {
    /// use cfzt_access_users::SessionNonce;
    /// let nonce: SessionNonce = "X1aXj1lFVcqqyoXF".parse()?;
    /// let session = client.users(&account).active_sessions(&user).get(&nonce).await?;
    /// println!("active: {:?}", session.is_active);
    /// # Ok(()) }
    /// ```
    pub fn get(&self, nonce: &SessionNonce) -> ApiRequest<ActiveSessionDetail> {
        let call = self.users.call(GET_ACTIVE_SESSION, [self.user.as_str(), "active_sessions", nonce.as_str()]);
        self.users.request(Ok(call))
    }
}
