//! The journal: the requests the server received, in order, within a bound in entries
//! and in bytes.

use std::collections::VecDeque;
use std::time::Instant;

use crate::routes::Operation;

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
    /// The request body, decoded as UTF-8 (invalid bytes replaced), cut to
    /// [`JournalLimits::max_body_bytes`] (and to what fits in the journal's byte bound);
    /// see [`JournalEntry::truncated`] and [`JournalEntry::body_len`].
    pub body: String,
    /// The length in bytes of the body as received, before any cut.
    pub body_len: usize,
    /// `true` when the journal stored less than it received: the body was cut, or (only
    /// when a single request's headers exceed [`JournalLimits::max_bytes`]) headers were
    /// left out.
    pub truncated: bool,
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

/// The journal's bounds. The oldest entries are forgotten first.
///
/// The defaults keep 50,000 entries and 32 MiB of recorded text, and cut each stored body
/// at 64 KiB: enough for a test of tens of thousands of small calls, small enough that
/// sustained traffic (say, 1 MiB bodies for hours) keeps the fake's memory flat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct JournalLimits {
    /// The most entries kept. `0` keeps none (the journal is off).
    pub max_entries: usize,
    /// The most bytes kept, counted over each entry's method, path, query, header names and
    /// values and stored body.
    pub max_bytes: usize,
    /// The most bytes of one request body stored.
    pub max_body_bytes: usize,
}

impl JournalLimits {
    /// The default number of entries kept: 50,000.
    pub const DEFAULT_MAX_ENTRIES: usize = 50_000;
    /// The default number of bytes kept: 32 MiB.
    pub const DEFAULT_MAX_BYTES: usize = 32 * 1024 * 1024;
    /// The default cut of one stored body: 64 KiB.
    pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024;
}

impl Default for JournalLimits {
    fn default() -> Self {
        JournalLimits {
            max_entries: Self::DEFAULT_MAX_ENTRIES,
            max_bytes: Self::DEFAULT_MAX_BYTES,
            max_body_bytes: Self::DEFAULT_MAX_BODY_BYTES,
        }
    }
}

/// What the journal holds now, and how much it forgot. See
/// [`FakeServer::journal_stats`](crate::FakeServer::journal_stats).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct JournalStats {
    /// The entries kept.
    pub entries: usize,
    /// The bytes kept, counted as [`JournalLimits::max_bytes`] counts them.
    pub bytes: usize,
    /// The entries forgotten to stay within the bounds since the start or the last clear.
    pub evicted: u64,
}

/// The journal's storage: entries plus sequence numbers to update them once answered,
/// oldest first, within [`JournalLimits`].
#[derive(Debug, Default)]
pub(crate) struct Journal {
    limits: JournalLimits,
    next_seq: u64,
    entries: VecDeque<(u64, JournalEntry)>,
    bytes: usize,
    evicted: u64,
}

