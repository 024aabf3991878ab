//! Streaming memory: walks 10,000 and 100,000 users with
//! `client.users(&account).list().per_page(1000).items()` and reports the client's peak heap
//! while it streams. See `docs/performance.md`.
//!
//! The fake server holds every user in memory, so it runs in a child process (this same
//! binary, started with `--serve N`): the counting allocator of this process then sees the
//! client alone. Each user is dropped as soon as it is read. For contrast, the same walk is
//! also collected into a `Vec`, which must grow with the number of users; that shows the
//! counter sees what it should.
//!
//! `cargo bench --bench stream_memory` runs the full sizes; without `--bench` (e.g. under
//! `cargo test --benches`) it runs a quick check with smaller sizes.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cfzt::transport::{HttpTransport, HyperTransport, ReqwestTransport};
use cfzt::{AccountId, Client, CreateUserParams, Pacing};
use cfzt_fake_server::{DEMO_ACCOUNT_ID, FakeServer};
use futures_util::TryStreamExt;
use peak_alloc::PeakAlloc;

/// Counts the live heap bytes of this process and their peak. `peak_alloc` does the
/// counting (a `GlobalAlloc` needs `unsafe impl`, which the workspace forbids in its own code).
#[global_allocator]
static HEAP: PeakAlloc = PeakAlloc;

const PER_PAGE: u64 = 1000;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == "--serve") {
        let n = args.get(i + 1).and_then(|n| n.parse().ok()).expect("--serve N");
        serve(n);
        return;
    }
    // `cargo bench -- <filter>` passes the filter to every bench binary.
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if !filters.is_empty() && !filters.iter().any(|f| "stream_memory".contains(f.as_str())) {
        return;
    }
    let full = args.iter().any(|a| a == "--bench");
    let sizes: &[usize] = if full { &[10_000, 100_000] } else { &[1_000, 5_000] };
    if !full {
        println!("stream_memory: quick check (run with `cargo bench --bench stream_memory` for 10k and 100k users)");
    }
    let account: AccountId = DEMO_ACCOUNT_ID.parse().expect("account");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");

    let mut rows = Vec::new();
    for &n in sizes {
        let server = ServerProcess::start(n);
        for (backend, transport) in backends() {
            let client = Client::builder()
                .base_url(&server.base_url)
                .api_token("bench")
                .transport(transport)
                .pacing(Pacing::Off)
                .build()
                .expect("client");
            rows.push(rt.block_on(measure(&client, &account, n, backend)));
        }
        server.stop();
    }

    println!();
    println!(
        "{:>8} {:>8} | {:>13} {:>13} {:>9} | {:>15} | {:>12}",
        "users", "backend", "stream peak", "after stream", "time", "collect peak", "RSS growth"
    );
    for r in &rows {
        println!(
            "{:>8} {:>8} | {:>10.0} KiB {:>9.0} KiB {:>7.0}ms | {:>11.0} KiB | {:>8} KiB",
            r.users,
            r.backend,
            kib(r.stream_peak),
            kib(r.stream_after),
            r.stream_time.as_secs_f64() * 1000.0,
            kib(r.collect_peak),
            r.stream_rss_growth_kib.map_or("n/a".to_string(), |k| k.to_string()),
        );
    }
    println!();
    println!("stream peak: the most heap this process held above its level before the walk, while streaming");
    println!("collect peak: the same walk collected into a Vec<User>, for contrast");
    println!(
        "RSS growth: peak RSS during the streaming walk less RSS before it (VmHWM reset via /proc/self/clear_refs)"
    );

    // The promise: streaming memory does not grow with the number of users.
    for backend in ["hyper", "reqwest"] {
        let mine: Vec<&Row> = rows.iter().filter(|r| r.backend == backend).collect();
        let (small, large) = (mine[0], mine[mine.len() - 1]);
        assert!(
            large.stream_peak < small.stream_peak * 3 / 2 + 256 * 1024,
            "{backend}: streaming {} users peaked at {} B, {} users at {} B: memory grows with the users",
            small.users,
            small.stream_peak,
            large.users,
            large.stream_peak,
        );
        // Collected, the users must take at least half as much more memory as there are more users.
        let growth = large.users / small.users;
        assert!(
            large.collect_peak * 2 > small.collect_peak * growth,
            "{backend}: the counter missed the collected users"
        );
    }
    println!("streaming memory is flat in the number of users: ok");
}

