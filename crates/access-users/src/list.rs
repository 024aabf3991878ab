//! Listing users: one page, or every page as a lazy stream.

use std::future::{Future, IntoFuture};
use std::pin::Pin;

use cfzt_models::operations::LIST_USERS;
use cfzt_models::{AccountId, ListUsersQuery, User};
use cfzt_transport::RequestOptions;
use futures_core::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt, stream};

use crate::api_request::{ApiRequest, call_options};
use crate::call::Content;
use crate::client::Client;
use crate::error::Error;
use crate::response::ApiResponse;
use crate::walk::{Next, Walk, WalkLimits};

/// The page size sent when none is set.
///
/// Access reportedly accepts only `per_page` values of 1, 5, 10, 20, 25, 50, 100 or 1000
/// and answers others with HTTP 400 and code 12091. Other positive values are still sent
/// as given, since that report is not documented by Cloudflare.
pub const DEFAULT_PER_PAGE: u64 = 50;

/// A *list users* request: `GET /accounts/{account_id}/access/users`.
///
/// Set filters, then either `.await` it for one page, call
/// [`send_with_response`](ListUsers::send_with_response) for the page with its
/// `result_info`, or walk every page lazily with [`items`](ListUsers::items) or
/// [`pages`](ListUsers::pages).
///
/// # Walking every page
///
/// The stream asks for the next page only when there may be one: it stops on an empty
/// page, or when `result_info` says the last page was reached, so a full walk makes no
/// extra request. Whatever the server answers, a walk ends:
///
/// - **Repeated pages.** Each page's fingerprint (a 64-bit hash of its user ids) is
///   remembered; a page equal to *any* earlier page of the walk (a server that ignores
///   `page`, alternates two pages or cycles through several) ends the stream with
///   [`Error::Pagination`] and [`PaginationReason::RepeatedPage`](crate::PaginationReason::RepeatedPage),
///   before that page's users are yielded.
/// - **Caps you set.** [`max_items`](ListUsers::max_items) and
///   [`max_pages`](ListUsers::max_pages) end the stream quietly, like `take`: no error,
///   and no request for a page past the cap.
/// - **A deadline you set.** [`walk_deadline`](ListUsers::walk_deadline) bounds the whole
///   walk, apart from the [`deadline`](ListUsers::deadline) of each page request; when it
///   passes the stream ends with [`PaginationReason::Deadline`](crate::PaginationReason::Deadline).
/// - **A ceiling.** A walk fetches at most [`MAX_WALK_PAGES`](crate::MAX_WALK_PAGES) pages,
///   which bounds the repeat guard's memory (256 KiB); reaching it ends the stream with
///   [`PaginationReason::PageCeiling`](crate::PaginationReason::PageCeiling).
///
/// A server that keeps sending fresh pages, or claims a huge `total_pages`, is bounded by
/// the caps, the deadline and the ceiling, not by what it claims.
#[must_use = "a request does nothing until it is awaited or streamed"]
#[derive(Debug, Clone)]
pub struct ListUsers {
    client: Client,
    account: AccountId,
    query: ListUsersQuery,
    options: RequestOptions,
    limits: WalkLimits,
}

impl ListUsers {
    pub(crate) fn new(client: Client, account: AccountId) -> Self {
        let mut query = ListUsersQuery::default();
        query.per_page = Some(DEFAULT_PER_PAGE);
        Self { client, account, query, options: RequestOptions::default(), limits: WalkLimits::default() }
    }

