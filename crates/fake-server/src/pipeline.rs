//! One request's way through the server: read the body, journal it, pick a fault, then
//! authenticate, count and route it, and add `cf-ray` to the answer.

use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
use axum::response::IntoResponse;
use hyper::body::Incoming;
use hyper_util::service::TowerToHyperService;

use crate::auth;
use crate::codes;
use crate::failure::Failure;
use crate::faults::{self, Fault};
use crate::journal::JournalEntry;
use crate::ratelimit::{self, Verdict};
use crate::routes::Operation;
use crate::state::Shared;

/// The largest request body the fake reads; larger bodies are answered with 413.
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The router as a hyper service.
pub(crate) type RouterService = TowerToHyperService<axum::routing::RouterIntoService<Body>>;

/// The error a request handler returns to make hyper close the connection unanswered.
#[derive(Debug)]
pub(crate) struct ConnectionDropped;

impl fmt::Display for ConnectionDropped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for ConnectionDropped {}

/// What to do with a request once its fault (if any) is known.
enum Outcome {
    Respond(Response<Body>),
    Drop,
}

/// One request: journal it, apply a fault or handle it, and add `cf-ray`.
pub(crate) async fn handle(
    shared: Arc<Shared>,
    router: RouterService,
    req: Request<Incoming>,
) -> Result<Response<Body>, ConnectionDropped> {
    let received_at = Instant::now();
    let (parts, body) = req.into_parts();
    let too_large = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok())
        .is_some_and(|n| n > MAX_BODY_BYTES);
    let body = if too_large { None } else { axum::body::to_bytes(Body::new(body), MAX_BODY_BYTES).await.ok() };

    let method = parts.method.as_str().to_string();
    let path = parts.uri.path().to_string();
    let operation = Operation::classify(&method, &path);
    let fault = faults::pick(&mut shared.faults(), &method, operation, &path);
    let (body_text, body_len) = shared.journal().body_text(body.as_deref().unwrap_or_default());
    let entry = JournalEntry {
        method,
        path,
        query: parts.uri.query().map(str::to_string),
        operation,
        status: 0,
        faulted: fault.is_some(),
        body: body_text,
        body_len,
        truncated: false,
        auth: auth::auth_scheme(&parts.headers),
        headers: auth::recorded_headers(&parts.headers),
        received_at,
    };
    let seq = shared.journal().push(entry);

    let outcome = match fault {
        None => Outcome::Respond(handle_normally(&shared, router, parts, body).await),
        Some(Fault::Delay(delay)) => {
            tokio::time::sleep(delay).await;
            Outcome::Respond(handle_normally(&shared, router, parts, body).await)
        }
        Some(Fault::DropAfterHandling) => {
            let _ = handle_normally(&shared, router, parts, body).await;
            Outcome::Drop
        }
        Some(Fault::DropConnection) => Outcome::Drop,
        Some(Fault::ResetMidBody) => Outcome::Respond(faults::truncated_response()),
        Some(Fault::Status { status, body, content_type, headers }) => {
            Outcome::Respond(faults::status_response(status, body, &content_type, &headers))
        }
    };
    match outcome {
        Outcome::Respond(mut response) => {
            response.headers_mut().entry("cf-ray").or_insert_with(new_ray);
            shared.journal().answer(seq, response.status().as_u16());
            Ok(response)
        }
        Outcome::Drop => Err(ConnectionDropped),
    }
}

/// Authentication, the rate limit, then the answer, which carries the rate-limit headers.
/// A request the server does not accept belongs to no credential: it is neither counted
/// nor given a place in the rate limit's table.
async fn handle_normally(
    shared: &Shared,
    router: RouterService,
    parts: axum::http::request::Parts,
    body: Option<Bytes>,
) -> Response<Body> {
    if let Err(e) = auth::check(shared.token.as_deref(), &parts.headers) {
        return e.into_response();
    }
    let counted = auth::credential(&parts.headers).and_then(|c| shared.count_request(c));
    let mut response = match counted {
        Some((_, Verdict::Refused { .. })) => Failure::rate_limited().into_response(),
        _ => answer(router, parts, body).await,
    };
    if let Some((limit, verdict)) = counted {
        ratelimit::add_headers(response.headers_mut(), limit, verdict);
    }
    response
}

/// The body limit, the body's content type, then the router.
async fn answer(router: RouterService, parts: axum::http::request::Parts, body: Option<Bytes>) -> Response<Body> {
    let Some(body) = body else {
        let message = format!("request body is larger than {MAX_BODY_BYTES} bytes");
        return Failure::new(StatusCode::PAYLOAD_TOO_LARGE, codes::BODY_TOO_LARGE, message).into_response();
    };
    if !body.is_empty() && !is_json(parts.headers.get(header::CONTENT_TYPE)) {
        let message = "Invalid Content-Type header, valid values are application/json";
        return Failure::invalid_header(codes::INVALID_CONTENT_TYPE, message).into_response();
    }
    let request = Request::from_parts(parts, Body::from(body));
    match hyper::service::Service::call(&router, request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// Whether a `Content-Type` says JSON: `application/json` in any case, with or without
/// parameters such as `charset=utf-8`. The API reads request bodies as JSON only.
fn is_json(content_type: Option<&HeaderValue>) -> bool {
    content_type
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media_type| media_type.trim().eq_ignore_ascii_case("application/json"))
}

fn new_ray() -> HeaderValue {
    HeaderValue::from_str(&format!("{:016x}-FAKE", fastrand::u64(..))).expect("hex is a valid header value")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_content_types() {
        let cases = [
            (Some("application/json"), true),
            (Some("application/json; charset=utf-8"), true),
            (Some("Application/JSON;charset=UTF-8"), true),
            (Some(" application/json "), true),
            (None, false),
            (Some(""), false),
            (Some("text/plain"), false),
            (Some("text/plain; charset=utf-8"), false),
            (Some("application/x-www-form-urlencoded"), false),
            (Some("multipart/form-data; boundary=x"), false),
            (Some("application/jsonx"), false),
            (Some("application/vnd.api+json"), false),
            (Some("application/json, text/plain"), false),
        ];
        for (value, want) in cases {
            let value = value.map(|v| HeaderValue::from_str(v).unwrap());
            assert_eq!(is_json(value.as_ref()), want, "{value:?}");
        }
    }
}
