//! How the fake says no: a status with the `errors` of a Cloudflare failure envelope.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use cfzt_models::ResponseInfo;
use serde::Serialize;

use crate::codes;

/// The message of a rate-limited call (code [`codes::RATE_LIMITED`]), as reported from
/// the live API.
pub(crate) const RATE_LIMITED_MESSAGE: &str = "Please wait and consider throttling your request speed";

/// A failed call: a status and the `errors` of a Cloudflare failure envelope. (Named apart
/// from the SDK's public `ApiError`, which is what a client makes of one.)
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    status: StatusCode,
    errors: Vec<ResponseInfo>,
}

impl Failure {
    pub(crate) fn new(status: StatusCode, code: i64, message: impl Into<String>) -> Failure {
        Failure { status, errors: vec![ResponseInfo::new(code, message)] }
    }

    pub(crate) fn with_info(status: StatusCode, info: ResponseInfo) -> Failure {
        Failure { status, errors: vec![info] }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Failure {
        Failure::new(StatusCode::BAD_REQUEST, codes::INVALID_REQUEST, message)
    }

    pub(crate) fn bad_field(pointer: &str, message: impl Into<String>) -> Failure {
        let info = ResponseInfo::new(codes::INVALID_REQUEST, message).with_pointer(pointer);
        Failure::with_info(StatusCode::BAD_REQUEST, info)
    }

    /// **400**, code [`codes::INVALID_REQUEST_HEADERS`] "Invalid request headers", with an
    /// `error_chain` holding `code` and `message`: how the API refuses a header.
    pub(crate) fn invalid_header(code: i64, message: &str) -> Failure {
        let mut info = ResponseInfo::new(codes::INVALID_REQUEST_HEADERS, "Invalid request headers");
        info.extra.insert("error_chain".into(), serde_json::json!([{ "code": code, "message": message }]));
        Failure::with_info(StatusCode::BAD_REQUEST, info)
    }

    pub(crate) fn rate_limited() -> Failure {
        Failure::new(StatusCode::TOO_MANY_REQUESTS, codes::RATE_LIMITED, RATE_LIMITED_MESSAGE)
    }

    pub(crate) fn user_not_found() -> Failure {
        Failure::new(StatusCode::NOT_FOUND, codes::USER_NOT_FOUND, "user not found")
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        json_response(self.status, failure_body(&self.errors))
    }
}

/// A response with `status` and a JSON `body`.
pub(crate) fn json_response(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// The body of a Cloudflare failure envelope, keys in Cloudflare's order:
/// `{"success":false,"errors":[...],"messages":[],"result":null}`.
pub(crate) fn failure_body(errors: &[ResponseInfo]) -> String {
    #[derive(Serialize)]
    struct Body<'a> {
        success: bool,
        errors: &'a [ResponseInfo],
        messages: [(); 0],
        result: Option<()>,
    }
    serde_json::to_string(&Body { success: false, errors, messages: [], result: None })
        .expect("a failure envelope always serializes")
}
