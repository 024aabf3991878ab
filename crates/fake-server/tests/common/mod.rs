//! Helpers shared by the integration tests: a tiny JSON-over-HTTP client on reqwest.
#![allow(dead_code, unreachable_pub)]

use reqwest::header::HeaderMap;
use serde_json::Value;

pub const TOKEN: &str = "test-token";

/// Which credentials a request sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    None,
    Token(&'static str),
    Key,
    Raw(&'static str),
}

/// A response, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    /// The first error code of a failure envelope.
    pub fn code(&self) -> i64 {
        self.json()["errors"][0]["code"].as_i64().unwrap_or_else(|| panic!("no error code: {}", self.text))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn decode<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("cannot decode ({e}): {}", self.text))
    }
}

pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
}

impl Client {
    pub fn new(base: &str) -> Client {
        let http = reqwest::Client::builder().timeout(std::time::Duration::from_secs(10)).build().unwrap();
        Client { http, base: base.to_string() }
    }

    /// A request builder for `path` (relative to the base URL) with the given credentials.
    pub fn request(&self, method: &str, path: &str, auth: Auth) -> reqwest::RequestBuilder {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let builder = self.http.request(method, format!("{}{path}", self.base));
        match auth {
            Auth::None => builder,
            Auth::Token(t) => builder.header("authorization", format!("Bearer {t}")),
            Auth::Key => builder.header("x-auth-email", "user@example.com").header("x-auth-key", "144c9defac04969c"),
            Auth::Raw(v) => builder.header("authorization", v),
        }
    }

    /// Sends a request and reads the whole answer; panics on transport errors.
    pub async fn send(&self, method: &str, path: &str, auth: Auth, body: Option<Value>) -> Answer {
        self.try_send(method, path, auth, body).await.unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    pub async fn try_send(
        &self,
        method: &str,
        path: &str,
        auth: Auth,
        body: Option<Value>,
    ) -> Result<Answer, reqwest::Error> {
        let mut builder = self.request(method, path, auth);
        if let Some(body) = body {
            builder = builder.header("content-type", "application/json").body(body.to_string());
        }
        let response = builder.send().await?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await?;
        Ok(Answer { status, headers, text })
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send("GET", path, Auth::Token(TOKEN), None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.send("POST", path, Auth::Token(TOKEN), Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Answer {
        self.send("PUT", path, Auth::Token(TOKEN), Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.send("DELETE", path, Auth::Token(TOKEN), None).await
    }
}

/// `/accounts/{DEMO_ACCOUNT_ID}/access/users`.
pub fn users_path() -> String {
    format!("/accounts/{}/access/users", cfzt_fake_server::DEMO_ACCOUNT_ID)
}

/// `/accounts/{DEMO_ACCOUNT_ID}/access/users/{DEMO_USER_ID}`.
pub fn jane_path() -> String {
    format!("{}/{}", users_path(), cfzt_fake_server::DEMO_USER_ID)
}
