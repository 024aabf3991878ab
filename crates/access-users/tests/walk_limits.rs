//! A list walk always ends, whatever the server sends: servers that ignore `page` and
//! alternate or cycle pages, send endless fresh pages, claim `total_pages = u64::MAX`, or
//! stall. Each case runs against a real loopback HTTP server over both backends, under a
//! test timeout so that a walk that never ends fails instead of hanging. (The page ceiling,
//! `MAX_WALK_PAGES` requests, is too many for a loopback test; `walk.rs` tests it.)

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use cfzt_access_users::{AccountId, Client, Error, HttpTransport, Pacing, PaginationReason};
use cfzt_transport::{HyperTransport, ReqwestTransport};
use futures_util::{StreamExt, TryStreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const PER_PAGE: u64 = 2;
/// Far more than any case needs; a walk that never ends hits it.
const HANG: Duration = Duration::from_secs(20);

/// What the server answers for a requested page: `None` stalls (never answers).
type Script = fn(u64) -> Option<Page>;

struct Page {
    /// Which distinct page of users to send: users `2k+1` and `2k+2`.
    content: u64,
    total_pages: Option<u64>,
}

fn fresh(page: u64) -> Option<Page> {
    Some(Page { content: page, total_pages: None })
}

fn alternate_two(page: u64) -> Option<Page> {
    Some(Page { content: (page - 1) % 2, total_pages: None })
}

fn cycle_three(page: u64) -> Option<Page> {
    Some(Page { content: (page - 1) % 3, total_pages: None })
}

fn claims_u64_max(page: u64) -> Option<Page> {
    Some(Page { content: page, total_pages: Some(u64::MAX) })
}

fn stalls_on_page_three(page: u64) -> Option<Page> {
    (page < 3).then_some(Page { content: page, total_pages: Some(u64::MAX) })
}

fn body(page: &Page, number: u64) -> String {
    let users: Vec<String> = (1..=PER_PAGE)
        .map(|i| {
            let n = page.content * PER_PAGE + i;
            format!(r#"{{"id":"00000000-0000-4000-8000-{n:012}","email":"u{n}@example.com"}}"#)
        })
        .collect();
    let total = page.total_pages.map_or("null".to_string(), |t| t.to_string());
    format!(
        r#"{{"success":true,"errors":[],"messages":[],"result":[{}],"result_info":{{"page":{number},"per_page":{PER_PAGE},"count":{PER_PAGE},"total_pages":{total}}}}}"#,
        users.join(",")
    )
}

/// A minimal HTTP/1.1 server on 127.0.0.1 answering `GET ...?page=N` with `script(N)`,
/// keeping connections alive. It counts the requests it got.
struct Server {
    base_url: String,
    requests: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    async fn start(script: Script) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}/client/v4", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicU64::new(0));
        let count = requests.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, script, count.clone()));
            }
        });
        Server { base_url, requests, task }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(mut stream: tokio::net::TcpStream, script: Script, count: Arc<AtomicU64>) {
    let mut buf = Vec::new();
    loop {
        // Requests are GETs without a body: a request ends at the blank line.
        let end = loop {
            if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break end + 4;
            }
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..end]).into_owned();
        buf.drain(..end);
        count.fetch_add(1, Ordering::SeqCst);
        let page = head
            .split_whitespace()
            .nth(1)
            .and_then(|target| target.split_once('?'))
            .and_then(|(_, query)| query.split('&').find_map(|pair| pair.strip_prefix("page=")))
            .and_then(|n| n.parse().ok())
            .unwrap_or(1);
        let Some(answer) = script(page) else {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            return;
        };
        let body = body(&answer, page);
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        if stream.write_all(response.as_bytes()).await.is_err() {
            return;
        }
    }
}

fn backends() -> Vec<(&'static str, Arc<dyn HttpTransport>)> {
    vec![("reqwest", Arc::new(ReqwestTransport::new().unwrap())), ("hyper", Arc::new(HyperTransport::new().unwrap()))]
}

/// How a walk must end.
#[derive(Debug)]
enum Want {
    /// Quietly, after this many users.
    Items(usize),
    /// With this pagination error, after this many users.
    Stopped(PaginationReason, usize),
    /// With a deadline error.
    Deadline,
}

struct Case {
    name: &'static str,
    script: Script,
    max_items: Option<u64>,
    max_pages: Option<u64>,
    walk_deadline: Option<Duration>,
    want: Want,
    /// Page requests the server must have got, when the number is exact.
    requests: Option<u64>,
}

