//! The handles every operation hangs from: [`Users`] and [`ActiveSessions`].

use cfzt_models::{
    AccountId, ActiveSession, ActiveSessionDetail, CreateUserParams, DeleteUserResult, FailedLogin, Identity,
    SessionNonce, UpdateUserParams, User, UserId, ValidationError,
};

use cfzt_models::operations::{
    CREATE_USER, DELETE_USER, GET_ACTIVE_SESSION, GET_LAST_SEEN_IDENTITY, GET_USER, LIST_ACTIVE_SESSIONS,
    LIST_FAILED_LOGINS, Operation, UPDATE_USER,
};

use crate::api_request::ApiRequest;
use crate::call::Content;
use crate::client::Client;
use crate::list::ListUsers;

impl Client {
    /// The users of `account`: the entry point of every operation.
    pub fn users(&self, account: &AccountId) -> Users {
        Users::new(self.clone(), account.clone())
    }
}

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

    /// A request for `operation` on this account and, when given, this user, carrying
    /// `content` (see [`ApiRequest::new`]).
    pub(crate) fn request<T>(
        &self,
        operation: &'static Operation,
        user: Option<&UserId>,
        content: Result<Content, ValidationError>,
    ) -> ApiRequest<T>
    where
        T: serde::de::DeserializeOwned + Default + Send + 'static,
    {
        let account = ("account_id", self.account.as_str());
        match user {
            Some(user) => ApiRequest::new(&self.client, operation, &[account, ("user_id", user.as_str())], content),
            None => ApiRequest::new(&self.client, operation, &[account], content),
        }
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
        self.request(&CREATE_USER, None, params.validate().and_then(|()| Content::json(&params)))
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
        self.request(&GET_USER, Some(user), Ok(Content::default()))
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
        ListUsers::new(self.client.clone(), self.account.clone())
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
        self.request(&UPDATE_USER, Some(user), params.validate().and_then(|()| Content::json(&params)))
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
        self.request(&DELETE_USER, Some(user), Ok(Content::default()))
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
        self.request(&GET_LAST_SEEN_IDENTITY, Some(user), Ok(Content::default()))
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
        self.request(&LIST_FAILED_LOGINS, Some(user), Ok(Content::default()))
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
        self.users.request(&LIST_ACTIVE_SESSIONS, Some(&self.user), Ok(Content::default()))
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
        let account = ("account_id", self.users.account.as_str());
        let params = [account, ("user_id", self.user.as_str()), ("nonce", nonce.as_str())];
        ApiRequest::new(&self.users.client, &GET_ACTIVE_SESSION, &params, Ok(Content::default()))
    }
}
