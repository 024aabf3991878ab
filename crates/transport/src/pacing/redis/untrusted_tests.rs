//! The Redis budget against what no budget writes: huge counts from a server's header,
//! values an older version or a broken writer left in the store, and a store that answers
//! absurd waits. No wait passes the budget's own limit, and the next acquisition works.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;

use super::script::decide;
use super::server::RedisServer;
use super::tests::{Logs, budget, fresh_key, observation, quota};
use super::*;

/// A connection to the test's `redis-server`, to read and write keys behind the budget.
async fn store(redis: &RedisServer) -> redis::aio::MultiplexedConnection {
    redis::Client::open(redis.url()).unwrap().get_multiplexed_async_connection().await.unwrap()
}

async fn get(conn: &mut redis::aio::MultiplexedConnection, key: &str) -> Option<String> {
    redis::cmd("GET").arg(key).query_async(conn).await.unwrap()
}

/// Bounds a call that, broken, would sleep for years: the test fails instead of hanging.
async fn within<T>(call: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(20), call).await.expect("the call waited as long as the store said")
}

#[test]
fn store_waits_table() {
    let limit = MAX_PAUSE;
    let secs = |n| Duration::from_secs(n).as_micros() as u64;
    // (wait µs, now µs, the decision; None: a store error)
    let cases = [
        (0, 7, Some(Decision::Go { at_micros: 7 })),
        (0, u64::MAX, Some(Decision::Go { at_micros: u64::MAX })),
        (1, 7, Some(Decision::Wait(Duration::from_micros(1)))),
        (secs(300), 7, Some(Decision::Wait(Duration::from_secs(300)))),
        (secs(900), 7, Some(Decision::Wait(MAX_PAUSE))),
        (secs(900) + 1, 7, None),
        // 292,000 years, and more.
        (i64::MAX as u64, 7, None),
        (u64::MAX, 7, None),
    ];
    for (wait, now, want) in cases {
        assert_eq!(decide(wait, now, limit).ok(), want, "wait {wait} µs");
    }
}

#[tokio::test]
async fn a_huge_count_left_is_stored_as_an_integer_and_spent() {
    let Some(redis) = RedisServer::start() else { return };
    let mut conn = store(&redis).await;
    let key = fresh_key("huge-left");
    let b = budget(&redis.url(), &key).when_unavailable(WhenUnavailable::Fail).build().unwrap();
    b.observe(&observation(200, &[("ratelimit", r#""d";r=100000000000000000;t=60"#)])).await;
    assert_eq!(get(&mut conn, &b.keys.window).await.as_deref(), Some("20"), "clamped to the quota, as an integer");
    // Every process on the token goes on acquiring from Redis, and spends the count.
    for left in (16..20).rev() {
        let grant = within(b.take(None)).await.unwrap();
        assert!(grant.at_micros.is_some(), "{grant:?}");
        assert_eq!(get(&mut conn, &b.keys.window).await, Some(left.to_string()));
    }
    assert!(!b.is_degraded());
}

#[tokio::test]
async fn values_no_budget_writes_heal_at_the_next_acquisition() {
    let Some(redis) = RedisServer::start() else { return };
    let mut conn = store(&redis).await;
    // (what the window key holds, what it holds after one acquisition)
    let cases = [("1e+17", "19"), ("7.9", "6"), ("-3", "0"), ("nan", "nan"), ("abc", "abc"), ("inf", "19")];
    for (i, (held, after)) in cases.into_iter().enumerate() {
        let key = fresh_key(&format!("heal{i}"));
        let b = budget(&redis.url(), &key).when_unavailable(WhenUnavailable::Fail).build().unwrap();
        let _: () =
            redis::cmd("SET").arg(&b.keys.window).arg(held).arg("PX").arg(60_000).query_async(&mut conn).await.unwrap();
        if held == "-3" {
            // An exhausted window holds everyone until it ends.
            let soon = Instant::now() + Duration::from_millis(100);
            assert!(within(b.acquire(Some(soon))).await.unwrap_err().would_wait().is_some(), "{held}");
            let _: () = redis::cmd("PEXPIRE").arg(&b.keys.window).arg(1).query_async(&mut conn).await.unwrap();
            let _: () = redis::cmd("SET").arg(&b.keys.window).arg(held).query_async(&mut conn).await.unwrap();
        }
        let grant = within(b.take(None)).await.unwrap_or_else(|e| panic!("{held}: {e:?}"));
        assert!(grant.at_micros.is_some(), "{held}: {grant:?}");
        assert_eq!(get(&mut conn, &b.keys.window).await.as_deref(), Some(after), "{held}");
    }
}

#[tokio::test]
async fn a_broken_store_state_is_a_store_failure_not_a_wait() {
    let Some(redis) = RedisServer::start() else { return };
    let logs = Logs::default();
    let _capture = logs.capture();
    let mut conn = store(&redis).await;
    // A tat 285,000 years ahead; a pause that lasts a hundred years.
    // (key, value, expiry ms)
    let cases = [("tat", "9000000000000000000", None), ("pause", "1", Some(3_153_600_000_000u64))];
    for (name, value, expiry) in cases {
        let key = fresh_key(&format!("broken-{name}"));
        let fall_back = budget(&redis.url(), &key).build().unwrap();
        let fail = budget(&redis.url(), &key).when_unavailable(WhenUnavailable::Fail).build().unwrap();
        let target = if name == "tat" { &fall_back.keys.tat } else { &fall_back.keys.pause };
        let mut set = redis::cmd("SET");
        set.arg(target).arg(value);
        if let Some(ms) = expiry {
            set.arg("PX").arg(ms);
        }
        let _: () = set.query_async(&mut conn).await.unwrap();
        let grant = within(fall_back.take(None)).await.unwrap();
        assert!(grant.at_micros.is_none() && fall_back.is_degraded(), "{name}: paced in this process: {grant:?}");
        assert!(grant.waited <= MAX_PAUSE, "{name}: {grant:?}");
        let err = within(fail.acquire(None)).await.unwrap_err();
        assert!(matches!(err, BudgetError::Unavailable { .. }), "{name}: {err:?}");
        assert!(format!("{:?}", std::error::Error::source(&err)).contains("longer than the budget allows"), "{err:?}");
    }
    assert_eq!(logs.lines_with("unreachable or broken"), 4, "one warning per budget");
}

/// A server that speaks enough RESP to answer every command with `reply`.
fn hostile_server(reply: &'static [u8]) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("redis://{}/", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            std::thread::spawn(move || answer_every_command(stream, reply));
        }
    });
    url
}

fn answer_every_command(stream: std::net::TcpStream, reply: &[u8]) -> Option<()> {
    let mut writer = stream.try_clone().ok()?;
    let mut reader = BufReader::new(stream);
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok().filter(|n| *n > 0)?;
        let args: usize = line.trim().strip_prefix('*')?.parse().ok()?;
        for _ in 0..args {
            line.clear();
            reader.read_line(&mut line).ok()?;
            let len: usize = line.trim().strip_prefix('$')?.parse().ok()?;
            let mut arg = vec![0; len + 2];
            reader.read_exact(&mut arg).ok()?;
        }
        writer.write_all(reply).ok()?;
    }
}

