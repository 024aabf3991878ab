//! The retry and timeout layer around any [`HttpTransport`](crate::HttpTransport), one idea
//! per file: the per-call [`options`](RequestOptions), the [`policy`](RetryPolicy) with its
//! backoff and jitter, the shared [`budget`](RetryBudget), the [classification](RetryVerdict)
//! of an attempt's outcome, the [source](RequestTemplate) each attempt's request is built
//! from, and the [layer](RetryTransport) that runs attempts and waits.

mod budget;
mod classify;
mod layer;
mod options;
mod policy;
mod source;

pub use budget::RetryBudget;
pub use classify::RetryVerdict;
pub use layer::RetryTransport;
pub use options::RequestOptions;
pub use policy::RetryPolicy;
pub use source::RequestTemplate;
