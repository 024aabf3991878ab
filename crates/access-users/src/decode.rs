//! Reading a response: the envelope (with a fast path), lenient failure bodies, excerpts.

use bytes::Bytes;
use cfzt_models::operations::Operation;
use cfzt_models::{Envelope, ResponseInfo};
use cfzt_transport::PacingRefusal;
use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderValue, StatusCode};
use serde::Deserialize as _;
use serde::de::DeserializeOwned;

use crate::error::{DecodeError, Error, api_error};
use crate::response::{ApiResponse, header_str};

/// Turns a response into the operation's result or a typed error; `attempts` is how many
/// attempts the call took, for the error.
pub(crate) fn decode<T>(
    operation: &'static Operation,
    response: cfzt_transport::Response,
    attempts: u32,
) -> Result<ApiResponse<T>, Error>
where
    T: DeserializeOwned + Default,
{
    let (parts, body) = response.into_parts();
    let status = parts.status;
    if !status.is_success() {
        let mut error = failure(operation, status, parts.headers, &body, attempts, Vec::new(), Vec::new());
        // A retry the request budget would have held past the deadline: how long, for
        // `Error::retry_after`.
        if let (Error::Api(api), Some(refusal)) = (&mut error, parts.extensions.get::<PacingRefusal>()) {
            api.pacing_wait = Some(refusal.would_wait);
        }
        return Err(error);
    }
    let decode_error = |path: &str, reason: String| {
        Error::Decode(Box::new(DecodeError {
            operation: operation.name,
            status,
            path: path.to_string(),
            reason,
            body_excerpt: excerpt(&body),
            cf_ray: header_str(&parts.headers, "cf-ray").map(str::to_string),
        }))
    };
    if let Some(ct) = parts.headers.get(CONTENT_TYPE)
        && !is_json(ct)
    {
        let ct = String::from_utf8_lossy(ct.as_bytes()).into_owned();
        return Err(decode_error(".", format!("expected a JSON body, got content type {ct:?}")));
    }
    let envelope: Envelope<T> = parse_envelope(&body).map_err(|(path, reason)| decode_error(&path, reason))?;
    if envelope.success == Some(false) {
        return Err(failure(operation, status, parts.headers, &body, attempts, envelope.errors, envelope.messages));
    }
    let result = match envelope.result {
        Some(result) => result,
        None if operation.result_optional => T::default(),
        None => return Err(decode_error("result", "the response has no result".into())),
    };
    Ok(ApiResponse {
        status,
        headers: parts.headers,
        result,
        result_info: envelope.result_info,
        messages: envelope.messages,
        errors: envelope.errors,
    })
}

/// Reads the envelope from a whole body, or says where (the JSON path, `.` for the body as
/// a whole) and why it could not be read.
///
/// The path is tracked only when a first, untracked read fails (docs/performance.md).
fn parse_envelope<T: DeserializeOwned>(body: &[u8]) -> Result<Envelope<T>, (String, String)> {
    let end = |mut de: serde_json::Deserializer<_>| de.end().map_err(|e| (".".to_string(), e.to_string()));
    let mut de = serde_json::Deserializer::from_slice(body);
    if let Ok(envelope) = Envelope::<T>::deserialize(&mut de) {
        end(de)?;
        return Ok(envelope);
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let envelope = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        (path, e.into_inner().to_string())
    })?;
    end(de)?;
    Ok(envelope)
}

fn is_json(content_type: &HeaderValue) -> bool {
    // The usual form, compared at once; any other takes the general rule below.
    if content_type.as_bytes().eq_ignore_ascii_case(b"application/json") {
        return true;
    }
    // `to_str` accepts visible ASCII only, so byte offsets are character offsets.
    let essence = content_type.to_str().unwrap_or("").split(';').next().unwrap_or("").trim();
    let suffix = essence.len().checked_sub(5).map_or("", |start| &essence[start..]);
    essence.eq_ignore_ascii_case("application/json") || suffix.eq_ignore_ascii_case("+json")
}

