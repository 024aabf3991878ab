//! The Redis budget against a real `redis-server` (started by the tests), and its pure parts.

use std::io::Write;
use std::sync::{Arc, Mutex as StdMutex};

use http::{HeaderMap, StatusCode};

use super::*;

use super::server::RedisServer;

/// The small quota of these tests: 20 per 500 ms, 4 at once.
pub(super) fn quota() -> BudgetQuota {
    BudgetQuota::new(20, Duration::from_millis(500)).unwrap().burst(4).unwrap()
}

pub(super) fn budget(url: &str, key: &str) -> RedisBudgetBuilder {
    RedisBudget::builder(url, key).quota(quota())
}

pub(super) fn observation(status: u16, pairs: &[(&'static str, &str)]) -> Observation {
    let mut headers = HeaderMap::new();
    for (k, v) in pairs {
        headers.append(*k, v.parse().unwrap());
    }
    Observation::new(StatusCode::from_u16(status).unwrap(), &headers)
}

/// Collects what `tracing` prints on this thread while the guard lives.
#[derive(Clone, Default)]
pub(super) struct Logs(Arc<StdMutex<Vec<u8>>>);

impl Logs {
    pub(super) fn capture(&self) -> tracing::subscriber::DefaultGuard {
        let sink = self.clone();
        let subscriber = tracing_subscriber::fmt().with_ansi(false).with_writer(move || sink.clone()).finish();
        tracing::subscriber::set_default(subscriber)
    }

    pub(super) fn lines_with(&self, text: &str) -> usize {
        String::from_utf8_lossy(&self.0.lock().unwrap()).lines().filter(|l| l.contains(text)).count()
    }
}

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A key no other test (or earlier run) uses.
pub(super) fn fresh_key(name: &str) -> String {
    format!("{name}-{}", credential_fingerprint(format!("{:?}{}", std::time::SystemTime::now(), std::process::id())))
}

/// The most grants (Redis's clock, µs) inside any closed interval as long as `window`.
/// `BudgetQuota` promises at most `requests` in the window plus its margin.
fn busiest_window(grants: &mut [u64], window: Duration) -> usize {
    grants.sort_unstable();
    let w = window.as_micros() as u64;
    (0..grants.len()).map(|i| grants[i..].iter().take_while(|t| **t - grants[i] <= w).count()).max().unwrap_or(0)
}

#[test]
fn fingerprints_and_keys_hold_no_secret() {
    let fp = credential_fingerprint("secret-token-123");
    assert_eq!(fp.len(), 32);
    assert!(fp.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()), "{fp}");
    assert_eq!(fp, credential_fingerprint(b"secret-token-123"));
    assert_ne!(fp, credential_fingerprint("secret-token-124"));
    let keys = Keys::new("app:", &fp);
    assert_eq!(keys.tat, format!("app:cfzt:budget:{{{fp}}}:tat"));
    assert_eq!(keys.pause, format!("app:cfzt:budget:{{{fp}}}:pause"));
    assert_eq!(keys.window, format!("app:cfzt:budget:{{{fp}}}:window"));
}

#[test]
fn settings_table() {
    let url = "redis://127.0.0.1:6379/";
    let ms = Duration::from_millis;
    let cases: Vec<(RedisBudgetBuilder, Option<&str>)> = vec![
        (RedisBudget::builder(url, "abc_DEF-123"), None),
        (RedisBudget::builder("unix:///tmp/redis.sock", "k"), None),
        (RedisBudget::builder(url, ""), Some("fingerprint")),
        (RedisBudget::builder(url, "has space"), Some("fingerprint")),
        (RedisBudget::builder(url, "a{b}"), Some("fingerprint")),
        (RedisBudget::builder(url, &"a".repeat(65)), Some("fingerprint")),
        (RedisBudget::builder(url, "k").key_prefix("x{"), Some("key_prefix")),
        (RedisBudget::builder(url, "k").key_prefix("p".repeat(65)), Some("key_prefix")),
        (RedisBudget::builder(url, "k").timeout(ms(0)), Some("timeout")),
        (RedisBudget::builder(url, "k").retry_interval(ms(0)), Some("retry_interval")),
        (RedisBudget::builder("http://127.0.0.1/", "k"), Some("url")),
        (RedisBudget::builder("not a url", "k"), Some("url")),
    ];
    for (builder, want) in cases {
        let got = builder.clone().build().err().map(|e| e.field);
        assert_eq!(got, want, "{builder:?}");
    }
}

#[test]
fn debug_and_errors_never_show_the_password() {
    let builder = RedisBudget::builder("redis://:hunter2@127.0.0.1:6379/", "k");
    assert!(!format!("{builder:?}").contains("hunter2"));
    let budget = builder.build().unwrap();
    let shown = format!("{budget:?}");
    assert!(!shown.contains("hunter2") && shown.contains("127.0.0.1:6379"), "{shown}");
    let err = RedisBudget::builder("redis://:hunter2@[::1:6379/", "k").build().unwrap_err();
    assert!(!format!("{err} {err:?}").contains("hunter2"), "{err:?}");
}

#[test]
fn lessons_table() {
    let max = MAX_PAUSE;
    let lesson = |pause_ms, left, reset_ms| Some(Lesson { pause_ms, left, reset_ms });
    let cases = [
        (observation(200, &[]), None),
        (observation(200, &[("ratelimit", r#""d";r=7;t=30"#)]), lesson(0, 7, 30_000)),
        // Nothing left: the count holds requests until the window's end, no pause of its own.
        (observation(200, &[("ratelimit", r#""d";r=0;t=2"#)]), lesson(0, 0, 2000)),
        (observation(429, &[("retry-after", "3")]), lesson(3000, -1, -1)),
        (observation(429, &[("retry-after", "99999")]), lesson(max.as_millis() as u64, -1, -1)),
        (observation(200, &[("ratelimit", r#""d";r=7"#)]), None),
        (observation(200, &[("ratelimit", r#""d";r=7;t=0"#)]), None),
        // What is left is never more than the quota (20), however large the header says.
        (observation(200, &[("ratelimit", r#""d";r=20;t=30"#)]), lesson(0, 20, 30_000)),
        (observation(200, &[("ratelimit", r#""d";r=100000000000000000;t=30"#)]), lesson(0, 20, 30_000)),
        (observation(200, &[("ratelimit", r#""d";r=18446744073709551615;t=30"#)]), lesson(0, 20, 30_000)),
    ];
    for (i, (o, want)) in cases.into_iter().enumerate() {
        assert_eq!(Lesson::from_observation(&o, max, &quota()), want, "case {i}");
    }
}

#[tokio::test]
async fn instances_share_one_quota() {
    let Some(redis) = RedisServer::start() else { return };
    let key = fresh_key("instances");
    let budgets: Vec<_> = (0..3).map(|_| Arc::new(budget(&redis.url(), &key).build().unwrap())).collect();
    let tasks: Vec<_> = budgets
        .iter()
        .map(|b| {
            let b = b.clone();
            tokio::spawn(async move {
                let mut at = Vec::new();
                for _ in 0..15 {
                    at.push(b.take(None).await.unwrap().at_micros.expect("granted by Redis"));
                }
                at
            })
        })
        .collect();
    let mut grants = Vec::new();
    for task in tasks {
        grants.extend(task.await.unwrap());
    }
    assert_eq!(grants.len(), 45);
    let busiest = busiest_window(&mut grants, quota().window() + quota().margin());
    assert!(busiest <= 20, "{busiest} grants in one window (600 ms with the margin), quota 20");
    assert!(budgets.iter().all(|b| !b.is_degraded()));
}

/// Run by `processes_share_one_quota` as a child process: takes places and prints when.
#[tokio::test]
#[ignore = "a child of processes_share_one_quota"]
async fn child_takes_places() {
    let (Ok(url), Ok(key), Ok(n)) =
        (std::env::var("CFZT_TEST_REDIS_URL"), std::env::var("CFZT_TEST_KEY"), std::env::var("CFZT_TEST_N"))
    else {
        eprintln!("run by processes_share_one_quota only");
        return;
    };
    let budget = budget(&url, &key).build().unwrap();
    for _ in 0..n.parse::<usize>().unwrap() {
        let grant = budget.take(None).await.unwrap();
        println!("grant {}", grant.at_micros.expect("granted by Redis"));
    }
}

#[test]
fn processes_share_one_quota() {
    let Some(redis) = RedisServer::start() else { return };
    let key = fresh_key("processes");
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..4)
        .map(|_| {
            std::process::Command::new(&exe)
                .args(["pacing::redis::tests::child_takes_places", "--exact", "--ignored", "--nocapture"])
                .env("CFZT_TEST_REDIS_URL", redis.url())
                .env("CFZT_TEST_KEY", &key)
                .env("CFZT_TEST_N", "12")
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut grants = Vec::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "a child failed: {out:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        let mine: Vec<u64> = text.lines().filter_map(|l| l.strip_prefix("grant ")?.parse().ok()).collect();
        assert_eq!(mine.len(), 12, "{text}");
        grants.extend(mine);
    }
    let busiest = busiest_window(&mut grants, quota().window() + quota().margin());
    assert!(busiest <= 20, "{busiest} grants in one window (600 ms with the margin) across 4 processes, quota 20");
}

#[tokio::test]
async fn what_one_learns_holds_every_one() {
    let Some(redis) = RedisServer::start() else { return };
    // (what the first instance is told, places the second still gets before it must wait)
    let cases = [
        (observation(429, &[("retry-after", "1")]), 0),
        (observation(429, &[("ratelimit", r#""d";r=0;t=1"#)]), 0),
        (observation(200, &[("ratelimit", r#""d";r=0;t=1"#)]), 0),
        (observation(200, &[("ratelimit", r#""d";r=2;t=1"#)]), 2),
    ];
    for (i, (lesson, places)) in cases.into_iter().enumerate() {
        let key = fresh_key(&format!("learn{i}"));
        let (a, b) = (budget(&redis.url(), &key).build().unwrap(), budget(&redis.url(), &key).build().unwrap());
        a.observe(&lesson).await;
        for _ in 0..places {
            b.take(None).await.unwrap();
        }
        let soon = Instant::now() + Duration::from_millis(100);
        let err = b.acquire(Some(soon)).await.unwrap_err();
        let would_wait = err.would_wait().unwrap();
        assert!(would_wait > Duration::from_millis(500), "case {i}: {would_wait:?}");
        // Without a deadline it waits for the reset, then goes on.
        assert!(b.acquire(None).await.unwrap() > Duration::from_millis(500), "case {i}");
        assert!(!a.is_degraded() && !b.is_degraded());
    }
}

#[tokio::test]
async fn falls_back_or_fails_without_redis_and_comes_back() {
    let Some(redis) = RedisServer::start() else { return };
    let logs = Logs::default();
    let _capture = logs.capture();
    let (url, port) = (redis.url(), redis.port());
    let key = fresh_key("fallback");
    let every = Duration::from_millis(200);
    let fall_back = budget(&url, &key).retry_interval(every).build().unwrap();
    let fail = budget(&url, &key).retry_interval(every).when_unavailable(WhenUnavailable::Fail).build().unwrap();
    for b in [&fall_back, &fail] {
        assert!(b.take(None).await.unwrap().at_micros.is_some());
    }
    redis.kill();
    let grant = fall_back.take(None).await.unwrap();
    assert!(grant.at_micros.is_none() && fall_back.is_degraded(), "{grant:?}");
    let err = fail.acquire(None).await.unwrap_err();
    assert!(matches!(err, BudgetError::Unavailable { .. }) && fail.is_degraded(), "{err:?}");
    // Still down after the retry interval: the same answers.
    tokio::time::sleep(every).await;
    assert!(fall_back.take(None).await.unwrap().at_micros.is_none());
    assert!(fail.acquire(None).await.is_err());

    let _back = RedisServer::start_on(port).expect("redis-server ran a moment ago");
    for b in [&fall_back, &fail] {
        let start = Instant::now();
        loop {
            match b.take(None).await {
                Ok(Grant { at_micros: Some(_), .. }) => break,
                _ if start.elapsed() > Duration::from_secs(10) => panic!("never went back to Redis: {b:?}"),
                _ => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
        assert!(!b.is_degraded());
    }
    // One warning per budget and outage, however many requests it held; one note on return.
    assert_eq!(logs.lines_with("WARN"), 2);
    assert_eq!(logs.lines_with("pacing in this process alone"), 1);
    assert_eq!(logs.lines_with("requests fail until it returns"), 1);
    assert_eq!(logs.lines_with("reachable again"), 2);
}

#[tokio::test(start_paused = true)]
async fn a_silent_redis_never_holds_a_call_past_its_deadline() {
    // Accepts connections (the kernel does) and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("redis://{}/", silent.local_addr().unwrap());
    let key = fresh_key("silent");
    let fall_back = budget(&url, &key).build().unwrap();
    let t0 = Instant::now();
    let deadline = t0 + Duration::from_millis(50);
    fall_back.acquire(Some(deadline)).await.unwrap();
    assert!(Instant::now() <= deadline);
    // The deadline cut the call short, which says nothing of Redis; the timeout does.
    assert!(!fall_back.is_degraded());
    fall_back.acquire(None).await.unwrap();
    assert!(fall_back.is_degraded());
    assert!(Instant::now() <= deadline + Duration::from_millis(250));

    let fail = budget(&url, &key).when_unavailable(WhenUnavailable::Fail).build().unwrap();
    let t1 = Instant::now();
    assert!(matches!(fail.acquire(Some(t1 + Duration::from_millis(50))).await, Err(BudgetError::Unavailable { .. })));
    assert!(Instant::now() <= t1 + Duration::from_millis(50));
}

#[tokio::test]
async fn an_absent_redis_falls_back_at_once() {
    let url = format!("redis://127.0.0.1:{}/", RedisServer::free_port());
    let b = budget(&url, "absent").build().unwrap();
    assert!(b.take(None).await.unwrap().at_micros.is_none());
    assert!(b.is_degraded());
}

#[tokio::test]
async fn announced_policies_are_followed_both_ways_as_in_the_local_budget() {
    let url = format!("redis://127.0.0.1:{}/", RedisServer::free_port());
    let policy = |q: u32, w: u64| observation(200, &[("ratelimit-policy", &format!(r#""d";q={q};w={w}"#))]);
    let q = |requests, secs| BudgetQuota::new(requests, Duration::from_secs(secs)).unwrap();
    // (budget, announced (q, w) in turn, and the quota paced to after each): the rule of
    // `LocalBudget`, one `PolicyLearner` for both; no store needed to learn.
    let cases = [
        (RedisBudget::builder(&url, "follow"), vec![((6000, 300), q(6000, 300)), ((10, 300), q(10, 300))]),
        (
            RedisBudget::builder(&url, "ceiling").quota(q(1200, 300)),
            vec![((10, 300), q(10, 300)), ((6000, 300), q(1200, 300)), ((600, 300), q(600, 300))],
        ),
        (RedisBudget::builder(&url, "absurd"), vec![((1, 300), BudgetQuota::cloudflare())]),
    ];
    for (builder, steps) in cases {
        let budget = builder.build().unwrap();
        assert_eq!(budget.quota(), BudgetQuota::cloudflare());
        for ((requests, window), want) in steps {
            budget.observe(&policy(requests, window)).await;
            assert_eq!(budget.quota(), want, "announced q={requests};w={window}");
            // The fallback follows the same rule.
            assert_eq!(budget.fallback.quota(), want, "fallback, announced q={requests};w={window}");
        }
    }
}

#[tokio::test]
async fn before_the_first_answer_one_request_goes_at_a_time() {
    let Some(redis) = RedisServer::start() else { return };
    let key = fresh_key("untaught");
    // A burst of 4, but none before an answer: the second place is a period (594 ms) away,
    // on Redis's clock.
    let quota = BudgetQuota::new(20, Duration::from_secs(10)).unwrap().burst(4).unwrap();
    let b = RedisBudget::builder(&redis.url(), &key).quota(quota).build().unwrap();
    let at = |grant: Grant| grant.at_micros.expect("a place from Redis");
    let first = at(b.take(None).await.unwrap());
    let second = at(b.take(None).await.unwrap());
    assert!(second - first >= quota.period().as_micros() as u64, "{first} then {second}");
    // The first answer lets the rest of the burst go: no place is a period apart.
    b.observe(&observation(200, &[])).await;
    let third = at(b.take(None).await.unwrap());
    let fifth = [at(b.take(None).await.unwrap()), at(b.take(None).await.unwrap())][1];
    assert!(fifth - third < quota.period().as_micros() as u64, "{third} to {fifth}");
}

#[tokio::test]
async fn an_exhausted_window_ends_when_its_answers_say_not_later() {
    let Some(redis) = RedisServer::start() else { return };
    let key = fresh_key("window-end");
    let b = budget(&redis.url(), &key).build().unwrap();
    // `t` counts whole seconds, rounded up: a later answer of the same window says its end
    // more closely. Nothing left holds requests until the closer end, not the first one.
    b.observe(&observation(200, &[("ratelimit", r#""d";r=3;t=30"#)])).await;
    b.observe(&observation(200, &[("ratelimit", r#""d";r=0;t=1"#)])).await;
    let err = b.take(Some(Instant::now() + Duration::from_millis(300))).await.unwrap_err();
    // At most the 1 s the closer end says, and the time the call took (a loaded machine).
    assert!(err.would_wait().is_some_and(|w| w <= Duration::from_millis(1500)), "{err:?}");
    let grant = b.take(Some(Instant::now() + Duration::from_secs(5))).await.unwrap();
    assert!(grant.at_micros.is_some(), "{grant:?}");
}
