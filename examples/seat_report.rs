//! A seat report: how many Access and Gateway seats are in use, who holds one without
//! having logged in for 90 days, and an audit row per user as NDJSON. Runs against a fake
//! server started in-process; no account, no network, no arguments:
//!
//! ```sh
//! cargo run --example seat_report
//! ```
//!
//! Swap the client for `Client::from_env()` and the same code reports on a real account.

use std::error::Error;

use cfzt::models::chrono;
use cfzt::workflows::{AuditOptions, Workflows};
use cfzt::{AccountId, Client};
use cfzt_fake_server::{DEMO_ACCOUNT_ID, FakeServer};
use futures_util::TryStreamExt;

#[tokio::main]
pub(crate) async fn main() -> Result<(), Box<dyn Error>> {
    let server = FakeServer::start().await?;
    let client = Client::builder().base_url(server.base_url()).api_token("seat-report-token").build()?;
    let account: AccountId = DEMO_ACCOUNT_ID.parse()?;
    let workflows = Workflows::new(client.users(&account));

    // Counted from the users themselves: `result_info.total_count` counts every user.
    let counts = workflows.seat_counts().await?;
    println!("users:          {}", counts.users);
    println!("Access seats:   {}", counts.access_seats);
    println!("Gateway seats:  {}", counts.gateway_seats);
    println!("holding any:    {}", counts.any_seat);
    println!("holding both:   {}\n", counts.both_seats);

    let cutoff = chrono::Utc::now() - chrono::Duration::days(90);
    println!("holding a seat, no login since {}:", cutoff.date_naive());
    let mut stale = workflows.inactive_since(cutoff);
    while let Some(user) = stale.try_next().await? {
        if user.access_seat == Some(true) || user.gateway_seat == Some(true) {
            let last = user.last_successful_login.map_or_else(|| "never".to_string(), |t| t.date_naive().to_string());
            println!("  {:<24} last login {last}", user.email.as_deref().unwrap_or("-"));
        }
    }

    println!("\naudit (NDJSON, one row per user):");
    let mut rows = workflows.audit(AuditOptions::default().concurrency(2));
    while let Some(row) = rows.try_next().await? {
        println!("{}", serde_json::to_string(&row)?);
    }
    server.shutdown().await;
    Ok(())
}
