//! `cfzt-fake-server`: serves the in-memory Access Users fake until Ctrl-C.
//!
//! ```text
//! cfzt-fake-server [--port 8787] [--host 127.0.0.1] [--empty] [--token TOKEN] [--strict-per-page]
//!                  [--strict-body-keys] [--journal-max-entries N] [--journal-max-bytes N]
//!                  [--rate-limit N/D|off]
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use cfzt_fake_server::{DEMO_ACCOUNT_ID, FakeServer, RateLimit};

const USAGE: &str = "\
usage: cfzt-fake-server [--port PORT] [--host ADDR] [--empty] [--token TOKEN] [--strict-per-page]
                        [--strict-body-keys] [--journal-max-entries N] [--journal-max-bytes N]
                        [--rate-limit N/D|off]

Serves a stateful, in-memory fake of Cloudflare's Access Users API until Ctrl-C.

  --port PORT         port to listen on (default 8787; 0 picks a free port)
  --host ADDR         IP address to bind (default 127.0.0.1)
  --empty             start without the demo data
  --token TOKEN       accept only `Authorization: Bearer TOKEN` (others get 403)
  --strict-per-page   refuse per_page values outside 1,5,10,20,25,50,100,1000 (code 12091)
  --strict-body-keys  refuse request bodies with keys the operation does not define (400,
                      code 1001); by default they are ignored, as the API ignores them
  --journal-max-entries N
                      keep at most N requests in the journal (default 50000; 0 keeps none)
  --journal-max-bytes N
                      keep at most N bytes of requests in the journal (default 33554432,
                      32 MiB); each stored body is cut at 64 KiB
  --rate-limit N/D|off
                      allow N requests per window D per credential (token, or email and
                      key), then answer 429 for one window; D is a whole number with s, ms
                      or m, e.g. 1200/300s (the default, Cloudflare's limit), 20/1s,
                      5/200ms; `off` enforces none
  -h, --help          print this help";

/// The parsed command line.
#[derive(Debug, PartialEq)]
struct Options {
    addr: SocketAddr,
    empty: bool,
    token: Option<String>,
    strict_per_page: bool,
    strict_body_keys: bool,
    journal_max_entries: Option<usize>,
    journal_max_bytes: Option<usize>,
    rate_limit: Option<RateLimit>,
}

/// What the command line asks for.
#[derive(Debug, PartialEq)]
enum Command {
    Serve(Options),
    Help,
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut host = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let mut port: u16 = 8787;
    let mut empty = false;
    let mut token = None;
    let mut strict_per_page = false;
    let mut strict_body_keys = false;
    let mut journal_max_entries = None;
    let mut journal_max_bytes = None;
    let mut rate_limit = Some(RateLimit::cloudflare());
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        // Accept both `--flag value` and `--flag=value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline.clone().or_else(|| args.next()).ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--port" => {
                let v = value("--port")?;
                port = v.parse().map_err(|_| format!("--port: {v:?} is not a port number (0-65535)"))?;
            }
            "--host" => {
                let v = value("--host")?;
                host = v.parse().map_err(|_| format!("--host: {v:?} is not an IP address"))?;
            }
            "--token" => {
                let v = value("--token")?;
                if v.trim().is_empty() || v.contains(char::is_whitespace) {
                    return Err("--token: the token must be non-empty and without spaces".into());
                }
                token = Some(v);
            }
            "--journal-max-entries" | "--journal-max-bytes" => {
                let v = value(&flag)?;
                let n = v.parse::<usize>().map_err(|_| format!("{flag}: {v:?} is not a whole number"))?;
                if flag == "--journal-max-entries" {
                    journal_max_entries = Some(n);
                } else {
                    journal_max_bytes = Some(n);
                }
            }
            "--rate-limit" => rate_limit = parse_rate_limit(&value("--rate-limit")?)?,
            "--empty" | "--strict-per-page" | "--strict-body-keys" if inline.is_some() => {
                return Err(format!("{flag} takes no value"));
            }
            "--empty" => empty = true,
            "--strict-per-page" => strict_per_page = true,
            "--strict-body-keys" => strict_body_keys = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Command::Serve(Options {
        addr: SocketAddr::new(host, port),
        empty,
        token,
        strict_per_page,
        strict_body_keys,
        journal_max_entries,
        journal_max_bytes,
        rate_limit,
    }))
}

