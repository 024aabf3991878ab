//! No credential in any error, `Debug` or log, not even one the server sends back.
//!
//! A loopback server echoes the request's `Authorization` and `X-Auth-Key` values back in
//! its body and its headers, as a 4xx, a 5xx, an HTML page, a 2xx with bad JSON, a 2xx with
//! a foreign content type and a 200 `success: false`; over both backends and both
//! credential schemes, neither `Display`, `{:?}` nor `{:#?}` of the error, nor anything
//! `tracing` printed at TRACE, may hold the token or the key. A success that quotes them in
//! its headers, messages and errors keeps them out of the response `send_with_response`
//! returns and out of the log.

mod common;

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use cfzt::transport::{HttpTransport, RetryPolicy};
use cfzt::{Client, Error, Pacing, UserId};
use common::{KEY, TOKEN, backends, captured, demo_account};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

/// How the echo server answers: a status, a content type and a body template in which
/// `{echo}` becomes the request's credentials.
struct Case {
    name: &'static str,
    status: u16,
    content_type: &'static str,
    body: &'static str,
    /// The kind of error the client must return.
    want: fn(&Error) -> bool,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "400 envelope quoting the credentials",
            status: 400,
            content_type: "application/json",
            body: r#"{"success":false,"errors":[{"code":6111,"message":"Invalid format for Authorization header: {echo}","documentation_url":"https://example.com/?t={echo}","error_chain":[{"code":6003,"message":"{echo}"}]}],"messages":[{"code":1,"message":"{echo}"}],"result":null}"#,
            want: |e| e.status().is_some_and(|s| s == 400) && e.as_api().is_some(),
        },
        Case {
            name: "401 flat error quoting the credentials",
            status: 401,
            content_type: "application/json",
            body: r#"{"code":9109,"error":"invalid token {echo}"}"#,
            want: Error::is_auth,
        },
        Case {
            name: "500 HTML page quoting the credentials",
            status: 500,
            content_type: "text/html",
            body: "<html><body><h1>500</h1><pre>request headers: {echo}</pre></body></html>",
            want: |e| e.status().is_some_and(|s| s == 500),
        },
        Case {
            name: "502 plain text that is only the credentials",
            status: 502,
            content_type: "text/plain",
            body: "{echo}",
            want: |e| e.status().is_some_and(|s| s == 502),
        },
        Case {
            name: "200 success: false quoting the credentials",
            status: 200,
            content_type: "application/json",
            body: r#"{"success":false,"errors":[{"code":10000,"message":"Authentication error for {echo}"}],"result":null}"#,
            want: |e| e.as_api().is_some(),
        },
        Case {
            name: "200 with a bad value quoting the credentials",
            status: 200,
            content_type: "application/json",
            body: r#"{"success":true,"errors":[],"messages":[],"result":{"access_seat":"{echo}"}}"#,
            want: Error::is_decode,
        },
        Case {
            name: "200 with a key that is the credentials",
            status: 200,
            content_type: "application/json",
            body: r#"{"success":true,"errors":[],"messages":[],"result":{"{echo}":1,"access_seat":"x"}}"#,
            want: Error::is_decode,
        },
        Case {
            name: "200 with truncated JSON quoting the credentials",
            status: 200,
            content_type: "application/json",
            body: r#"{"success":true,"result":{"name":"{echo}""#,
            want: Error::is_decode,
        },
        Case {
            name: "200 HTML quoting the credentials, content type too",
            status: 200,
            content_type: "text/html; charset={echo}",
            body: "<p>{echo}</p>",
            want: Error::is_decode,
        },
    ]
}

/// The credentials as the request carried them, `Authorization` then `X-Auth-Key`.
fn echo_of(request: &Request<Incoming>) -> String {
    ["authorization", "x-auth-key", "x-auth-email"]
        .iter()
        .filter_map(|name| request.headers().get(*name).and_then(|v| v.to_str().ok()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A server that answers every request with `case`, echoing the credentials it got in the
/// body and in many headers, `cf-ray` included. Returns its base URL; it stops when the test's runtime does.
async fn echo_server(case: &'static Case) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}/client/v4", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request: Request<Incoming>| async move {
                    let echo = echo_of(&request);
                    let mut response = Response::new(Full::new(Bytes::from(case.body.replace("{echo}", &echo))));
                    *response.status_mut() = http::StatusCode::from_u16(case.status).unwrap();
                    let headers = response.headers_mut();
                    let mut set = |name: &'static str, value: String| {
                        headers.append(name, http::HeaderValue::from_str(&value).unwrap());
                    };
                    set("content-type", case.content_type.replace("{echo}", &echo));
                    set("authorization", echo.clone());
                    set("x-auth-key", echo.clone());
                    set("x-auth-email", echo.clone());
                    set("set-cookie", format!("session={echo}; HttpOnly"));
                    set("www-authenticate", format!("Bearer realm=\"api\", error_description=\"{echo}\""));
                    set("x-echo", echo.clone());
                    // The error masks it; the `cfzt.call` and `cfzt.attempt` spans record only
                    // a ray-shaped value.
                    set("cf-ray", echo.clone());
                    set("location", format!("http://127.0.0.1/?token={echo}"));
                    Ok::<_, Infallible>(response)
                });
                let _ =
                    hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
            });
        }
    });
    base_url
}