#[tokio::test]
async fn a_hostile_store_never_imposes_its_wait() {
    // Every command is answered "wait 292,000 years".
    let url = hostile_server(b"*2\r\n:9223372036854775807\r\n:1\r\n");
    let key = fresh_key("hostile");
    let fall_back = budget(&url, &key).build().unwrap();
    for _ in 0..3 {
        let grant = within(fall_back.take(None)).await.unwrap();
        assert!(grant.at_micros.is_none() && grant.waited <= MAX_PAUSE, "{grant:?}");
    }
    assert!(fall_back.is_degraded());
    let fail = budget(&url, &key).when_unavailable(WhenUnavailable::Fail).build().unwrap();
    let err = within(fail.acquire(None)).await.unwrap_err();
    assert!(matches!(err, BudgetError::Unavailable { .. }), "{err:?}");
    // With a deadline, the refusal names no absurd wait either.
    let err = within(fail.acquire(Some(Instant::now() + Duration::from_secs(5)))).await.unwrap_err();
    assert!(err.would_wait().is_none_or(|w| w <= MAX_PAUSE), "{err:?}");
}

#[tokio::test]
async fn an_absurd_policy_is_not_shared() {
    let logs = Logs::default();
    let _capture = logs.capture();
    let url = format!("redis://127.0.0.1:{}/", RedisServer::free_port());
    for policy in [r#""d";q=2;w=4000000000"#, r#""d";q=0;w=300"#, r#""d";q=2;w=0"#, r#""d";q=1;w=300"#] {
        let b = budget(&url, "absurd").build().unwrap();
        b.observe(&observation(200, &[("ratelimit-policy", policy)])).await;
        assert_eq!(b.quota(), quota(), "{policy}");
    }
    // One warning per budget and policy: the fallback inside does not repeat it.
    assert_eq!(logs.lines_with("not adopted"), 4);
    let b = budget(&url, "slower").build().unwrap();
    b.observe(&observation(200, &[("ratelimit-policy", r#""d";q=10;w=1"#)])).await;
    assert_eq!(b.quota(), BudgetQuota::new(10, Duration::from_secs(1)).unwrap());
}