/// The API error for a failed response, reading Cloudflare's `errors[]` leniently from the
/// body when the envelope had none.
fn failure(
    operation: &'static Operation,
    status: StatusCode,
    headers: HeaderMap,
    body: &Bytes,
    attempts: u32,
    mut errors: Vec<ResponseInfo>,
    mut messages: Vec<ResponseInfo>,
) -> Error {
    if errors.is_empty() {
        (errors, messages) = lenient_errors(body).unwrap_or_default();
    }
    let body_excerpt = errors.is_empty().then(|| excerpt(body)).filter(|e| !e.is_empty());
    api_error(operation.name, status, headers, attempts, errors, messages, body_excerpt)
}

/// Reads `errors[]` from a failure body: the v4 envelope, or a flat `{"code", "error"}`.
fn lenient_errors(body: &[u8]) -> Option<(Vec<ResponseInfo>, Vec<ResponseInfo>)> {
    #[derive(serde::Deserialize)]
    struct Flat {
        code: Option<i64>,
        error: Option<String>,
        message: Option<String>,
    }
    if let Ok(env) = serde_json::from_slice::<Envelope<serde::de::IgnoredAny>>(body)
        && !env.errors.is_empty()
    {
        return Some((env.errors, env.messages));
    }
    let flat: Flat = serde_json::from_slice(body).ok()?;
    let message = flat.error.or(flat.message)?;
    Some((vec![ResponseInfo::new(flat.code.unwrap_or_default(), message)], Vec::new()))
}

