//! The journal's bounds: sustained traffic keeps it within its entries and bytes, and
//! tests can clear it.

mod common;

use cfzt_fake_server::{FakeServer, JournalLimits, JournalStats};
use common::{Auth, Client, users_path};

const MIB: usize = 1024 * 1024;

/// The bytes the journal's entries hold, counted from what it returns (not from its own
/// statistics, so the two are checked against each other).
fn held_bytes(server: &FakeServer) -> usize {
    server
        .journal()
        .iter()
        .map(|e| {
            let headers: usize = e.headers.iter().map(|(n, v)| n.len() + v.len()).sum();
            e.method.len() + e.path.len() + e.query.as_ref().map_or(0, String::len) + headers + e.body.len()
        })
        .sum()
}

#[tokio::test]
async fn two_hundred_one_mib_bodies_stay_within_the_default_bounds() {
    let server = FakeServer::start().await.unwrap();
    let client = Client::new(server.base_url());
    let body = "x".repeat(MIB);
    for _ in 0..200 {
        // Refused for want of credentials, as in the report: the body is read all the same.
        let answer = client
            .request("POST", &users_path(), Auth::None)
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 401);
    }
    let journal = server.journal();
    assert_eq!(journal.len(), 200, "200 entries are within the default entry bound");
    for entry in &journal {
        assert_eq!(entry.body_len, MIB);
        assert!(entry.truncated);
        assert_eq!(entry.body.len(), JournalLimits::DEFAULT_MAX_BODY_BYTES);
    }
    let held = held_bytes(&server);
    assert!(held <= JournalLimits::DEFAULT_MAX_BYTES, "the journal holds {held} bytes");
    assert_eq!(server.journal_stats().bytes, held);
}

#[tokio::test]
async fn many_small_requests_keep_the_newest_within_both_bounds() {
    let server = FakeServer::builder().journal_max_entries(100).journal_max_bytes(20_000).start().await.unwrap();
    let client = Client::new(server.base_url());
    let body = "y".repeat(4 * 1024);
    for n in 0..1_000 {
        if n % 10 == 0 {
            // Now and then a body bigger than the room of a few entries.
            let answer = client.send("PUT", &format!("{}/x?n={n}", users_path()), Auth::None, None).await;
            assert_eq!(answer.status, 401);
            let _ = client
                .request("POST", &format!("{}?n={n}b", users_path()), Auth::None)
                .body(body.clone())
                .send()
                .await
                .unwrap();
        }
        assert_eq!(client.get(&format!("{}?page={}", users_path(), n + 1)).await.status, 200);
        let stats = server.journal_stats();
        assert!(stats.entries <= 100, "{stats:?}");
        assert!(stats.bytes <= 20_000, "{stats:?}");
    }
    let journal = server.journal();
    let stats = server.journal_stats();
    assert_eq!(journal.len(), stats.entries);
    assert_eq!(held_bytes(&server), stats.bytes);
    assert_eq!(stats.evicted, 1_200 - stats.entries as u64, "{stats:?}");
    assert_eq!(journal.last().unwrap().query.as_deref(), Some("page=1000"), "the newest entries are kept");

    server.clear_journal();
    assert_eq!(server.journal_stats(), JournalStats::default());
    assert!(server.journal().is_empty());
    assert_eq!(client.get(&users_path()).await.status, 200);
    assert_eq!(server.journal().len(), 1);
}

#[tokio::test]
async fn a_journal_of_zero_entries_records_nothing() {
    let server = FakeServer::builder().journal_max_entries(0).start().await.unwrap();
    let client = Client::new(server.base_url());
    assert_eq!(client.get(&users_path()).await.status, 200);
    assert!(server.journal().is_empty());
    assert_eq!(server.journal_stats().evicted, 1);
}
