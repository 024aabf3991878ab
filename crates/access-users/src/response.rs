//! What a call returns: the decoded result with the HTTP response it came from.

use cfzt_models::{ResponseInfo, ResultInfo};
use cfzt_transport::RateLimitStatus;
use http::{HeaderMap, StatusCode};

/// A decoded result together with the HTTP response it came from.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct ApiResponse<T> {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers (`cf-ray`, `ratelimit`, ...), with the client's credentials
    /// masked (see [`ApiRequest::send_with_response`](crate::ApiRequest::send_with_response)).
    pub headers: HeaderMap,
    /// The decoded `result`.
    pub result: T,
    /// The page information of list operations.
    pub result_info: Option<ResultInfo>,
    /// Cloudflare's informational `messages[]`.
    pub messages: Vec<ResponseInfo>,
    /// Cloudflare's `errors[]` when the API reported errors *with* a success (`success:
    /// true` and a 2xx status): the call succeeded, so they are kept here, and logged at
    /// `warn`, instead of failing it. Usually empty.
    pub errors: Vec<ResponseInfo>,
}

impl<T> ApiResponse<T> {
    /// The `cf-ray` id of the response, to quote to Cloudflare support.
    pub fn cf_ray(&self) -> Option<&str> {
        header_str(&self.headers, "cf-ray")
    }

    /// What the response said about the rate limit: requests left in the window and when
    /// it resets (`Ratelimit`), the quota and window (`Ratelimit-Policy`).
    pub fn rate_limit(&self) -> Option<RateLimitStatus> {
        RateLimitStatus::from_headers(&self.headers)
    }

    /// The decoded result, dropping the rest.
    pub fn into_result(self) -> T {
        self.result
    }
}

pub(crate) fn header_str<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}
