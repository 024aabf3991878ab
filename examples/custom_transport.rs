//! Plugging your own HTTP client into the client: a blocking HTTP/1.1 client over
//! `std::net::TcpStream`, run on tokio's blocking pool, against a fake server started
//! in-process. No account, no network, no arguments:
//!
//! ```sh
//! cargo run --example custom_transport
//! ```
//!
//! What a transport of your own must get right, shown here:
//!
//! - **Say whether the request may have reached the server.** The retry layer repeats a
//!   failed `POST` only when it certainly did not. A connection that could not be made is
//!   `TransportError::Connect` (never sent); once connected, a timeout or a broken read is
//!   `maybe_sent: true`.
//! - **Bound its own time.** The retry layer's attempt timeout drops the future, but a
//!   thread blocked in `read` does not notice: it runs until the client gives up. So the
//!   blocking client's own limit covers the whole exchange (not each `read`), and is no
//!   longer than the retry policy's attempt timeout. Dropping the call (cancellation) is
//!   the same: the thread finishes on its own, within that limit.
//!
//! The client here speaks plain `http` to loopback test servers only; for Cloudflare, wrap a
//! real client (ureq, a C library, ...) the same way.

use std::error::Error;
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use cfzt::bytes::Bytes;
use cfzt::http::{self, header};
use cfzt::transport::{ConnectFailure, HttpTransport, Request, Response, RetryPolicy, TransportError, async_trait};
use cfzt::{AccountId, Client, CreateUserParams};
use cfzt_fake_server::{DEMO_ACCOUNT_ID, FakeServer};
use futures_util::TryStreamExt;

/// The retry policy's limit per attempt, and so the longest the blocking client may take.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest response this client reads, head and body together.
const MAX_RESPONSE: usize = 4 << 20;

/// A transport over a blocking HTTP/1.1 client: one connection per request.
pub(crate) struct BlockingHttp {
    /// The whole exchange (connect, write, read) must end within this; at most the retry
    /// policy's attempt timeout.
    timeout: Duration,
}

#[async_trait]
impl HttpTransport for BlockingHttp {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        let timeout = self.timeout;
        // A blocking call must not run on the async workers: it would stall every task
        // scheduled there.
        tokio::task::spawn_blocking(move || exchange(&request, timeout))
            .await
            // The thread panicked (or the runtime is shutting down) at some unknown point.
            .map_err(|e| TransportError::Other { source: Box::new(e), maybe_sent: true })?
    }
}

/// Sends `request` over a new connection and reads the whole answer, all within `limit`.
fn exchange(request: &Request, limit: Duration) -> Result<Response, TransportError> {
    let deadline = Instant::now() + limit;
    let uri = request.uri();
    if uri.scheme_str() != Some("http") {
        return Err(TransportError::InvalidRequest { source: "this client speaks plain http only".into() });
    }
    let authority = uri.authority().map(|a| a.as_str()).unwrap_or_default();
    let host = uri.host().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
    let port = uri.port_u16().unwrap_or(80);

    // Until a connection is made, nothing has been sent: the retry layer may repeat any
    // method, and will unless the kind says retrying cannot help.
    let addr = (host, port)
        .to_socket_addrs()
        .map_err(|e| TransportError::Connect { kind: ConnectFailure::Dns, source: Box::new(e) })?
        .next()
        .ok_or_else(|| TransportError::Connect { kind: ConnectFailure::Dns, source: "no address".into() })?;
    let mut stream = TcpStream::connect_timeout(&addr, limit).map_err(|e| {
        let kind = match e.kind() {
            io::ErrorKind::ConnectionRefused => ConnectFailure::Refused,
            io::ErrorKind::TimedOut => ConnectFailure::TimedOut,
            _ => ConnectFailure::Other,
        };
        TransportError::Connect { kind, source: Box::new(e) }
    })?;

    // From here on the server may have seen the request, or part of it.
    let in_flight = |e: io::Error| {
        // A socket timeout is `WouldBlock` on Unix and `TimedOut` on Windows.
        if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) {
            TransportError::Timeout { elapsed: Some(limit), maybe_sent: true }
        } else {
            TransportError::Io { source: Box::new(e), maybe_sent: true }
        }
    };
    stream.set_write_timeout(Some(time_left(deadline).map_err(in_flight)?)).map_err(in_flight)?;
    stream.write_all(&request_head(request, authority)).map_err(in_flight)?;
    stream.write_all(request.body()).map_err(in_flight)?;
    let raw = read_to_end(&mut stream, deadline).map_err(in_flight)?;
    if raw.len() > MAX_RESPONSE {
        return Err(TransportError::BodyTooLarge { limit: MAX_RESPONSE });
    }
    parse_response(&raw)
}

