//! Listing users as a stream: exactly the requests needed, and no endless loop.

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use cfzt_access_users::{AccountId, Client, Error};
use cfzt_transport::{MockHttpTransport, RetryPolicy};
use futures_util::{StreamExt, TryStreamExt};

/// How the scripted server answers page `n` (from 1).
type Script = fn(u64) -> (u16, String);

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

/// A client over a mock that answers by the `page` query parameter, and the pages asked.
fn scripted(script: Script) -> (Client, Arc<Mutex<Vec<u64>>>) {
    let asked = Arc::new(Mutex::new(Vec::new()));
    let log = asked.clone();
    let mut mock = MockHttpTransport::new();
    mock.expect_send().returning(move |req| {
        let query = req.uri().query().unwrap_or("");
        let page = query.split('&').find_map(|kv| kv.strip_prefix("page=")).map(|p| p.parse().unwrap()).unwrap();
        assert!(query.contains("per_page=2"), "{query}");
        log.lock().unwrap().push(page);
        let (status, body) = script(page);
        Ok(http::Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .body(Bytes::from(body))
            .unwrap())
    });
    let client =
        Client::builder().api_token("t").transport(mock).retry_policy(RetryPolicy::no_retries()).build().unwrap();
    (client, asked)
}

fn account() -> AccountId {
    "023e105f4ecef8ad9ca31a8372d0c353".parse().unwrap()
}

#[tokio::test]
async fn three_pages_with_total_pages_take_exactly_three_requests() {
    let (client, asked) = scripted(|n| (200, page(n, 2, 6, true)));
    let users: Vec<_> = client.users(&account()).list().per_page(2).items().try_collect().await.unwrap();
    assert_eq!(users.len(), 6);
    assert_eq!(users[5].email.as_deref(), Some("u6@example.com"));
    assert_eq!(*asked.lock().unwrap(), [1, 2, 3]);
}

#[tokio::test]
async fn without_total_pages_the_empty_page_ends_the_stream() {
    let (client, asked) = scripted(|n| (200, page(n, 2, 5, false)));
    let users: Vec<_> = client.users(&account()).list().per_page(2).items().try_collect().await.unwrap();
    assert_eq!(users.len(), 5);
    // Page 3 holds one user; only the empty page 4 says the list is over.
    assert_eq!(*asked.lock().unwrap(), [1, 2, 3, 4]);
}

#[tokio::test]
async fn a_server_that_repeats_a_page_ends_with_an_error_not_a_hang() {
    let (client, asked) = scripted(|_| (200, page(1, 2, 100, false)));
    let results: Vec<Result<_, Error>> = client.users(&account()).list().per_page(2).items().collect().await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 2);
    let Err(Error::Pagination(e)) = results.last().unwrap() else { panic!("{results:?}") };
    assert_eq!(e.page, 2);
    assert_eq!(*asked.lock().unwrap(), [1, 2]);
}

#[tokio::test]
async fn an_error_on_page_two_is_yielded_and_ends_the_stream() {
    let (client, asked) = scripted(|n| match n {
        2 => (500, r#"{"success":false,"errors":[{"code":10001,"message":"internal"}]}"#.into()),
        n => (200, page(n, 2, 6, true)),
    });
    let results: Vec<Result<_, Error>> = client.users(&account()).list().per_page(2).items().collect().await;
    assert_eq!(results.len(), 3);
    assert!(results[0].is_ok() && results[1].is_ok());
    assert_eq!(results[2].as_ref().unwrap_err().status().unwrap(), 500);
    assert_eq!(*asked.lock().unwrap(), [1, 2]);
}

#[tokio::test]
async fn pages_start_where_asked_and_carry_result_info() {
    let (client, asked) = scripted(|n| (200, page(n, 2, 6, true)));
    let pages: Vec<_> = client.users(&account()).list().per_page(2).page(2).pages().try_collect().await.unwrap();
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0].result_info.unwrap().page, Some(2));
    assert_eq!(*asked.lock().unwrap(), [2, 3]);
}

#[tokio::test]
async fn the_stream_is_lazy() {
    let (client, asked) = scripted(|n| (200, page(n, 2, 6, true)));
    let mut items = client.users(&account()).list().per_page(2).items();
    assert!(asked.lock().unwrap().is_empty());
    items.next().await.unwrap().unwrap();
    items.next().await.unwrap().unwrap();
    assert_eq!(*asked.lock().unwrap(), [1]);
}

#[tokio::test]
async fn every_page_request_keeps_the_callers_options() {
    use cfzt_transport::RequestOptions;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let mut mock = MockHttpTransport::new();
    mock.expect_send().returning(move |req| {
        log.lock().unwrap().push(req.extensions().get::<RequestOptions>().copied());
        let page: u64 =
            req.uri().query().unwrap().split('&').find_map(|kv| kv.strip_prefix("page=")).unwrap().parse().unwrap();
        Ok(http::Response::builder().status(200).body(Bytes::from(page_body(page))).unwrap())
    });
    fn page_body(n: u64) -> String {
        page(n, 2, 4, true)
    }
    let client = Client::builder().api_token("t").transport(mock).build().unwrap();
    let users: Vec<_> = client.users(&account()).list().per_page(2).max_retries(7).items().try_collect().await.unwrap();
    assert_eq!(users.len(), 4);
    let want = Some(RequestOptions::new().max_retries(7));
    assert_eq!(*seen.lock().unwrap(), [want, want]);
}