    /// Only users with exactly this email.
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.query.email = Some(email.into());
        self
    }

    /// Only users with exactly this name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.query.name = Some(name.into());
        self
    }

    /// Only users whose name or email matches `search`.
    pub fn search(mut self, search: impl Into<String>) -> Self {
        self.query.search = Some(search.into());
        self
    }

    /// The page to fetch (from 1), or to start streaming from. Default 1.
    pub fn page(mut self, page: u64) -> Self {
        self.query.page = Some(page);
        self
    }

    /// How many users per page; must be positive. Default [`DEFAULT_PER_PAGE`].
    pub fn per_page(mut self, per_page: u64) -> Self {
        self.query.per_page = Some(per_page);
        self
    }

    fn with_options(mut self, f: impl FnOnce(RequestOptions) -> RequestOptions) -> Self {
        self.options = f(self.options);
        self
    }

    call_options!("every page request");

    /// A walk ([`items`](ListUsers::items), [`pages`](ListUsers::pages)) yields at most `n`
    /// users, then ends quietly; the page that reaches `n` is cut to fit. `0` sends nothing.
    pub fn max_items(mut self, n: u64) -> Self {
        self.limits.max_items = Some(n);
        self
    }

    /// A walk fetches at most `n` pages, then ends quietly. `0` sends nothing.
    pub fn max_pages(mut self, n: u64) -> Self {
        self.limits.max_pages = Some(n);
        self
    }

    /// The time a whole walk may take, counted from the first poll of its stream. When it
    /// passes the stream ends with [`Error::Pagination`] and
    /// [`PaginationReason::Deadline`](crate::PaginationReason::Deadline); a page request in
    /// flight is cut short by it. A deadline too large to represent (`Duration::MAX`) means
    /// none.
    pub fn walk_deadline(mut self, deadline: std::time::Duration) -> Self {
        self.limits.deadline = Some(deadline);
        self
    }

    /// The query as it will be sent.
    pub fn query(&self) -> &ListUsersQuery {
        &self.query
    }

    /// Fetches one page with its HTTP response and `result_info`.
    ///
    /// # Errors
    ///
    /// [`Error::Validation`] for a zero `page` or `per_page` (nothing is sent), else as any
    /// request.
    pub async fn send_with_response(self) -> Result<ApiResponse<Vec<User>>, Error> {
        self.request().send_with_response().await
    }

    /// The request for the page [`page`](ListUsers::page) names, checked as it is built.
    fn request(&self) -> ApiRequest<Vec<User>> {
        let options = self.options;
        let content = self.query.validate().map(|()| Content::default().query(self.query.pairs()));
        ApiRequest::new(&self.client, &LIST_USERS, &[("account_id", self.account.as_str())], content)
            .with_options(|_| options)
    }

    /// Fetches one page of users.
    ///
    /// # Errors
    ///
    /// As [`ListUsers::send_with_response`].
    pub async fn send(self) -> Result<Vec<User>, Error> {
        self.send_with_response().await.map(ApiResponse::into_result)
    }

    /// Every page from [`page`](ListUsers::page) on, fetched one at a time as the stream
    /// is polled. After an error the stream ends.
    pub fn pages(self) -> BoxStream<'static, Result<ApiResponse<Vec<User>>, Error>> {
        struct State {
            list: ListUsers,
            next: u64,
            walk: Walk,
            done: bool,
        }
        let next = self.query.page.unwrap_or(1);
        let walk = Walk::new(self.limits);
        let state = State { list: self, next, walk, done: false };
        stream::try_unfold(state, |mut state| async move {
            if state.done {
                return Ok(None);
            }
            let page = state.next;
            let mut list = state.list.clone().page(page);
            match state.walk.before_page(page).map_err(Error::Pagination)? {
                Next::End => return Ok(None),
                Next::Fetch(None) => {}
                // The page request may take no longer than the walk has left.
                Next::Fetch(Some(left)) => {
                    let policy = list.client.inner.transport.policy().deadline;
                    let deadline = list.options.deadline.or(policy).map_or(left, |d| d.min(left));
                    list.options = list.options.deadline(deadline);
                }
            }
            let mut response = list.send_with_response().await.map_err(|e| state.walk.failed(page, e))?;
            if response.result.is_empty() {
                return Ok(None);
            }
            let capped = state.walk.after_page(page, &mut response.result).map_err(Error::Pagination)?;
            let last =
                response.result_info.as_ref().and_then(|info| info.total_pages).is_some_and(|total| page >= total);
            state.done = capped || last;
            state.next = page.saturating_add(1);
            Ok(Some((response, state)))
        })
        .boxed()
    }

    /// Every user on every page, fetched lazily page by page. After an error the stream
    /// ends.
    ///
    /// ```no_run
    /// # async fn run(client: cfzt_access_users::Client, account: cfzt_access_users::AccountId) -> Result<(), cfzt_access_users::Error> {
    /// use futures_util::TryStreamExt;
    /// let mut users = client.users(&account).list().items();
    /// while let Some(user) = users.try_next().await? {
    ///     println!("{:?}", user.email);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn items(self) -> BoxStream<'static, Result<User, Error>> {
        self.pages().map_ok(|page| stream::iter(page.result.into_iter().map(Ok))).try_flatten().boxed()
    }
}

impl IntoFuture for ListUsers {
    type Output = Result<Vec<User>, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
