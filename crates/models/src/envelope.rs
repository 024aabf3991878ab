use serde::{Deserialize, Serialize};

use crate::de::{lenient_u64, null_as_empty};

/// Cloudflare's v4 response envelope, wrapped around every JSON answer.
///
/// Decide success by the HTTP status and use [`Envelope::success`] as a consistency check;
/// a failure carries its reasons in [`Envelope::errors`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T> {
    /// `true` on success. Absent in some malformed answers, hence optional.
    #[serde(default)]
    pub success: Option<bool>,
    /// Why the call failed; empty on success. `null` or absent decodes as empty.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub errors: Vec<ResponseInfo>,
    /// Informational messages; usually empty. `null` or absent decodes as empty.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub messages: Vec<ResponseInfo>,
    /// The payload. `None` on failure, and for operations whose result is `null`.
    #[serde(default = "none", skip_serializing_if = "Option::is_none")]
    pub result: Option<T>,
    /// Page information, on list operations only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_info: Option<ResultInfo>,
}

fn none<T>() -> Option<T> {
    None
}

impl<T> Envelope<T> {
    /// A successful envelope around `result`.
    pub fn success(result: T) -> Self {
        Self { success: Some(true), errors: Vec::new(), messages: Vec::new(), result: Some(result), result_info: None }
    }

    /// A failed envelope carrying `errors` and no result.
    pub fn failure(errors: Vec<ResponseInfo>) -> Self {
        Self { success: Some(false), errors, messages: Vec::new(), result: None, result_info: None }
    }

    /// The same envelope with `result_info` set.
    #[must_use]
    pub fn with_result_info(mut self, info: ResultInfo) -> Self {
        self.result_info = Some(info);
        self
    }
}

/// One item of an envelope's `errors` or `messages`.
///
/// Unknown fields (such as a nested `error_chain`) are kept in [`ResponseInfo::extra`].
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResponseInfo {
    /// Cloudflare's error or message code, e.g. `10000` or `971`.
    #[serde(default)]
    pub code: i64,
    /// The human-readable message.
    #[serde(default)]
    pub message: String,
    /// A link to documentation about this code, when Cloudflare gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documentation_url: Option<String>,
    /// Which part of the request the message is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<ErrorSource>,
    /// Fields this crate does not model, such as `error_chain`.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl ResponseInfo {
    /// A message with `code` and `message` and nothing else.
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), ..Self::default() }
    }

    /// The same message pointing at `pointer` (a JSON Pointer into the request).
    #[must_use]
    pub fn with_pointer(mut self, pointer: impl Into<String>) -> Self {
        self.source = Some(ErrorSource { pointer: Some(pointer.into()) });
        self
    }
}

/// Where in the request a [`ResponseInfo`] points.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorSource {
    /// A JSON Pointer into the request body, e.g. `/email`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
}

/// Page information returned by list operations.
///
/// Every field is optional. Numbers may arrive as `2` or `2.0`; anything that is not a
/// whole non-negative number decodes as `None`.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultInfo {
    /// The page number, starting at 1.
    #[serde(default, deserialize_with = "lenient_u64", skip_serializing_if = "Option::is_none")]
    pub page: Option<u64>,
    /// The page size used.
    #[serde(default, deserialize_with = "lenient_u64", skip_serializing_if = "Option::is_none")]
    pub per_page: Option<u64>,
    /// The number of results on this page (as read in practice).
    #[serde(default, deserialize_with = "lenient_u64", skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// Total results *without* any search parameters, per Cloudflare's docs.
    #[serde(default, deserialize_with = "lenient_u64", skip_serializing_if = "Option::is_none")]
    pub total_count: Option<u64>,
    /// The number of pages.
    #[serde(default, deserialize_with = "lenient_u64", skip_serializing_if = "Option::is_none")]
    pub total_pages: Option<u64>,
}

impl ResultInfo {
    /// Page information with every field set.
    pub fn new(page: u64, per_page: u64, count: u64, total_count: u64, total_pages: u64) -> Self {
        Self {
            page: Some(page),
            per_page: Some(per_page),
            count: Some(count),
            total_count: Some(total_count),
            total_pages: Some(total_pages),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_without_messages_or_result_decodes() {
        let body = r#"{"success":false,"errors":[{"code":6003,"message":"Invalid request headers",
            "error_chain":[{"code":6111,"message":"Invalid format for Authorization header"}]}]}"#;
        let env: Envelope<serde_json::Value> = serde_json::from_str(body).unwrap();
        assert_eq!(env.success, Some(false));
        assert!(env.messages.is_empty());
        assert!(env.result.is_none());
        assert_eq!(env.errors[0].code, 6003);
        assert_eq!(env.errors[0].extra["error_chain"][0]["code"], 6111);
    }

    #[test]
    fn null_lists_and_float_page_numbers() {
        let body = r#"{"success":true,"errors":null,"messages":null,"result":null,
            "result_info":{"page":2.0,"per_page":20,"count":0,"total_count":1,"total_pages":1,"cursor":"x"}}"#;
        let env: Envelope<Vec<u8>> = serde_json::from_str(body).unwrap();
        assert!(env.errors.is_empty());
        assert_eq!(env.result, None);
        assert_eq!(env.result_info.unwrap().page, Some(2));
    }

    #[test]
    fn source_pointer_round_trips() {
        let info = ResponseInfo::new(1001, "bad").with_pointer("/email");
        let json = serde_json::to_string(&info).unwrap();
        assert_eq!(json, r#"{"code":1001,"message":"bad","source":{"pointer":"/email"}}"#);
        assert_eq!(serde_json::from_str::<ResponseInfo>(&json).unwrap(), info);
    }
}