fn client(base_url: &str, transport: &Arc<dyn HttpTransport>, key: bool) -> Client {
    let builder = Client::builder()
        .base_url(base_url)
        .transport(transport.clone())
        .retry_policy(RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(5)));
    let builder = if key { builder.global_api_key("admin@example.com", KEY) } else { builder.api_token(TOKEN) };
    builder.build().unwrap()
}

fn assert_no_secret(text: &str, what: &str) {
    assert!(!text.contains(TOKEN) && !text.contains(KEY), "{what}: a credential leaked into {text}");
}

#[tokio::test]
async fn no_credential_a_server_sends_back_reaches_an_error_or_a_log() {
    let logs = captured();
    let jane: UserId = cfzt_fake_server::DEMO_USER_ID.parse().unwrap();
    let cases: &'static [Case] = Vec::leak(cases());
    for (backend, transport) in backends() {
        for case in cases {
            for key in [false, true] {
                let what = format!("{backend}, {}, {}", case.name, if key { "global API key" } else { "token" });
                let base_url = echo_server(case).await;
                let client = client(&base_url, &transport, key);
                let err = tokio::time::timeout(Duration::from_secs(10), client.users(&demo_account()).get(&jane))
                    .await
                    .unwrap_or_else(|_| panic!("{what}: hung"))
                    .expect_err(&what);
                assert!((case.want)(&err), "{what}: unexpected {err:?}");
                let shown = [format!("{err}"), format!("{err:?}"), format!("{err:#?}")];
                for text in &shown {
                    assert_no_secret(text, &what);
                }
                // The echo did reach the error, masked: the test can see a leak.
                assert!(shown.iter().any(|t| t.contains("[REDACTED]")), "{what}: nothing was masked: {}", shown[1]);
                if let Some(api) = err.as_api() {
                    for name in ["authorization", "x-auth-key", "x-auth-email", "set-cookie"] {
                        assert_eq!(
                            api.headers.get(name).map(|v| v.as_bytes()),
                            Some(&b"[REDACTED]"[..]),
                            "{what}: {name}"
                        );
                    }
                    for (name, value) in &api.headers {
                        assert_no_secret(&String::from_utf8_lossy(value.as_bytes()), &format!("{what}: header {name}"));
                    }
                }
            }
        }
    }
    let logs = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    assert_no_secret(&logs, "tracing output");
    assert!(logs.contains("cfzt.call") && logs.contains("status=500"), "the calls were traced: {logs:.2000}");
    // No `cf-ray` here is shaped like a Ray ID: neither span records one (one check,
    // `cfzt_transport::is_ray_id`, for the attempt and the call).
    for (at, _) in logs.match_indices("cf_ray=") {
        let value = logs[at + "cf_ray=".len()..].trim_start_matches('"');
        let value = value.split(['"', ' ', '}', '\n']).next().unwrap_or_default();
        assert!(cfzt::transport::is_ray_id(value), "a cf-ray that is no Ray ID was traced: {value:?}");
    }
}

