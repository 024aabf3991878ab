//! What an attempt's outcome says: whether to send the request again, and after what wait.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, Method, StatusCode};

use super::{RetryPolicy, RetryTokens};
use crate::pacing::retry_after;
use crate::{Response, TransportError};

/// What a response says about sending the same request again.
///
/// The one rule the [`RetryTransport`](crate::RetryTransport) and clients' error predicates
/// (such as `cfzt_access_users::Error::is_retryable`) share, from [`RetryVerdict::of`]:
///
/// - a success (2xx) is [`Final`](Self::Final), whatever its headers say;
/// - otherwise `x-should-retry: true` is [`Requested`](Self::Requested) and
///   `x-should-retry: false` is `Final`, whatever the status;
/// - without that header, 429 is `Requested`; 408, 409 and 5xx (Cloudflare's 520–527
///   included) are [`Retryable`](Self::Retryable); anything else is `Final`.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryVerdict {
    /// Sending it again would get the same answer: a success, or a failure such as 400,
    /// 401 or 404.
    Final,
    /// It may pass if sent again. The retry layer repeats an idempotent request, and a
    /// `POST` only when [`RetryPolicy::retry_non_idempotent`] is set.
    Retryable,
    /// The server asks for it to be sent again (429, or `x-should-retry: true`). The retry
    /// layer repeats it whatever the method.
    Requested,
}

impl RetryVerdict {
    /// The verdict on a response with this status and these headers.
    pub fn of(status: StatusCode, headers: &HeaderMap) -> Self {
        // A success is final, as in the official SDKs; it costs no header look-up.
        if status.is_success() {
            return Self::Final;
        }
        match should_retry_header(headers) {
            Some(true) => Self::Requested,
            Some(false) => Self::Final,
            None if status == StatusCode::TOO_MANY_REQUESTS => Self::Requested,
            None if status.is_server_error() || matches!(status.as_u16(), 408 | 409) => Self::Retryable,
            None => Self::Final,
        }
    }

    /// `true` unless [`Final`](Self::Final): the same request may succeed later.
    pub fn is_retryable(self) -> bool {
        !matches!(self, Self::Final)
    }
}

fn should_retry_header(headers: &HeaderMap) -> Option<bool> {
    match headers.get("x-should-retry")?.to_str().ok()?.trim() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// `true` for the methods that may be repeated without harm.
pub(super) fn is_idempotent(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE)
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Decision {
    /// Return the attempt's outcome. `final_answer`: it is a response that sending again
    /// would not change (a verdict of [`RetryVerdict::Final`]), so the retry tokens the
    /// call spent go back; decided here, so the layer does not classify it a second time.
    Stop { final_answer: bool },
    /// Send it again after `wait`, for `cost` retry tokens. `in_budget`: the wait is the
    /// request budget's pause, which the next attempt waits out when it takes its place.
    Retry { wait: Duration, cost: u32, in_budget: bool },
}

/// The decision after an attempt, before the deadline and the retry tokens have their say.
/// `pause`: what the request budget answered to this attempt's answer
/// ([`RequestBudget::observe`](crate::RequestBudget::observe)), the pause it now holds every
/// request for; `None` without a budget, or when the answer asked for no pause.
pub(super) fn decide(
    outcome: &Result<Response, TransportError>,
    idempotent: bool,
    policy: &RetryPolicy,
    retries_done: u32,
    pause: Option<Duration>,
) -> Decision {
    if retries_done >= policy.max_retries {
        return Decision::Stop { final_answer: is_final_answer(outcome) };
    }
    let repeatable = idempotent || policy.retry_non_idempotent;
    match outcome {
        Ok(response) => {
            match RetryVerdict::of(response.status(), response.headers()) {
                RetryVerdict::Final => return Decision::Stop { final_answer: true },
                RetryVerdict::Retryable if !repeatable => return Decision::Stop { final_answer: false },
                RetryVerdict::Retryable | RetryVerdict::Requested => {}
            }
            // The request budget took the pause this answer asked for and holds every request
            // until it ends: the retry waits there, bounded by the deadline, not by
            // `max_retry_after`.
            if let Some(pause) = pause {
                return Decision::Retry { wait: pause, cost: RetryTokens::RETRY_COST, in_budget: true };
            }
            let wait = match retry_after(response.headers(), SystemTime::now()) {
                Some(wait) if wait <= policy.max_retry_after => wait,
                Some(_) => return Decision::Stop { final_answer: false },
                None => policy.jittered_backoff(retries_done),
            };
            Decision::Retry { wait, cost: RetryTokens::RETRY_COST, in_budget: false }
        }
        Err(error) => {
            if !error.is_transient() || (!repeatable && error.may_have_reached_server()) {
                return Decision::Stop { final_answer: false };
            }
            let cost = if error.is_timeout() { RetryTokens::TIMEOUT_RETRY_COST } else { RetryTokens::RETRY_COST };
            Decision::Retry { wait: policy.jittered_backoff(retries_done), cost, in_budget: false }
        }
    }
}

/// Whether `outcome` is a response that sending again would not change: the call's retry
/// tokens go back when it ends with one.
pub(super) fn is_final_answer(outcome: &Result<Response, TransportError>) -> bool {
    outcome.as_ref().is_ok_and(|r| !RetryVerdict::of(r.status(), r.headers()).is_retryable())
}

#[cfg(test)]
mod tests;