fn backends() -> Vec<(&'static str, Arc<dyn HttpTransport>)> {
    vec![
        ("hyper", Arc::new(HyperTransport::new().expect("hyper transport"))),
        ("reqwest", Arc::new(ReqwestTransport::new().expect("reqwest transport"))),
    ]
}

struct Row {
    users: usize,
    backend: &'static str,
    stream_peak: usize,
    stream_after: usize,
    stream_time: Duration,
    collect_peak: usize,
    stream_rss_growth_kib: Option<u64>,
}

async fn measure(client: &Client, account: &AccountId, n: usize, backend: &'static str) -> Row {
    let users = client.users(account);
    // Warm up: the connection, the pool and the runtime's buffers exist before measuring.
    let first = users.list().per_page(PER_PAGE).send().await.expect("first page");
    assert_eq!(first.len(), n.min(PER_PAGE as usize));
    drop(first);

    let rss_before = if reset_peak_rss() { status_kib("VmRSS") } else { None };
    let base = HEAP.current_usage();
    HEAP.reset_peak_usage();
    let started = Instant::now();
    let mut seen = 0usize;
    let mut stream = users.list().per_page(PER_PAGE).items();
    while let Some(user) = stream.try_next().await.expect("stream") {
        assert!(user.email.is_some());
        seen += 1;
    }
    drop(stream);
    let stream_time = started.elapsed();
    let stream_peak = HEAP.peak_usage().saturating_sub(base);
    let stream_after = HEAP.current_usage().saturating_sub(base);
    let stream_rss_growth_kib = rss_before.zip(status_kib("VmHWM")).map(|(before, peak)| peak.saturating_sub(before));
    assert_eq!(seen, n, "{backend}: every user streamed once");

    let base = HEAP.current_usage();
    HEAP.reset_peak_usage();
    let all: Vec<_> = users.list().per_page(PER_PAGE).items().try_collect().await.expect("collect");
    let collect_peak = HEAP.peak_usage().saturating_sub(base);
    assert_eq!(all.len(), n);
    drop(all);

    Row { users: n, backend, stream_peak, stream_after, stream_time, collect_peak, stream_rss_growth_kib }
}

fn kib(bytes: usize) -> f64 {
    bytes as f64 / 1024.0
}

/// Resets this process's peak RSS (VmHWM) to its current RSS (Linux 4.0+).
fn reset_peak_rss() -> bool {
    std::fs::OpenOptions::new().write(true).open("/proc/self/clear_refs").and_then(|mut f| f.write_all(b"5")).is_ok()
}

/// A `kB` line of `/proc/self/status`, e.g. `VmHWM`.
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'))?;
    line[field.len() + 1..].trim().trim_end_matches("kB").trim().parse().ok()
}

/// The fake server with `n` users, in a child process.
struct ServerProcess {
    child: Child,
    stdin: ChildStdin,
    base_url: String,
}

impl ServerProcess {
    fn start(n: usize) -> Self {
        let started = Instant::now();
        let mut child = Command::new(std::env::current_exe().expect("current exe"))
            .args(["--serve", &n.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the server process");
        let stdin = child.stdin.take().expect("stdin");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("server address");
        let base_url = line.trim().to_string();
        assert!(base_url.starts_with("http://127.0.0.1:"), "the server process said {line:?}");
        println!("server process with {n} users ready in {:.1}s", started.elapsed().as_secs_f64());
        Self { child, stdin, base_url }
    }

    /// Closing its stdin stops the server process.
    fn stop(self) {
        let Self { mut child, stdin, .. } = self;
        drop(stdin);
        let status = child.wait().expect("server process");
        assert!(status.success(), "server process: {status}");
    }
}

/// The child: a fake server with `n` users, until stdin closes.
fn serve(n: usize) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let server = FakeServer::builder().empty().start().await.expect("fake server");
        let account: AccountId = DEMO_ACCOUNT_ID.parse().expect("account");
        for i in 0..n {
            let params = CreateUserParams::new(format!("user{i:06}@example.com")).name(format!("User Number {i}"));
            server.add_user(&account, params).expect("add user");
        }
        println!("{}", server.base_url());
        std::io::stdout().flush().expect("flush");
        let _ = tokio::task::spawn_blocking(|| std::io::stdin().read_to_end(&mut Vec::new())).await;
        server.shutdown().await;
    });
}
