//! No duration from the caller or the server makes the retry layer panic: every
//! `Instant + Duration` it computes is checked. An overflowing deadline is no deadline; a wait
//! that overflows passes any deadline. All on tokio's paused clock.

mod support;

use std::time::{Duration, UNIX_EPOCH};

use cfzt_transport::test_util::never_transport;
use cfzt_transport::{HttpTransport, RequestOptions, RetryPolicy, RetryTransport};
use proptest::prelude::*;
use support::{Step, req, retry_after, scripted, secs, status};
use tokio::time::Instant;

const HUGE_RETRY_AFTER: &str = "10000000000000000000";

struct Case {
    name: &'static str,
    policy: RetryPolicy,
    options: RequestOptions,
    script: Vec<Step>,
    /// What the call ends with: the status, or `None` for a transport error.
    want_status: Option<u16>,
    want_calls: usize,
}

fn case(name: &'static str, policy: RetryPolicy, script: Vec<Step>, want_status: u16, want_calls: usize) -> Case {
    Case { name, policy, options: RequestOptions::new(), script, want_status: Some(want_status), want_calls }
}

#[tokio::test(start_paused = true)]
async fn extreme_durations_end_the_call_without_a_panic() {
    let p = RetryPolicy::default;
    let ten_s = Some(secs(10.0));
    let far_date = "Fri, 31 Dec 9999 23:59:59 GMT";
    let cases = vec![
        // An overflowing deadline is no deadline: the call retries as without one.
        case("deadline MAX", p().deadline(Some(Duration::MAX)), vec![status(503), status(200)], 200, 2),
        Case {
            options: RequestOptions::new().deadline(Duration::MAX),
            ..case("per-call deadline MAX", p(), vec![status(503), status(200)], 200, 2)
        },
        case(
            "deadline and timeout MAX",
            p().deadline(Some(Duration::MAX)).attempt_timeout(Some(Duration::MAX)),
            vec![status(200)],
            200,
            1,
        ),
        case("attempt timeout MAX", p().attempt_timeout(Some(Duration::MAX)), vec![status(503), status(200)], 200, 2),
        // A wait that overflows passes any deadline: the response is returned at once.
        case(
            "backoff MAX with a deadline",
            p().backoff(Duration::MAX, Duration::MAX).deadline(ten_s),
            vec![status(503)],
            503,
            1,
        ),
        case(
            "huge Retry-After, no cap, a deadline",
            p().max_retry_after(Duration::MAX).deadline(ten_s),
            vec![retry_after(429, HUGE_RETRY_AFTER), status(200)],
            429,
            1,
        ),
        case(
            "huge Retry-After, no cap, deadline MAX",
            p().max_retry_after(Duration::MAX).deadline(Some(Duration::MAX)).max_retries(1),
            vec![retry_after(429, HUGE_RETRY_AFTER), status(200)],
            200,
            2,
        ),
        case(
            "Retry-After in year 9999, no cap, a deadline",
            p().max_retry_after(Duration::MAX).deadline(ten_s),
            vec![retry_after(503, far_date), status(200)],
            503,
            1,
        ),
        case(
            "huge retry-after-ms, no cap, a deadline",
            p().max_retry_after(Duration::MAX).deadline(ten_s),
            vec![Step::Status(429, vec![("retry-after-ms", "1e300".into())]), status(200)],
            429,
            1,
        ),
        // Without a deadline, an endless wait is waited (tokio caps a sleep at about 30 years).
        case(
            "backoff MAX, one retry",
            p().backoff(Duration::MAX, Duration::MAX).max_retries(1),
            vec![status(503), status(200)],
            200,
            2,
        ),
        case(
            "max_backoff MAX, 40 retries",
            p().backoff(secs(1.0), Duration::MAX).max_retries(40),
            vec![status(503), status(200)],
            200,
            2,
        ),
    ];
    for c in cases {
        let inner = scripted(&c.script);
        let mut request = req("GET");
        request.extensions_mut().insert(c.options);
        let result = RetryTransport::new(inner.clone()).with_policy(c.policy).send(request).await;
        assert_eq!(result.as_ref().ok().map(|r| r.status().as_u16()), c.want_status, "{}: {result:?}", c.name);
        assert_eq!(inner.calls(), c.want_calls, "{}", c.name);
    }
}

