//! The retry and timeout layer around any [`HttpTransport`](crate::HttpTransport), one idea
//! per file: the per-call [`options`](RequestOptions), the [`policy`](RetryPolicy) with its
//! backoff and jitter, the shared [retry tokens](RetryTokens), the
//! [classification](RetryVerdict) of an attempt's outcome and the decision after it, the
//! [request template](RequestTemplate) each attempt's request is built from, and the
//! [layer](RetryTransport) that runs attempts and waits. Pacing (the request budget and
//! the wait a 429 asks for) is `crate::pacing`'s: the layer asks it, never the reverse.

mod classify;
mod layer;
mod options;
mod policy;
mod request_template;
mod tokens;

pub use classify::RetryVerdict;
pub use layer::RetryTransport;
pub use options::RequestOptions;
pub use policy::RetryPolicy;
pub use request_template::{RequestTemplate, ToSend};
#[allow(deprecated)]
pub use tokens::RetryBudget;
pub use tokens::RetryTokens;
