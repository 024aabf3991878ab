//! The journal: every request the server received, in order.

use std::time::Instant;

use crate::operation::Operation;

/// Which credentials a request carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthScheme {
    /// No usable credentials: no `Authorization` header, and not both `X-Auth-Email` and
    /// `X-Auth-Key`.
    None,
    /// `Authorization: Bearer <token>` only.
    Token,
    /// `X-Auth-Email` and `X-Auth-Key` (the legacy global API key) only.
    ApiKey,
    /// A bearer token and the email/key pair at once.
    Both,
    /// An `Authorization` header that is not `Bearer <token>`.
    Malformed,
}

/// One request as the server received it, and what it answered.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct JournalEntry {
    /// The HTTP method, e.g. `"GET"`.
    pub method: String,
    /// The path, with the `/client/v4` prefix and without the query, e.g.
    /// `/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/access/users`.
    pub path: String,
    /// The raw query string without the `?`, if the URL had one.
    pub query: Option<String>,
    /// The operation the request reached, or `None` for paths and methods outside the API.
    pub operation: Option<Operation>,
    /// The status answered, or `0` when no response was sent: the connection was dropped
    /// by a fault, or the request is still being handled (e.g. under a delay).
    pub status: u16,
    /// `true` when a [`FaultRule`](crate::FaultRule) fired for this request (including a
    /// delay, which then handles the request normally).
    pub faulted: bool,
    /// The request body, decoded as UTF-8 (invalid bytes replaced).
    pub body: String,
    /// Which credentials the request carried.
    pub auth: AuthScheme,
    /// The request headers, names in lower case, in the order received. The values of
    /// `authorization` and `x-auth-key` are recorded as `[REDACTED]`; [`JournalEntry::auth`]
    /// says which scheme was used.
    pub headers: Vec<(String, String)>,
    /// When the server received the request.
    pub received_at: Instant,
}

impl JournalEntry {
    /// The first value of the request header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The request body parsed as JSON, or `None` if it is empty or not JSON.
    pub fn body_json(&self) -> Option<serde_json::Value> {
        serde_json::from_str(&self.body).ok()
    }
}

/// The journal's storage: entries plus sequence numbers to update them once answered.
#[derive(Debug, Default)]
pub(crate) struct Journal {
    next_seq: u64,
    entries: Vec<(u64, JournalEntry)>,
}

impl Journal {
    /// Records a received request; the returned number finds it again in [`Journal::answer`].
    pub(crate) fn push(&mut self, entry: JournalEntry) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.entries.push((seq, entry));
        seq
    }

    /// Records the answer to request `seq` (a no-op if the journal was cleared since).
    pub(crate) fn answer(&mut self, seq: u64, status: u16) {
        if let Some((_, entry)) = self.entries.iter_mut().rev().find(|(s, _)| *s == seq) {
            entry.status = status;
        }
    }

    pub(crate) fn snapshot(&self) -> Vec<JournalEntry> {
        self.entries.iter().map(|(_, e)| e.clone()).collect()
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
    }
}