#[tokio::test]
async fn no_credential_a_server_sends_back_reaches_a_successful_response_or_a_log() {
    static SUCCESS: Case = Case {
        name: "200 success quoting the credentials in messages and errors",
        status: 200,
        content_type: "application/json",
        body: r#"{"success":true,"errors":[{"code":1,"message":"odd {echo}"}],"messages":[{"code":2,"message":"hello {echo}","documentation_url":"https://example.com/?t={echo}"}],"result":{"id":"f174e90a-fafe-4643-bbbc-4a0ed4fc8415","name":"Jane"}}"#,
        want: |_| true,
    };
    let logs = captured();
    let jane: UserId = cfzt_fake_server::DEMO_USER_ID.parse().unwrap();
    for (backend, transport) in backends() {
        for key in [false, true] {
            let what = format!("{backend}, {}", if key { "global API key" } else { "token" });
            let client = client(&echo_server(&SUCCESS).await, &transport, key);
            let response = client.users(&demo_account()).get(&jane).send_with_response().await.expect(&what);
            assert_eq!(response.result.name.as_deref(), Some("Jane"), "{what}");
            let shown = format!("{response:?}");
            assert_no_secret(&shown, &what);
            // The echo did reach the response, masked: the test can see a leak.
            assert!(response.messages[0].message.contains("[REDACTED]"), "{what}: {shown}");
            assert!(response.errors[0].message.contains("[REDACTED]"), "{what}: {shown}");
            for name in ["authorization", "x-auth-key", "x-auth-email", "set-cookie"] {
                assert_eq!(response.headers[name], "[REDACTED]", "{what}: {name}");
            }
            for (name, value) in &response.headers {
                assert_no_secret(&String::from_utf8_lossy(value.as_bytes()), &format!("{what}: header {name}"));
            }
            // Awaited for the result alone, the same answer logs its errors masked.
            client.users(&demo_account()).get(&jane).await.expect(&what);
        }
    }
    let logs = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    assert_no_secret(&logs, "tracing output");
    // The warning for errors that came with a success was logged, with the echo masked.
    let warned: Vec<&str> = logs.lines().filter(|l| l.contains("errors with a success")).collect();
    assert!(!warned.is_empty() && warned.iter().all(|l| l.contains("[REDACTED]")), "{logs:.2000}");
}

/// A short credential (a test token such as `t`) is masked only where it stands whole, so
/// that messages read as the server sent them; a long one is masked wherever a server
/// echoes it, glued to other characters too.
#[tokio::test]
async fn a_short_token_garbles_no_message_and_a_long_one_is_masked_wherever_echoed() {
    static WHOLE: Case = Case {
        name: "404 quoting the credentials where they stand whole",
        status: 404,
        content_type: "application/json",
        body: r#"{"success":false,"errors":[{"code":12128,"message":"user not found for {echo}, see ?token=%22{echo}%22"}],"messages":[],"result":null}"#,
        want: Error::is_not_found,
    };
    static GLUED: Case = Case {
        name: "404 quoting the credentials glued to other characters",
        status: 404,
        content_type: "application/json",
        body: r#"{"success":false,"errors":[{"code":12128,"message":"x{echo}x"}],"messages":[],"result":null}"#,
        want: Error::is_not_found,
    };
    for (backend, transport) in backends() {
        let with_token = |base_url: &str, token: &str| {
            Client::builder()
                .base_url(base_url)
                .api_token(token)
                .transport(transport.clone())
                .pacing(Pacing::Off)
                .build()
                .unwrap()
        };

        // The fake server's own 404, to a client holding the token `t`: read as sent.
        let server = cfzt_fake_server::FakeServer::start().await.unwrap();
        let err = not_found(with_token(server.base_url(), "t")).await;
        let api = err.as_api().unwrap();
        assert_eq!(api.errors[0].message, "user not found", "{backend}");
        assert_eq!(api.headers["content-type"], "application/json", "{backend}");
        assert!(!format!("{err} {err:?}").contains("[REDACTED]"), "{backend}: {err:?}");

        // Echoed where it stands whole, the short token is masked, and nothing else is.
        let err = not_found(with_token(&echo_server(&WHOLE).await, "t")).await;
        let api = err.as_api().unwrap();
        let want = "user not found for Bearer [REDACTED], see ?token=%22Bearer [REDACTED]%22";
        assert_eq!(api.errors[0].message, want, "{backend}");
        assert_eq!(api.headers["content-type"], "application/json", "{backend}");
        assert_eq!(api.headers["x-echo"], "Bearer [REDACTED]", "{backend}");

        // A long token is masked whole and glued alike.
        for case in [&WHOLE, &GLUED] {
            let err = not_found(with_token(&echo_server(case).await, TOKEN)).await;
            let shown = format!("{err} {err:?} {err:#?}");
            assert_no_secret(&shown, &format!("{backend}, {}", case.name));
            assert!(err.as_api().unwrap().errors[0].message.contains("Bearer [REDACTED]"), "{backend}: {shown}");
        }
    }
}

/// The 404 of `get` for a user that does not exist.
async fn not_found(client: Client) -> Error {
    let missing: UserId = "00000000-0000-4000-8000-000000000000".parse().unwrap();
    let err = client.users(&demo_account()).get(&missing).await.expect_err("a 404");
    assert!(err.is_not_found(), "{err:?}");
    err
}
