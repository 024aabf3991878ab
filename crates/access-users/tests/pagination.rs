//! Listing users as a stream: exactly the requests needed, and no endless loop, checked
//! with the replay transport of `cfzt_transport::test_util`.

use bytes::Bytes;
use cfzt_access_users::{AccountId, Client, Error};
use cfzt_transport::test_util::{ReplayEvent, ReplayTransport, json_response};
use cfzt_transport::{RequestOptions, RetryPolicy};
use futures_util::{StreamExt, TryStreamExt};

const USERS_URL: &str = "https://api.cloudflare.com/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/access/users";

fn user(n: u64) -> String {
    format!(r#"{{"id":"00000000-0000-4000-8000-{n:012}","email":"u{n}@example.com"}}"#)
}

/// A page of `per_page` users starting after `(page - 1) * per_page`, with or without
/// `total_pages`.
fn page(page: u64, per_page: u64, total: u64, with_total_pages: bool) -> String {
    let first = (page - 1) * per_page + 1;
    let items: Vec<String> = (first..=total.min(page * per_page)).map(user).collect();
    let info = if with_total_pages {
        format!(
            r#"{{"page":{page},"per_page":{per_page},"count":{},"total_count":{total},"total_pages":{}}}"#,
            items.len(),
            total.div_ceil(per_page)
        )
    } else {
        format!(r#"{{"page":{page},"per_page":{per_page},"count":{}}}"#, items.len())
    };
    format!(r#"{{"success":true,"errors":[],"messages":[],"result":[{}],"result_info":{info}}}"#, items.join(","))
}

/// The request for page `n` of two users each.
fn page_request(n: u64) -> http::Request<Bytes> {
    http::Request::get(format!("{USERS_URL}?page={n}&per_page=2")).body(Bytes::new()).unwrap()
}

/// A client over a transport that expects pages `n` in order, answering each with its
/// `(status, body)`; and the transport, to check the requests afterwards.
fn replayed(pages: impl IntoIterator<Item = (u64, u16, String)>) -> (Client, ReplayTransport) {
    let transport = ReplayTransport::new(
        pages.into_iter().map(|(n, status, body)| ReplayEvent::new(page_request(n), json_response(status, body))),
    );
    let client = Client::builder()
        .api_token("t")
        .transport(transport.clone())
        .retry_policy(RetryPolicy::no_retries())
        .build()
        .unwrap();
    (client, transport)
}

fn account() -> AccountId {
    "023e105f4ecef8ad9ca31a8372d0c353".parse().unwrap()
}

#[tokio::test]
async fn three_pages_with_total_pages_take_exactly_three_requests() {
    let (client, transport) = replayed((1..=3).map(|n| (n, 200, page(n, 2, 6, true))));
    let users: Vec<_> = client.users(&account()).list().per_page(2).items().try_collect().await.unwrap();
    assert_eq!(users.len(), 6);
    assert_eq!(users[5].email.as_deref(), Some("u6@example.com"));
    transport.assert_requests_match();
}

#[tokio::test]
async fn without_total_pages_the_empty_page_ends_the_stream() {
    // Page 3 holds one user; only the empty page 4 says the list is over.
    let (client, transport) = replayed((1..=4).map(|n| (n, 200, page(n, 2, 5, false))));
    let users: Vec<_> = client.users(&account()).list().per_page(2).items().try_collect().await.unwrap();
    assert_eq!(users.len(), 5);
    transport.assert_requests_match();
}

#[tokio::test]
async fn a_server_that_repeats_a_page_ends_with_an_error_not_a_hang() {
    let (client, transport) = replayed((1..=2).map(|n| (n, 200, page(1, 2, 100, false))));
    let results: Vec<Result<_, Error>> = client.users(&account()).list().per_page(2).items().collect().await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 2);
    let Err(Error::Pagination(e)) = results.last().unwrap() else { panic!("{results:?}") };
    assert_eq!(e.page, 2);
    transport.assert_requests_match();
}

#[tokio::test]
async fn an_error_on_page_two_is_yielded_and_ends_the_stream() {
    let internal = r#"{"success":false,"errors":[{"code":10001,"message":"internal"}]}"#;
    let (client, transport) = replayed([(1, 200, page(1, 2, 6, true)), (2, 500, internal.into())]);
    let results: Vec<Result<_, Error>> = client.users(&account()).list().per_page(2).items().collect().await;
    assert_eq!(results.len(), 3);
    assert!(results[0].is_ok() && results[1].is_ok());
    assert_eq!(results[2].as_ref().unwrap_err().status().unwrap(), 500);
    transport.assert_requests_match();
}

#[tokio::test]
async fn pages_start_where_asked_and_carry_result_info() {
    let (client, transport) = replayed((2..=3).map(|n| (n, 200, page(n, 2, 6, true))));
    let pages: Vec<_> = client.users(&account()).list().per_page(2).page(2).pages().try_collect().await.unwrap();
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0].result_info.unwrap().page, Some(2));
    transport.assert_requests_match();
}

#[tokio::test]
async fn the_stream_is_lazy() {
    let (client, transport) = replayed((1..=3).map(|n| (n, 200, page(n, 2, 6, true))));
    let mut items = client.users(&account()).list().per_page(2).items();
    assert!(transport.actual_requests().is_empty());
    items.next().await.unwrap().unwrap();
    items.next().await.unwrap().unwrap();
    let sent: Vec<String> = transport.actual_requests().iter().map(|r| r.uri().to_string()).collect();
    assert_eq!(sent, [format!("{USERS_URL}?page=1&per_page=2")]);
}

#[tokio::test]
async fn every_page_request_keeps_the_callers_options() {
    let transport = ReplayTransport::new(
        (1..=2).map(|n| ReplayEvent::new(page_request(n), json_response(200, page(n, 2, 4, true)))),
    );
    let client = Client::builder().api_token("t").transport(transport.clone()).build().unwrap();
    let users: Vec<_> = client.users(&account()).list().per_page(2).max_retries(7).items().try_collect().await.unwrap();
    assert_eq!(users.len(), 4);
    transport.assert_requests_match();
    let want = Some(RequestOptions::new().max_retries(7));
    let seen: Vec<_> =
        transport.actual_requests().iter().map(|r| r.extensions().get::<RequestOptions>().copied()).collect();
    assert_eq!(seen, [want, want]);
}