/// The start of a body, on one line, for error messages: at most 200 characters.
fn excerpt(body: &[u8]) -> String {
    const MAX: usize = 200;
    let text = String::from_utf8_lossy(&body[..body.len().min(MAX * 4)]);
    let mut out = String::new();
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
        if out.chars().count() >= MAX {
            break;
        }
    }
    match out.char_indices().nth(MAX) {
        Some((i, _)) => {
            out.truncate(i);
            out.push('…');
            out
        }
        None => out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const E: Operation = cfzt_models::operations::GET_USER;

    #[test]
    fn excerpt_is_short_and_on_one_line() {
        assert_eq!(excerpt(b"<html>\n  <title>502</title>\n</html>"), "<html> <title>502</title> </html>");
        let long = "é".repeat(500);
        let e = excerpt(long.as_bytes());
        assert_eq!(e.chars().count(), 201);
        assert!(e.ends_with('…'));
        assert_eq!(excerpt(&[0xff, 0xfe]), "\u{fffd}\u{fffd}");
    }

    #[test]
    fn json_content_types() {
        for (ct, want) in [
            ("application/json", true),
            ("application/json; charset=utf-8", true),
            ("Application/JSON", true),
            ("application/problem+json", true),
            ("text/html", false),
            ("text/plain", false),
            (" Application/Problem+JSON ; charset=utf-8", true),
            ("\tapplication/json\t", true),
            ("+json", true),
            ("json", false),
            ("application/jsonx", false),
            ("", false),
        ] {
            assert_eq!(is_json(&HeaderValue::from_static(ct)), want, "{ct}");
        }
    }

    #[test]
    fn errors_sent_with_a_success_are_kept() {
        let body = r#"{"success":true,"errors":[{"code":1234,"message":"partly done"}],"messages":[],"result":[]}"#;
        let mut response = http::Response::new(Bytes::from_static(body.as_bytes()));
        response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let response = decode::<Vec<cfzt_models::User>>(&E, response, 1).expect("a success stays a success");
        assert_eq!(response.errors, [ResponseInfo::new(1234, "partly done")]);
        assert!(response.messages.is_empty());
    }

    mod properties {
        use super::*;
        use cfzt_models::{ActiveSessionDetail, DeleteUserResult, User};
        use proptest::prelude::*;

        fn response(status: u16, content_type: &str, retry_after: &str, body: Vec<u8>) -> cfzt_transport::Response {
            let mut response = http::Response::new(Bytes::from(body));
            *response.status_mut() = StatusCode::from_u16(status).unwrap();
            if let Ok(v) = HeaderValue::from_str(content_type) {
                response.headers_mut().insert(CONTENT_TYPE, v);
            }
            if let Ok(v) = HeaderValue::from_str(retry_after) {
                response.headers_mut().insert("retry-after", v);
            }
            response
        }

        /// Bodies that look like the API's: envelopes with random parts, and noise.
        fn body() -> impl Strategy<Value = Vec<u8>> {
            let json_value = prop_oneof![
                Just("null".to_string()),
                Just("{}".to_string()),
                Just("[]".to_string()),
                Just(
                    r#"{"id":"f174e90a-fafe-4643-bbbc-4a0ed4fc8415","created_at":"2014-01-01T05:20:00Z"}"#.to_string()
                ),
                Just(r#"[{"email":1}]"#.to_string()),
                "[ -~]{0,40}",
            ];
            prop_oneof![
                proptest::collection::vec(any::<u8>(), 0..256),
                (any::<Option<bool>>(), json_value, "[ -~]{0,20}").prop_map(|(success, result, noise)| {
                    let success = success.map_or("null".to_string(), |b| b.to_string());
                    format!(r#"{{"success":{success},"errors":[{{"code":1,"message":"{noise:?}"}}],"result":{result}}}{noise}"#)
                        .into_bytes()
                }),
            ]
        }

        /// The tracked reader alone, which the untracked first read must agree with.
        fn tracked<T: DeserializeOwned>(body: &[u8]) -> Result<Envelope<T>, (String, String)> {
            let mut de = serde_json::Deserializer::from_slice(body);
            let envelope = serde_path_to_error::deserialize(&mut de)
                .map_err(|e| (e.path().to_string(), e.into_inner().to_string()))?;
            de.end().map_err(|e| (".".to_string(), e.to_string()))?;
            Ok(envelope)
        }

        #[test]
        fn the_fast_path_reads_as_the_tracked_reader() {
            let bodies = [
                r#"{"success":true,"result":[{"id":"a","created_at":"2014-01-01T05:20:00Z","active_device_count":2.0}]}"#,
                r#"{"success":true,"result":[{"id":"a"},{"email":1}]}"#,
                r#"{"success":true,"result":[{"id":"a"},{"created_at":"yesterday"}]}"#,
                r#"{"success":true,"result":[{"id":"a"}],"result_info":{"page":"x"}}"#,
                r#"{"success":true,"result":[]} trailing"#,
                r#"{"success":true,"result":[{"id":"a""#,
                r#"{"success":"yes"}"#,
                r#"{"errors":[{"code":"x"}]}"#,
                "",
                "null",
            ];
            for body in bodies {
                let (fast, slow) =
                    (parse_envelope::<Vec<User>>(body.as_bytes()), tracked::<Vec<User>>(body.as_bytes()));
                assert_eq!(fast, slow, "{body}");
            }
            let err = parse_envelope::<Vec<User>>(br#"{"result":[{"id":"a"},{"email":1}]}"#).unwrap_err();
            assert_eq!(err.0, "result[1].email");
        }

        proptest! {
            #[test]
            fn the_fast_path_agrees_on_any_body(body in body()) {
                prop_assert_eq!(parse_envelope::<User>(&body), tracked::<User>(&body));
                prop_assert_eq!(parse_envelope::<Vec<User>>(&body), tracked::<Vec<User>>(&body));
                prop_assert_eq!(parse_envelope::<DeleteUserResult>(&body), tracked::<DeleteUserResult>(&body));
            }

            #[test]
            fn decoding_never_panics(
                status in 100u16..1000,
                content_type in prop_oneof![Just("application/json".to_string()), Just("text/html".to_string()), ".{0,30}"],
                retry_after in ".{0,20}",
                body in body(),
            ) {
                let r = || response(status, &content_type, &retry_after, body.clone());
                let _ = decode::<User>(&E, r(), 1);
                let _ = decode::<Vec<User>>(&E, r(), 1);
                let _ = decode::<DeleteUserResult>(&E, r(), 1);
                if let Err(e) = decode::<ActiveSessionDetail>(&E, r(), 1) {
                    let _ = (e.to_string(), format!("{e:?}"), e.is_retryable());
                }
            }
        }
    }
}