/// The time until `deadline`, or a `TimedOut` error once it has passed (a zero socket
/// timeout would mean "none").
fn time_left(deadline: Instant) -> io::Result<Duration> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() { Err(io::ErrorKind::TimedOut.into()) } else { Ok(left) }
}

/// The request line and headers. `Connection: close` makes the end of the answer the end
/// of the stream.
fn request_head(request: &Request, authority: &str) -> Vec<u8> {
    let target = request.uri().path_and_query().map_or("/", |p| p.as_str());
    let mut head = format!("{} {target} HTTP/1.1\r\nHost: {authority}\r\n", request.method()).into_bytes();
    for (name, value) in request.headers() {
        if name != header::HOST && name != header::CONTENT_LENGTH && name != header::CONNECTION {
            head.extend_from_slice(name.as_str().as_bytes());
            head.extend_from_slice(b": ");
            head.extend_from_slice(value.as_bytes());
            head.extend_from_slice(b"\r\n");
        }
    }
    head.extend_from_slice(format!("Content-Length: {}\r\nConnection: close\r\n\r\n", request.body().len()).as_bytes());
    head
}

/// Reads until the server closes, the deadline passes, or more than `MAX_RESPONSE` bytes
/// came. A socket's read timeout bounds one `read`, not the exchange: a server sending a
/// byte a second would never trip it, so each read gets only the time left.
fn read_to_end(stream: &mut TcpStream, deadline: Instant) -> io::Result<Vec<u8>> {
    let mut raw = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    while raw.len() <= MAX_RESPONSE {
        stream.set_read_timeout(Some(time_left(deadline)?))?;
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(raw)
}

/// Status line, headers, then the body: `Content-Length` bytes if given, else the rest.
fn parse_response(raw: &[u8]) -> Result<Response, TransportError> {
    let malformed =
        |what: &str| TransportError::Other { source: format!("malformed response: {what}").into(), maybe_sent: true };
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").ok_or_else(|| malformed("no end of the headers"))?;
    let head = std::str::from_utf8(&raw[..end]).map_err(|_| malformed("headers are not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.strip_prefix("HTTP/1.1 ").or_else(|| line.strip_prefix("HTTP/1.0 ")))
        .and_then(|rest| rest.get(..3))
        .and_then(|code| http::StatusCode::from_bytes(code.as_bytes()).ok())
        .ok_or_else(|| malformed("bad status line"))?;
    let mut response = http::Response::new(Bytes::new());
    *response.status_mut() = status;
    for line in lines {
        let (name, value) = line.split_once(':').ok_or_else(|| malformed("header without ':'"))?;
        let name = header::HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| malformed("header name"))?;
        let value = header::HeaderValue::from_str(value.trim()).map_err(|_| malformed("header value"))?;
        response.headers_mut().append(name, value);
    }
    if response.headers().contains_key(header::TRANSFER_ENCODING) {
        return Err(malformed("chunked bodies are not supported by this small client"));
    }
    let mut body = &raw[end + 4..];
    if let Some(length) = response.headers().get(header::CONTENT_LENGTH) {
        let length: usize =
            length.to_str().ok().and_then(|v| v.parse().ok()).ok_or_else(|| malformed("bad Content-Length"))?;
        // Fewer bytes than announced: the connection broke while the body was coming.
        let truncated = io::Error::new(io::ErrorKind::UnexpectedEof, "the body ended before its Content-Length");
        body = body.get(..length).ok_or(TransportError::Io { source: Box::new(truncated), maybe_sent: true })?;
    }
    *response.body_mut() = Bytes::copy_from_slice(body);
    Ok(response)
}

#[tokio::main]
pub(crate) async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            let mut source = e.source();
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn Error>> {
    let server = FakeServer::start().await?;
    println!("fake Access Users API at {}\n", server.base_url());

    // The client's own timeout is the policy's attempt timeout: the retry layer gives up
    // no earlier than the blocking thread does, and the thread never outlives the attempt.
    let client = Client::builder()
        .base_url(server.base_url())
        .api_token("custom-transport-token")
        .transport(BlockingHttp { timeout: ATTEMPT_TIMEOUT })
        .retry_policy(RetryPolicy::default().attempt_timeout(Some(ATTEMPT_TIMEOUT)))
        .build()?;
    let account: AccountId = DEMO_ACCOUNT_ID.parse()?;
    let users = client.users(&account);

    println!("POST   create a user, through the blocking client");
    let created = users.create(CreateUserParams::new("tess@example.com").name("Tess Port")).await?;
    let id = created.user_id()?;
    println!("       -> {id} {:?}\n", created.name.as_deref().unwrap_or("-"));

    println!("GET    read them back");
    let fetched = users.get(&id).send_with_response().await?;
    let length = fetched.headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).unwrap_or("-");
    println!(
        "       -> HTTP {}, {length} bytes, email {}\n",
        fetched.status.as_u16(),
        fetched.result.email.as_deref().unwrap_or("-")
    );

    println!("GET    list every user, two per page");
    let everyone: Vec<_> = users.list().per_page(2).items().try_collect().await?;
    println!("       -> {} users, Tess among them: {}\n", everyone.len(), everyone.iter().any(|u| u.id == created.id));

    println!("DELETE remove Tess");
    users.delete(&id).await?;
    match users.get(&id).await {
        Err(e) if e.is_not_found() => println!("       -> gone: {e}\n"),
        other => return Err(format!("expected not found, got {other:?}").into()),
    }
    println!("{} requests served, each over its own connection\n", server.journal().len());

    // A closed port: bind a listener, note its port, drop it. Never sent, so the retry
    // layer would repeat it; `max_retries(0)` keeps the demo short.
    let closed = TcpListener::bind("127.0.0.1:0")?.local_addr()?;
    let nowhere = Client::builder()
        .base_url(format!("http://{closed}/client/v4"))
        .api_token("custom-transport-token")
        .transport(BlockingHttp { timeout: ATTEMPT_TIMEOUT })
        .build()?;
    println!("GET    a closed port, {closed}");
    let Err(err) = nowhere.users(&account).get(&id).max_retries(0).await else {
        return Err("a closed port answered".into());
    };
    print_chain("       ->", &err);
    let failure = transport_error(&err).ok_or("expected a transport failure")?;
    if failure.connect_failure() != Some(ConnectFailure::Refused) || failure.may_have_reached_server() {
        return Err(format!("expected a refused connection, never sent; got {failure:?}").into());
    }
    println!("       (never reached the server: safe to retry, even a POST)\n");

    // A server that accepts and never answers: the client's own timeout (here shorter than
    // the attempt timeout, as it must be) frees the thread and reports the attempt as
    // possibly sent.
    let silent = TcpListener::bind("127.0.0.1:0")?;
    let slow = Client::builder()
        .base_url(format!("http://{}/client/v4", silent.local_addr()?))
        .api_token("custom-transport-token")
        .transport(BlockingHttp { timeout: Duration::from_millis(300) })
        .retry_policy(RetryPolicy::no_retries().attempt_timeout(Some(Duration::from_secs(2))))
        .build()?;
    println!("GET    a server that never answers, with a 300 ms client timeout");
    let Err(err) = slow.users(&account).get(&id).await else {
        return Err("a silent server answered".into());
    };
    print_chain("       ->", &err);
    let failure = transport_error(&err).ok_or("expected a transport failure")?;
    if !failure.is_timeout() || !failure.may_have_reached_server() {
        return Err(format!("expected a timeout that may have reached the server; got {failure:?}").into());
    }
    println!("       (may have reached the server: a POST would not be retried)\n");
    drop(silent);

    println!("done");
    Ok(())
}

/// The transport's own error, under the client's.
fn transport_error(err: &cfzt::Error) -> Option<&TransportError> {
    match err {
        cfzt::Error::Transport(failure) => Some(&failure.source),
        _ => None,
    }
}

/// `Display` names what happened; each `source()` adds the layer below it, down to the
/// operating system's own words.
fn print_chain(label: &str, err: &(dyn Error + 'static)) {
    println!("{label} {err}");
    let mut source = err.source();
    while let Some(cause) = source {
        println!("{:width$} caused by: {cause}", "", width = label.len());
        source = cause.source();
    }
}
