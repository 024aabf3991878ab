//! The rate limit: Cloudflare's headers on every answer, the 429 and its block, one
//! window per credential, its interplay with faults, and switching it off.
//!
//! The windows are small (a few hundred milliseconds) to keep the tests short; the
//! assertions about time only ever say "not before", never "by then".

mod common;

use std::time::{Duration, Instant};

use cfzt_fake_server::{FakeServer, Fault, FaultRule, RateLimit, RateLimitStats, Route, Times, codes};
use common::{Answer, Auth, Client, TOKEN, jane_path, users_path};
use serde_json::json;

async fn limited(limit: RateLimit) -> (FakeServer, Client) {
    let server = FakeServer::builder().rate_limit(limit).start().await.unwrap();
    let client = Client::new(server.base_url());
    (server, client)
}

fn stats(counted: u64, refused: u64) -> RateLimitStats {
    let mut s = RateLimitStats::default();
    s.counted = counted;
    s.refused = refused;
    s
}

/// The `r` and `t` of `Ratelimit: "default";r=R;t=T`, checking the whole syntax.
fn remaining_and_reset(answer: &Answer) -> (u64, u64) {
    let value =
        answer.header("ratelimit").unwrap_or_else(|| panic!("no Ratelimit on {}: {}", answer.status, answer.text));
    let rest = value.strip_prefix("\"default\";r=").unwrap_or_else(|| panic!("{value}"));
    let (r, t) = rest.split_once(";t=").unwrap_or_else(|| panic!("{value}"));
    (r.parse().unwrap(), t.parse().unwrap())
}

#[tokio::test]
async fn every_answer_carries_the_headers_and_the_sixth_call_is_refused() {
    let (server, client) = limited(RateLimit::new(5, Duration::from_secs(10))).await;
    // Five calls with five different answers: each is counted and says so.
    let answers = [
        client.get(&users_path()).await,
        client.get(&format!("{}/00000000-0000-4000-8000-000000000000", users_path())).await,
        client.post(&users_path(), json!({"name": "no email"})).await,
        client.send("PATCH", &jane_path(), Auth::Token(TOKEN), None).await,
        client.get("/nowhere").await,
    ];
    let statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [200, 404, 400, 405, 404]);
    for (answer, want_remaining) in answers.iter().zip([4, 3, 2, 1, 0]) {
        let (remaining, reset) = remaining_and_reset(answer);
        assert_eq!(remaining, want_remaining, "{}", answer.text);
        assert!((1..=10).contains(&reset), "t={reset}");
        assert_eq!(answer.header("ratelimit-policy"), Some("\"default\";q=5;w=10"));
        assert_eq!(answer.header("retry-after"), None, "only a 429 says when to retry");
    }

    let refused = client.get(&users_path()).await;
    assert_eq!((refused.status, refused.code()), (429, codes::RATE_LIMITED));
    let body = refused.json();
    assert_eq!(body["success"], false);
    assert_eq!(body["errors"][0]["message"], "Please wait and consider throttling your request speed");
    assert_eq!(body["result"], serde_json::Value::Null);
    assert_eq!(refused.header("content-type"), Some("application/json"));
    assert!(refused.header("cf-ray").is_some());
    // Blocked for one window: 10 s, in whole seconds.
    assert_eq!(refused.header("retry-after"), Some("10"));
    assert_eq!(refused.header("ratelimit"), Some("\"default\";r=0;t=10"));
    assert_eq!(refused.header("ratelimit-policy"), Some("\"default\";q=5;w=10"));

    // A request without credentials is nobody's: not counted, no headers, still a 401.
    let anonymous = client.send("GET", &users_path(), Auth::None, None).await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(anonymous.header("ratelimit"), None);

    assert_eq!(server.rate_limit_stats_of_token(TOKEN), stats(5, 1));
    let journal = server.journal();
    assert_eq!(journal.last().unwrap().status, 401);
    assert_eq!(journal[journal.len() - 2].status, 429);
}

#[tokio::test]
async fn a_refused_credential_stays_blocked_for_the_block() {
    // Three per 150 ms, blocked for 400 ms: longer than the window, so a test that only
    // waited for the window to roll over would see the block still on.
    let limit = RateLimit::new(3, Duration::from_millis(150)).block_for(Duration::from_millis(400));
    let (server, client) = limited(limit).await;
    for _ in 0..3 {
        assert_eq!(client.get(&jane_path()).await.status, 200);
    }
    let refused_at = Instant::now();
    let first = client.get(&jane_path()).await;
    assert_eq!(first.status, 429);
    assert_eq!(first.header("retry-after"), Some("1"), "whole seconds, rounded up");

    // Knock every 50 ms until let through; the knocks do not extend the block.
    let mut knocks = 0;
    let through = loop {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let answer = client.get(&jane_path()).await;
        if answer.status != 429 {
            break answer;
        }
        knocks += 1;
        assert!(refused_at.elapsed() < Duration::from_secs(10), "still blocked after {knocks} knocks");
    };
    assert!(refused_at.elapsed() >= Duration::from_millis(400), "let through after {:?}", refused_at.elapsed());
    assert!(knocks >= 2, "the block outlasted the 150 ms window ({knocks} knocks refused)");
    assert_eq!(through.status, 200);
    assert_eq!(remaining_and_reset(&through).0, 2, "a fresh window starts after the block");
    assert_eq!(server.rate_limit_stats_of_token(TOKEN), stats(4, 1 + knocks));
}

