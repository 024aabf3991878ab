//! A call polled by another executor than tokio gets a typed error, never tokio's
//! "there is no reactor running" panic, unless its policy needs no timer, when it just runs.

mod support;

use cfzt_transport::{HttpTransport, RequestOptions, RetryPolicy, RetryTransport};
use futures_executor::block_on;
use support::{req, scripted, secs, status};

#[test]
fn a_policy_with_timers_is_refused_before_anything_is_sent() {
    let p = RetryPolicy::default;
    let none = || RetryPolicy::no_retries().attempt_timeout(None);
    // (case, policy, per-call options)
    let cases = [
        ("the default policy", p(), RequestOptions::new()),
        ("retries, no timeout", p().attempt_timeout(None), RequestOptions::new()),
        ("a timeout, no retries", RetryPolicy::no_retries(), RequestOptions::new()),
        ("a deadline only", none().deadline(Some(secs(1.0))), RequestOptions::new()),
        ("a per-call timeout", none(), RequestOptions::new().attempt_timeout(secs(1.0))),
        ("a per-call deadline", none(), RequestOptions::new().deadline(secs(1.0))),
        ("per-call retries", none(), RequestOptions::new().max_retries(1)),
    ];
    for (name, policy, options) in cases {
        let inner = scripted(&[status(200)]);
        let transport = RetryTransport::new(inner.clone()).with_policy(policy);
        let mut request = req("GET");
        request.extensions_mut().insert(options);
        let (result, attempts) = block_on(transport.send_counted(request));
        let err = result.unwrap_err();
        assert!(err.is_no_runtime(), "{name}: {err:?}");
        assert!(!err.may_have_reached_server() && !err.is_transient(), "{name}");
        assert!(err.to_string().contains("tokio runtime"), "{name}: {err}");
        assert_eq!((attempts, inner.calls()), (0, 0), "{name}: nothing is sent");
        // Through the trait, as a client holding `dyn HttpTransport` sees it.
        let mut request = req("GET");
        request.extensions_mut().insert(options);
        assert!(block_on(transport.send(request)).unwrap_err().is_no_runtime(), "{name}");
    }
}

#[test]
fn a_policy_without_timers_runs_on_any_executor() {
    let inner = scripted(&[status(503), status(200)]);
    let transport = RetryTransport::new(inner.clone()).with_policy(RetryPolicy::no_retries().attempt_timeout(None));
    let (result, attempts) = block_on(transport.send_counted(req("GET")));
    assert_eq!(result.unwrap().status(), 503);
    assert_eq!((attempts, inner.calls()), (1, 1));
}

#[test]
fn inside_a_tokio_runtime_the_same_call_runs() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    let inner = scripted(&[status(200)]);
    let transport = RetryTransport::new(inner.clone());
    // `block_on` of another executor, on a thread that has entered the runtime: tokio's
    // timers are there, so the call runs.
    let _guard = runtime.enter();
    assert_eq!(block_on(transport.send(req("GET"))).unwrap().status(), 200);
    assert_eq!(inner.calls(), 1);
}