/// `off`, or `N/D` with D a whole number of `s`, `ms` or `m`: `1200/300s`, `5/200ms`.
fn parse_rate_limit(v: &str) -> Result<Option<RateLimit>, String> {
    if v == "off" {
        return Ok(None);
    }
    let bad = |why: &str| format!("--rate-limit: {v:?} {why}; use N/D (e.g. 1200/300s, 20/1s, 5/200ms, 2/1m) or off");
    let (quota, window) = v.split_once('/').ok_or_else(|| bad("has no '/'"))?;
    let quota: u32 = quota.parse().map_err(|_| bad("does not start with a whole number of requests"))?;
    let (digits, unit) = window.split_at(window.find(|c: char| !c.is_ascii_digit()).unwrap_or(window.len()));
    let n: u64 = digits.parse().map_err(|_| bad("has no whole-number window"))?;
    let window = match unit {
        "ms" => Duration::from_millis(n),
        "s" => Duration::from_secs(n),
        "m" => Duration::from_secs(n.saturating_mul(60)),
        _ => return Err(bad("has no window unit (s, ms or m)")),
    };
    if quota == 0 || window.is_zero() {
        return Err(bad("needs a quota and a window above zero"));
    }
    Ok(Some(RateLimit::new(quota, window)))
}

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(Command::Serve(options)) => options,
        Ok(Command::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("cfzt-fake-server: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cfzt-fake-server: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(serve(options))
}

/// Writes `text` to stdout. A server keeps serving when whoever started it stops reading
/// its stdout (a closed pipe would make `println!` panic and take the server down with it).
fn say(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// Resolves at the next Ctrl-C (SIGINT), listening from the moment it is called.
#[cfg(unix)]
fn interrupted() -> impl std::future::Future<Output = std::io::Result<()>> {
    let signal = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt());
    async move {
        signal?.recv().await;
        Ok(())
    }
}

/// Resolves at the next Ctrl-C.
#[cfg(not(unix))]
fn interrupted() -> impl std::future::Future<Output = std::io::Result<()>> {
    tokio::signal::ctrl_c()
}

async fn serve(options: Options) -> ExitCode {
    let mut builder = FakeServer::builder()
        .bind(options.addr)
        .strict_per_page(options.strict_per_page)
        .strict_body_keys(options.strict_body_keys);
    if options.empty {
        builder = builder.empty();
    }
    if let Some(token) = &options.token {
        builder = builder.require_token(token.clone());
    }
    if let Some(limit) = options.rate_limit {
        builder = builder.rate_limit(limit);
    }
    if let Some(n) = options.journal_max_entries {
        builder = builder.journal_max_entries(n);
    }
    if let Some(n) = options.journal_max_bytes {
        builder = builder.journal_max_bytes(n);
    }
    let server = match builder.start().await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("cfzt-fake-server: cannot listen on {}: {e}", options.addr);
            return ExitCode::FAILURE;
        }
    };
    // Listen for Ctrl-C before saying "press Ctrl-C", so an early one is not the default kill.
    let ctrl_c = interrupted();
    let token = options.token.as_deref().unwrap_or("any-token");
    let base = server.base_url();
    let data =
        if options.empty { "starting empty (no demo data)" } else { "demo data loaded: 5 users in the demo account" };
    let limit = match options.rate_limit {
        Some(limit) => format!(
            "rate limit: {} requests per {:?} per credential, then 429 for {:?} (--rate-limit off to disable)",
            limit.quota(),
            limit.window(),
            limit.block()
        ),
        None => "rate limit: off".to_string(),
    };
    say(&format!(
        "listening on {base}\n{data}\n{limit}\ntry:\n  curl -s -H 'Authorization: Bearer {token}' '{base}/accounts/{DEMO_ACCOUNT_ID}/access/users'\npress Ctrl-C to stop\n"
    ));
    if let Err(e) = ctrl_c.await {
        eprintln!("cfzt-fake-server: cannot wait for Ctrl-C: {e}");
    }
    server.shutdown().await;
    say("stopped\n");
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Command, String> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn defaults_and_flags() {
        let Ok(Command::Serve(o)) = parse(&[]) else { panic!() };
        assert_eq!(o.addr, "127.0.0.1:8787".parse().unwrap());
        assert!(!o.empty && !o.strict_per_page && !o.strict_body_keys && o.token.is_none());
        let Ok(Command::Serve(o)) = parse(&[
            "--port",
            "0",
            "--host",
            "::1",
            "--empty",
            "--token=abc",
            "--strict-per-page",
            "--strict-body-keys",
        ]) else {
            panic!()
        };
        assert_eq!(o.addr, "[::1]:0".parse().unwrap());
        assert!(o.empty && o.strict_per_page && o.strict_body_keys);
        assert_eq!(o.token.as_deref(), Some("abc"));
        assert_eq!((o.journal_max_entries, o.journal_max_bytes), (None, None));
        assert_eq!(o.rate_limit, Some(RateLimit::cloudflare()), "the binary enforces the API's limit by default");
        let Ok(Command::Serve(o)) = parse(&["--journal-max-entries", "10", "--journal-max-bytes=4096"]) else {
            panic!()
        };
        assert_eq!((o.journal_max_entries, o.journal_max_bytes), (Some(10), Some(4096)));
        assert_eq!(parse(&["--help"]), Ok(Command::Help));
    }

    #[test]
    fn bad_arguments_are_errors() {
        for args in [
            &["--port"][..],
            &["--port", "x"],
            &["--port", "70000"],
            &["--host", "localhost:1"],
            &["--token", ""],
            &["--empty=yes"],
            &["--strict-body-keys=yes"],
            &["--journal-max-entries"],
            &["--journal-max-entries", "-1"],
            &["--journal-max-bytes", "1MiB"],
            &["--rate-limit"],
            &["--verbose"],
            &["serve"],
        ] {
            assert!(parse(args).is_err(), "{args:?}");
        }
    }

    #[test]
    fn rate_limit_values() {
        let ok = [
            ("1200/300s", Some((1200, Duration::from_secs(300)))),
            ("20/1s", Some((20, Duration::from_secs(1)))),
            ("5/200ms", Some((5, Duration::from_millis(200)))),
            ("2/1m", Some((2, Duration::from_secs(60)))),
            ("off", None),
        ];
        for (v, want) in ok {
            let got = parse_rate_limit(v).unwrap().map(|l| (l.quota(), l.window()));
            assert_eq!(got, want, "{v}");
            let Ok(Command::Serve(o)) = parse(&["--rate-limit", v]) else { panic!("{v}") };
            assert_eq!(o.rate_limit.map(|l| (l.quota(), l.window())), want, "{v}");
        }
        for v in
            ["", "1200", "1200/", "1200/300", "1200/300h", "x/1s", "-1/1s", "0/1s", "5/0ms", "5/1.5s", "OFF", "5/s"]
        {
            let err = parse_rate_limit(v).expect_err(v);
            assert!(err.starts_with("--rate-limit:") && err.contains("1200/300s"), "{v}: {err}");
        }
    }
}
