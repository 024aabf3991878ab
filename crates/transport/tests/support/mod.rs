//! The retry layer's tests' script: one step per attempt, played by the public
//! [`ScriptedTransport`](cfzt_transport::test_util::ScriptedTransport).
// Each test file uses part of it.
#![allow(dead_code)]

use std::time::Duration;

use bytes::Bytes;
use cfzt_transport::test_util::{ScriptStep, ScriptedTransport};
use cfzt_transport::{ConnectFailure, Request, TransportError};

/// The transport that plays a script.
pub(crate) type Scripted = ScriptedTransport;

/// What one attempt does.
#[derive(Clone, Debug)]
pub(crate) enum Step {
    /// Answers with this status and these headers.
    Status(u16, Vec<(&'static str, String)>),
    /// Fails to connect (the request never left).
    Connect,
    /// The connection resets after the request may have been sent.
    Reset,
    /// Never answers (until a timeout drops the attempt).
    Hang,
}

impl From<Step> for ScriptStep {
    fn from(step: Step) -> ScriptStep {
        match step {
            Step::Status(status, headers) => {
                let mut r = http::Response::new(Bytes::new());
                *r.status_mut() = http::StatusCode::from_u16(status).unwrap();
                for (name, value) in headers {
                    // A value that is no header value is left out, as a server could not send it.
                    if let Ok(value) = http::HeaderValue::from_str(&value) {
                        r.headers_mut().append(name, value);
                    }
                }
                ScriptStep::respond(r)
            }
            Step::Connect => {
                ScriptStep::fail(|| TransportError::Connect { kind: ConnectFailure::Refused, source: "refused".into() })
            }
            Step::Reset => ScriptStep::fail(|| TransportError::Io { source: "reset".into(), maybe_sent: true }),
            Step::Hang => ScriptStep::hang(),
        }
    }
}

/// A transport that plays `steps`, one per attempt (the last step repeats).
pub(crate) fn scripted(steps: &[Step]) -> Scripted {
    ScriptedTransport::new(steps.iter().cloned().map(ScriptStep::from))
}

/// A bare status.
pub(crate) fn status(code: u16) -> Step {
    Step::Status(code, Vec::new())
}

/// A status with a `Retry-After` header.
pub(crate) fn retry_after(code: u16, value: &str) -> Step {
    Step::Status(code, vec![("retry-after", value.to_string())])
}

/// A request to a loopback URL with an empty body.
pub(crate) fn req(method: &str) -> Request {
    http::Request::builder().method(method).uri("http://127.0.0.1/x").body(Bytes::new()).unwrap()
}

/// Seconds as a `Duration`.
pub(crate) fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}