#[tokio::test(start_paused = true)]
async fn a_deadline_still_bounds_a_hanging_call_when_the_timeout_is_max() {
    let inner = never_transport();
    let policy = RetryPolicy::default().attempt_timeout(Some(Duration::MAX)).deadline(Some(secs(3.0)));
    let start = Instant::now();
    let err = RetryTransport::new(inner).with_policy(policy).send(req("GET")).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(start.elapsed() <= secs(3.0), "{:?}", start.elapsed());
}

fn duration() -> impl Strategy<Value = Duration> {
    prop_oneof![
        Just(Duration::ZERO),
        Just(Duration::MAX),
        (0u64..20_000).prop_map(Duration::from_millis),
        any::<u64>().prop_map(Duration::from_secs),
        (any::<u64>(), 0u32..1_000_000_000).prop_map(|(s, n)| Duration::new(s, n)),
    ]
}

/// `Retry-After` and `retry-after-ms` values: small, huge, fractional, malformed, dates.
fn retry_after_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(HUGE_RETRY_AFTER.to_string()),
        Just(u64::MAX.to_string()),
        Just("1e308".to_string()),
        (0u32..5).prop_map(|s| s.to_string()),
        any::<u64>().prop_map(|s| s.to_string()),
        any::<f64>().prop_map(|f| f.to_string()),
        // Any second from 1970 to the end of year 9999, as an HTTP date.
        (0u64..253_402_300_800).prop_map(|s| httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(s))),
        ".{0,24}",
    ]
}

fn step() -> impl Strategy<Value = Step> {
    let header = prop_oneof![Just("retry-after"), Just("retry-after-ms")];
    prop_oneof![
        (
            prop_oneof![Just(200u16), Just(408), Just(429), Just(500), Just(503)],
            proptest::option::of((header, retry_after_value()))
        )
            .prop_map(|(code, h)| Step::Status(code, h.into_iter().collect())),
        Just(Step::Connect),
        Just(Step::Reset),
    ]
}

fn policy() -> impl Strategy<Value = RetryPolicy> {
    (
        0u32..4,
        (duration(), duration()),
        proptest::option::of(duration()),
        proptest::option::of(duration()),
        duration(),
        any::<bool>(),
    )
        .prop_map(|(retries, (initial, max), timeout, deadline, max_retry_after, post)| {
            RetryPolicy::default()
                .max_retries(retries)
                .backoff(initial, max)
                .attempt_timeout(timeout)
                .deadline(deadline)
                .max_retry_after(max_retry_after)
                .retry_non_idempotent(post)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever the policy, the per-call options and the server's answers, the call ends,
    /// without a panic, within its attempts and (when it has one) its deadline.
    #[test]
    fn any_durations_and_retry_after_end_the_call(
        policy in policy(),
        call_deadline in proptest::option::of(duration()),
        call_timeout in proptest::option::of(duration()),
        script in proptest::collection::vec(step(), 1..5),
        post in any::<bool>(),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
        let mut options = RequestOptions::new();
        options.deadline = call_deadline;
        options.attempt_timeout = call_timeout;
        let deadline = call_deadline.or(policy.deadline);
        let max_attempts = policy.max_retries as usize + 1;
        let inner = scripted(&script);
        let transport = RetryTransport::new(inner.clone()).with_policy(policy);
        let mut request = req(if post { "POST" } else { "GET" });
        request.extensions_mut().insert(options);
        let elapsed = runtime.block_on(async {
            let start = Instant::now();
            let _ = transport.send(request).await;
            start.elapsed()
        });
        prop_assert!((1..=max_attempts).contains(&inner.calls()), "{} calls", inner.calls());
        if let Some(deadline) = deadline {
            // The clock moves in whole milliseconds: allow one per wait.
            prop_assert!(elapsed <= deadline.saturating_add(Duration::from_millis(max_attempts as u64)), "{elapsed:?} > {deadline:?}");
        }
    }
}
