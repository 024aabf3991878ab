//! The facade's one public path: what a `ClientBuilder` method takes and what the client's
//! calls return are at the root, `cfzt::…` (the rule is in the crate's docs, *Paths*). A
//! type missing from the root fails to compile this file.

use std::sync::Arc;
use std::time::Duration;

use cfzt::{
    AccountId, BudgetQuota, Client, Credentials, ErrorSource, ListUsersQuery, LocalBudget, NoResponseError, Pacing,
    PacingEvent, RequestBudget, ResponseInfo, RetryPolicy, RetryTokens, chrono,
};

#[test]
fn every_builder_argument_is_at_the_root() {
    let budget = LocalBudget::new(BudgetQuota::new(10, Duration::from_secs(1)).unwrap());
    let shared: Arc<dyn RequestBudget> = Arc::new(budget.on_event(|_: PacingEvent| {}));
    let client = Client::builder()
        .credentials(Credentials::api_token("token"))
        .retry_policy(RetryPolicy::no_retries())
        .retry_tokens(Arc::new(RetryTokens::new(10)))
        .pacing(Pacing::Quota(BudgetQuota::new(5, Duration::from_secs(1)).unwrap()))
        .pacing(Pacing::Shared(Arc::clone(&shared)))
        .api_version(chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap())
        .build()
        .unwrap();
    let account: AccountId = "023e105f4ecef8ad9ca31a8372d0c353".parse().unwrap();
    let list = client.users(&account).list().search("jane");
    let query: &ListUsersQuery = list.query();
    assert_eq!(query.search.as_deref(), Some("jane"));
}

#[test]
fn what_errors_hold_is_at_the_root() {
    let info = ResponseInfo::new(10000, "Authentication error").with_pointer("/email");
    let source: Option<&ErrorSource> = info.source.as_ref();
    assert_eq!(source.and_then(|s| s.pointer.as_deref()), Some("/email"));
    // The transport error of a call is a root type too (`Error::Transport` holds it).
    fn _holds(e: &cfzt::Error) -> Option<&NoResponseError> {
        match e {
            cfzt::Error::Transport(t) => Some(t),
            _ => None,
        }
    }
}