/// The bytes an entry counts for against [`JournalLimits::max_bytes`].
fn size(entry: &JournalEntry) -> usize {
    let headers: usize = entry.headers.iter().map(|(n, v)| n.len() + v.len()).sum();
    entry.method.len() + entry.path.len() + entry.query.as_ref().map_or(0, String::len) + headers + entry.body.len()
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn cut(s: &mut String, max: usize) -> bool {
    if s.len() <= max {
        return false;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    true
}

impl Journal {
    pub(crate) fn new(limits: JournalLimits) -> Journal {
        Journal { limits, ..Journal::default() }
    }

    /// Turns a received body into what the journal stores: at most `max_body_bytes`
    /// of it, decoded as UTF-8. Returns the stored text and the original length.
    pub(crate) fn body_text(&self, body: &[u8]) -> (String, usize) {
        let kept = &body[..body.len().min(self.limits.max_body_bytes)];
        let mut text = String::from_utf8_lossy(kept).into_owned();
        // Replacement characters can make the text longer than the bytes it came from.
        cut(&mut text, self.limits.max_body_bytes);
        (text, body.len())
    }

    /// Records a received request, forgetting the oldest entries to stay within the
    /// bounds; the returned number finds it again in [`Journal::answer`].
    pub(crate) fn push(&mut self, mut entry: JournalEntry) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        if self.limits.max_entries == 0 {
            self.evicted += 1;
            return seq;
        }
        self.fit(&mut entry);
        self.bytes += size(&entry);
        self.entries.push_back((seq, entry));
        while self.entries.len() > self.limits.max_entries || self.bytes > self.limits.max_bytes {
            let Some((_, old)) = self.entries.pop_front() else { break };
            self.bytes -= size(&old);
            self.evicted += 1;
        }
        seq
    }

    /// Cuts one entry until it alone fits in `max_bytes`: the body first, then (for
    /// pathological limits) the headers from the last, then the query and the path.
    fn fit(&self, entry: &mut JournalEntry) {
        let max = self.limits.max_bytes;
        entry.truncated |= entry.body.len() < entry.body_len;
        let rest = size(entry) - entry.body.len();
        entry.truncated |= cut(&mut entry.body, max.saturating_sub(rest));
        while size(entry) > max && entry.headers.pop().is_some() {
            entry.truncated = true;
        }
        if size(entry) > max {
            entry.truncated = true;
            entry.query = None;
            let room = max.saturating_sub(size(entry) - entry.path.len());
            cut(&mut entry.path, room);
            let room = max.saturating_sub(size(entry) - entry.method.len());
            cut(&mut entry.method, room);
        }
    }

    /// Records the answer to request `seq` (a no-op if it was forgotten or cleared since).
    pub(crate) fn answer(&mut self, seq: u64, status: u16) {
        if let Some((_, entry)) = self.entries.iter_mut().rev().find(|(s, _)| *s == seq) {
            entry.status = status;
        }
    }

    pub(crate) fn snapshot(&self) -> Vec<JournalEntry> {
        self.entries.iter().map(|(_, e)| e.clone()).collect()
    }

    pub(crate) fn stats(&self) -> JournalStats {
        JournalStats { entries: self.entries.len(), bytes: self.bytes, evicted: self.evicted }
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
        self.evicted = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(journal: &Journal, body: &[u8], headers: usize) -> JournalEntry {
        let (body, body_len) = journal.body_text(body);
        JournalEntry {
            method: "POST".into(),
            path: "/client/v4/x".into(),
            query: Some("a=b".into()),
            operation: None,
            status: 0,
            faulted: false,
            body,
            body_len,
            truncated: false,
            auth: AuthScheme::None,
            headers: (0..headers).map(|i| (format!("h{i}"), "v".repeat(10))).collect(),
            received_at: Instant::now(),
        }
    }

    fn limits(max_entries: usize, max_bytes: usize, max_body_bytes: usize) -> JournalLimits {
        JournalLimits { max_entries, max_bytes, max_body_bytes }
    }

    #[test]
    fn bounds_hold_after_every_push() {
        // (limits, body size, headers per entry)
        let cases = [
            (limits(3, 1_000_000, 100), 10, 2),
            (limits(1000, 500, 100), 90, 2),
            (limits(1000, 500, 1000), 5000, 2),
            (limits(10, 40, 1000), 5000, 50),
            (limits(10, 0, 1000), 10, 2),
            (limits(0, 1000, 1000), 10, 2),
        ];
        for (limits, body, headers) in cases {
            let mut journal = Journal::new(limits);
            for i in 0..50u16 {
                let seq = journal.push(entry(&journal, &vec![b'x'; body], headers));
                journal.answer(seq, 200 + i);
                let stats = journal.stats();
                assert!(stats.entries <= limits.max_entries, "{limits:?}: {stats:?}");
                assert!(stats.bytes <= limits.max_bytes, "{limits:?}: {stats:?}");
                let counted: usize = journal.snapshot().iter().map(size).sum();
                assert_eq!(counted, stats.bytes, "{limits:?}");
                assert_eq!(stats.entries as u64 + stats.evicted, u64::from(i) + 1, "{limits:?}");
            }
            for e in journal.snapshot() {
                assert!(e.body.len() <= limits.max_body_bytes);
                assert_eq!(e.body_len, body);
                assert_eq!(e.truncated, e.body.len() < body || e.headers.len() < headers, "{limits:?}");
            }
        }
    }

    #[test]
    fn newest_entries_are_kept_and_clear_forgets() {
        let mut journal = Journal::new(limits(2, 1_000_000, 100));
        for status in [1, 2, 3] {
            let seq = journal.push(entry(&journal, b"{}", 0));
            journal.answer(seq, status);
        }
        let statuses: Vec<u16> = journal.snapshot().iter().map(|e| e.status).collect();
        assert_eq!(statuses, [2, 3]);
        assert_eq!(journal.stats().evicted, 1);
        journal.clear();
        assert_eq!(journal.stats(), JournalStats::default());
    }

    #[test]
    fn a_cut_body_stays_valid_utf8() {
        let journal = Journal::new(limits(10, 1000, 5));
        let (text, len) = journal.body_text("ééé".as_bytes());
        assert_eq!((text.as_str(), len), ("éé", 6));
        let (text, _) = journal.body_text(&[0xff; 10]);
        assert!(text.len() <= 5, "{text:?}");
    }
}
