//! One conformance suite, run against every backend over a real loopback server.
//!
//! The server is a few lines of raw HTTP/1.1 on a tokio `TcpListener`, so that it can also
//! misbehave: close a connection early, send a body over the cap, redirect.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use cfzt_transport::{HttpTransport, HyperTransport, ReqwestTransport, TransportError};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server saw: connections accepted and requests received.
#[derive(Default)]
struct Seen {
    connections: AtomicUsize,
    requests: AtomicUsize,
}

struct Server {
    base: String,
    seen: Arc<Seen>,
}

async fn serve() -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Seen::default());
    let s = seen.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            s.connections.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(connection(stream, s.clone()));
        }
    });
    Server { base, seen }
}

/// Reads one request: (request line, headers as lowercase text, body).
async fn read_request(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Option<(String, String, Vec<u8>)> {
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_string();
            let len = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap())
                })
                .unwrap_or(0);
            while buf.len() < end + 4 + len {
                let mut chunk = [0u8; 4096];
                let n = stream.read(&mut chunk).await.ok()?;
                if n == 0 {
                    return None;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            let body = buf[end + 4..end + 4 + len].to_vec();
            buf.drain(..end + 4 + len);
            let (line, headers) = head.split_once("\r\n").unwrap_or((&head, ""));
            return Some((line.to_string(), headers.to_ascii_lowercase(), body));
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

async fn connection(mut stream: TcpStream, seen: Arc<Seen>) {
    let mut buf = Vec::new();
    while let Some((line, headers, body)) = read_request(&mut stream, &mut buf).await {
        seen.requests.fetch_add(1, Ordering::SeqCst);
        let path = line.split(' ').nth(1).unwrap_or("/").to_string();
        let reply: Vec<u8> = match path.as_str() {
            "/echo" => {
                let method = line.split(' ').next().unwrap_or("");
                let ct = headers.lines().find(|l| l.starts_with("x-test:")).unwrap_or("x-test: none").to_string();
                let mut r = format!(
                    "HTTP/1.1 201 Created\r\nx-method: {method}\r\n{ct}\r\nx-multi: a\r\nx-multi: b\r\ncontent-length: {}\r\n\r\n",
                    body.len()
                )
                .into_bytes();
                r.extend_from_slice(&body);
                r
            }
            p if p.starts_with("/status/") => {
                let code = &p["/status/".len()..];
                format!("HTTP/1.1 {code} Whatever\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{{}}")
                    .into_bytes()
            }
            "/close-early" => {
                let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly ten b").await;
                return;
            }
            "/close-before-response" => return,
            "/too-big" => format!("HTTP/1.1 200 OK\r\ncontent-length: 2048\r\n\r\n{}", "x".repeat(2048)).into_bytes(),
            "/too-big-chunked" => {
                let chunk = "x".repeat(600);
                format!(
                    "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n258\r\n{chunk}\r\n258\r\n{chunk}\r\n0\r\n\r\n"
                )
                .into_bytes()
            }
            "/redirect" => b"HTTP/1.1 302 Found\r\nlocation: /echo\r\ncontent-length: 0\r\n\r\n".to_vec(),
            _ => b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n".to_vec(),
        };
        if stream.write_all(&reply).await.is_err() {
            return;
        }
    }
}

fn get(url: String) -> cfzt_transport::Request {
    http::Request::get(url).body(Bytes::new()).unwrap()
}

fn backends() -> Vec<(&'static str, Box<dyn HttpTransport>)> {
    vec![
        ("reqwest", Box::new(ReqwestTransport::new().unwrap().max_response_body(1024))),
        ("hyper", Box::new(HyperTransport::new().unwrap().max_response_body(1024))),
    ]
}

#[tokio::test]
async fn status_codes_are_responses_not_errors() {
    let server = serve().await;
    for (name, t) in backends() {
        for code in [200u16, 202, 400, 404, 429, 500, 502, 520] {
            let res = t.send(get(format!("{}/status/{code}", server.base))).await.unwrap();
            assert_eq!(res.status().as_u16(), code, "{name}");
            assert_eq!(res.body(), "{}", "{name}");
        }
    }
}

#[tokio::test]
async fn method_headers_and_body_round_trip() {
    let server = serve().await;
    for (name, t) in backends() {
        let req = http::Request::put(format!("{}/echo", server.base))
            .header("x-test", "hello")
            .body(Bytes::from_static(br#"{"name":"Jane"}"#))
            .unwrap();
        let res = t.send(req).await.unwrap();
        assert_eq!(res.status(), 201, "{name}");
        assert_eq!(res.headers()["x-method"], "PUT", "{name}");
        assert_eq!(res.headers()["x-test"], "hello", "{name}");
        let multi: Vec<_> = res.headers().get_all("x-multi").iter().collect();
        assert_eq!(multi, ["a", "b"], "{name}");
        assert_eq!(res.body(), r#"{"name":"Jane"}"#, "{name}");
    }
}

#[tokio::test]
async fn connections_are_reused() {
    for (name, t) in backends() {
        let server = serve().await;
        for _ in 0..5 {
            t.send(get(format!("{}/echo", server.base))).await.unwrap();
        }
        assert_eq!(server.seen.requests.load(Ordering::SeqCst), 5, "{name}");
        assert_eq!(server.seen.connections.load(Ordering::SeqCst), 1, "{name}");
    }
}

#[tokio::test]
async fn a_connection_closed_early_is_an_io_error_that_may_have_been_sent() {
    let server = serve().await;
    for (name, t) in backends() {
        for path in ["/close-early", "/close-before-response"] {
            let err = t.send(get(format!("{}{path}", server.base))).await.unwrap_err();
            assert!(matches!(err, TransportError::Io { .. }), "{name} {path}: {err:?}");
            assert!(err.may_have_reached_server(), "{name} {path}");
            assert!(err.is_transient(), "{name} {path}");
        }
    }
}

#[tokio::test]
async fn a_body_over_the_cap_is_refused() {
    let server = serve().await;
    for (name, t) in backends() {
        for path in ["/too-big", "/too-big-chunked"] {
            let err = t.send(get(format!("{}{path}", server.base))).await.unwrap_err();
            assert!(matches!(err, TransportError::BodyTooLarge { limit: 1024 }), "{name} {path}: {err:?}");
        }
    }
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let server = serve().await;
    for (name, t) in backends() {
        let before = server.seen.requests.load(Ordering::SeqCst);
        let res = t.send(get(format!("{}/redirect", server.base))).await.unwrap();
        assert_eq!(res.status(), 302, "{name}");
        assert_eq!(res.headers()["location"], "/echo", "{name}");
        assert_eq!(server.seen.requests.load(Ordering::SeqCst), before + 1, "{name}: followed the redirect");
    }
}

#[tokio::test]
async fn connection_refused_is_a_connect_error_never_sent() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    for (name, t) in backends() {
        let err = t.send(get(format!("http://127.0.0.1:{port}/"))).await.unwrap_err();
        assert!(err.is_connect(), "{name}: {err:?}");
        assert!(!err.may_have_reached_server(), "{name}");
    }
}