const NONE: Case = Case {
    name: "",
    script: fresh,
    max_items: None,
    max_pages: None,
    walk_deadline: None,
    want: Want::Items(0),
    requests: None,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_walk_ends() {
    let cases = [
        Case {
            name: "alternates two pages",
            script: alternate_two,
            want: Want::Stopped(PaginationReason::RepeatedPage { page: 3, repeats: 1 }, 4),
            requests: Some(3),
            ..NONE
        },
        Case {
            name: "cycles three pages",
            script: cycle_three,
            want: Want::Stopped(PaginationReason::RepeatedPage { page: 4, repeats: 1 }, 6),
            requests: Some(4),
            ..NONE
        },
        Case {
            name: "endless fresh pages, max_pages",
            script: fresh,
            max_pages: Some(5),
            want: Want::Items(10),
            requests: Some(5),
            ..NONE
        },
        Case {
            name: "endless fresh pages, max_items cuts a page",
            script: fresh,
            max_items: Some(7),
            want: Want::Items(7),
            requests: Some(4),
            ..NONE
        },
        Case {
            name: "endless fresh pages, walk deadline",
            script: fresh,
            walk_deadline: Some(Duration::from_millis(200)),
            want: Want::Deadline,
            requests: None,
            ..NONE
        },
        Case {
            name: "total_pages = u64::MAX, max_pages",
            script: claims_u64_max,
            max_pages: Some(7),
            want: Want::Items(14),
            requests: Some(7),
            ..NONE
        },
        Case {
            name: "total_pages = u64::MAX, huge deadline and caps",
            script: claims_u64_max,
            max_items: Some(3),
            walk_deadline: Some(Duration::MAX),
            want: Want::Items(3),
            requests: Some(2),
            ..NONE
        },
        Case {
            name: "stalls on page 3, walk deadline cuts the request in flight",
            script: stalls_on_page_three,
            walk_deadline: Some(Duration::from_millis(500)),
            want: Want::Deadline,
            requests: Some(3),
            ..NONE
        },
    ];
    let account: AccountId = ACCOUNT.parse().unwrap();
    for (backend, transport) in backends() {
        for case in &cases {
            let server = Server::start(case.script).await;
            let client = Client::builder()
                .base_url(&server.base_url)
                .api_token("tok")
                .transport(transport.clone())
                .pacing(Pacing::Off)
                .build();
            let mut list = client.unwrap().users(&account).list().per_page(PER_PAGE);
            if let Some(n) = case.max_items {
                list = list.max_items(n);
            }
            if let Some(n) = case.max_pages {
                list = list.max_pages(n);
            }
            if let Some(d) = case.walk_deadline {
                list = list.walk_deadline(d);
            }
            let walk = list.items().collect::<Vec<Result<_, Error>>>();
            let results = tokio::time::timeout(HANG, walk)
                .await
                .unwrap_or_else(|_| panic!("{backend}, {}: the walk did not end", case.name));
            let users = results.iter().filter(|r| r.is_ok()).count();
            let error = results.iter().find_map(|r| r.as_ref().err());
            let context = format!("{backend}, {}: {users} users, {error:?}", case.name);
            match &case.want {
                Want::Items(n) => assert!(error.is_none() && users == *n, "{context}"),
                Want::Stopped(reason, n) => {
                    let Some(Error::Pagination(e)) = error else { panic!("{context}") };
                    assert_eq!(e.reason(), reason, "{context}");
                    assert_eq!(users, *n, "{context}");
                    assert_eq!(e.pages, *n as u64 / PER_PAGE, "{context}");
                }
                Want::Deadline => {
                    let Some(Error::Pagination(e)) = error else { panic!("{context}") };
                    assert!(matches!(e.reason(), PaginationReason::Deadline { .. }), "{context}");
                    assert!(error.unwrap().is_pagination(), "{context}");
                }
            }
            // The error, if any, is the last item: the stream ends after it.
            assert!(results.iter().rev().skip(1).all(Result::is_ok), "{context}");
            if let Some(n) = case.requests {
                assert_eq!(server.requests.load(Ordering::SeqCst), n, "{context}");
            }
        }
    }
}

/// `pages()` obeys the same guards: the page that reaches `max_items` is cut to fit.
#[tokio::test]
async fn pages_are_cut_to_max_items() {
    let server = Server::start(fresh).await;
    let account: AccountId = ACCOUNT.parse().unwrap();
    for (backend, transport) in backends() {
        let client = Client::builder()
            .base_url(&server.base_url)
            .api_token("tok")
            .transport(transport)
            .pacing(Pacing::Off)
            .build();
        let pages: Vec<_> = tokio::time::timeout(
            HANG,
            client.unwrap().users(&account).list().per_page(PER_PAGE).max_items(3).pages().try_collect::<Vec<_>>(),
        )
        .await
        .expect("the walk ended")
        .unwrap();
        let sizes: Vec<usize> = pages.iter().map(|p| p.result.len()).collect();
        assert_eq!(sizes, [2, 1], "{backend}");
    }
}