#[tokio::test]
async fn each_credential_has_its_own_window() {
    let (server, client) = limited(RateLimit::new(2, Duration::from_secs(30))).await;
    for _ in 0..3 {
        client.send("GET", &users_path(), Auth::Token("token-a"), None).await;
    }
    assert_eq!(client.send("GET", &users_path(), Auth::Token("token-a"), None).await.status, 429);
    // Another token, and the email/key pair, are still within their quota.
    let b = client.send("GET", &users_path(), Auth::Token("token-b"), None).await;
    assert_eq!((b.status, remaining_and_reset(&b).0), (200, 1));
    let key = client.send("GET", &users_path(), Auth::Key, None).await;
    assert_eq!((key.status, remaining_and_reset(&key).0), (200, 1));
    // The same user's email in another case with the same key is the same credential;
    // another key of that email is another.
    let same_user = client
        .request("GET", &users_path(), Auth::None)
        .header("x-auth-email", "USER@example.com")
        .header("x-auth-key", "144c9defac04969c")
        .send()
        .await
        .unwrap();
    assert_eq!(same_user.status(), 200);
    assert_eq!(same_user.headers()["ratelimit"], "\"default\";r=0;t=30");
    let other_key = client
        .request("GET", &users_path(), Auth::None)
        .header("x-auth-email", "user@example.com")
        .header("x-auth-key", "another-key")
        .send()
        .await
        .unwrap();
    assert_eq!(other_key.headers()["ratelimit"], "\"default\";r=1;t=30");

    let all = server.rate_limit_stats();
    assert_eq!(all.len(), 4);
    assert_eq!(all[&server.token_fingerprint("token-a").unwrap()], stats(2, 2));
    assert_eq!(all[&server.token_fingerprint("token-b").unwrap()], stats(1, 0));
    assert_eq!(all[&server.key_fingerprint("user@example.com", "144c9defac04969c").unwrap()], stats(2, 0));
    // The fingerprints say which credential without saying what it is.
    let shown = format!("{all:?} {}", server.token_fingerprint("token-a").unwrap());
    assert!(!shown.contains("token-a") && !shown.contains("144c9defac04969c"), "{shown}");
}

#[tokio::test]
async fn faults_come_first_and_are_not_counted() {
    let (server, client) = limited(RateLimit::new(3, Duration::from_secs(30))).await;
    server.inject(FaultRule::new(Route::Any, Fault::rate_limited(7)).times(Times::Next(2)));
    server.inject(FaultRule::new(Route::Any, Fault::delay(Duration::from_millis(1))).times(Times::Next(1)));
    // The injected 429s are the fault's own answer, with the fault's headers.
    for _ in 0..2 {
        let faulted = client.get(&users_path()).await;
        assert_eq!((faulted.status, faulted.header("retry-after")), (429, Some("7")));
    }
    assert_eq!(server.rate_limit_stats_of_token(TOKEN), stats(0, 0), "a faulted request never reached the API");
    // A delayed request is handled normally, so it is counted.
    let delayed = client.get(&users_path()).await;
    assert_eq!((delayed.status, remaining_and_reset(&delayed).0), (200, 2));
    assert_eq!(server.rate_limit_stats_of_token(TOKEN), stats(1, 0));
}

#[tokio::test]
async fn off_by_default_and_when_switched_off() {
    for server in [
        FakeServer::start().await.unwrap(),
        FakeServer::builder()
            .rate_limit(RateLimit::new(1, Duration::from_secs(60)))
            .no_rate_limit()
            .start()
            .await
            .unwrap(),
    ] {
        let client = Client::new(server.base_url());
        for _ in 0..30 {
            let answer = client.get(&jane_path()).await;
            assert_eq!(answer.status, 200);
            assert_eq!((answer.header("ratelimit"), answer.header("ratelimit-policy")), (None, None));
        }
        assert!(server.rate_limit_stats().is_empty());
        assert_eq!(server.token_fingerprint(TOKEN), None);
        assert_eq!(server.rate_limit_stats_of_token(TOKEN), RateLimitStats::default());
    }
}

#[tokio::test]
async fn requests_the_server_does_not_accept_are_nobodys_and_get_no_bucket() {
    let server = FakeServer::builder()
        .rate_limit(RateLimit::new(5, Duration::from_secs(30)))
        .require_token(TOKEN)
        .start()
        .await
        .unwrap();
    let client = Client::new(server.base_url());
    // No credentials; a wrong token; the email/key pair where only the token is accepted;
    // and a malformed `Authorization` beside a well-formed key pair.
    let malformed = client
        .request("GET", &users_path(), Auth::Raw("Basic dXNlcjpwYXNz"))
        .header("x-auth-email", "user@example.com")
        .header("x-auth-key", "144c9defac04969c")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    assert!(malformed.headers().get("ratelimit").is_none());
    let cases = [(Auth::None, 401), (Auth::Token("wrong-token"), 403), (Auth::Key, 403)];
    for (auth, status) in cases {
        for n in 0..20 {
            let answer = client.send("GET", &format!("{}?n={n}", users_path()), auth, None).await;
            assert_eq!(answer.status, status, "{auth:?}: {}", answer.text);
            assert_eq!(answer.header("ratelimit"), None, "{auth:?}: not counted, so no headers");
        }
    }
    assert!(server.rate_limit_stats().is_empty(), "{:?}", server.rate_limit_stats());
    // The accepted token is counted, and is the only credential in the table.
    let accepted = client.get(&users_path()).await;
    assert_eq!((accepted.status, remaining_and_reset(&accepted).0), (200, 4));
    assert_eq!(server.rate_limit_stats().len(), 1);
    assert_eq!(server.rate_limit_stats_of_token(TOKEN), stats(1, 0));
}
