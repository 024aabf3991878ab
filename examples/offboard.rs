//! Offboarding leavers by email: plan, print the plan, apply it, print the report, apply
//! it again (nothing left to do). Runs against a fake server started in-process; no
//! account, no network, no arguments:
//!
//! ```sh
//! cargo run --example offboard
//! ```
//!
//! Swap the client for `Client::from_env()` and the same code offboards on a real account
//! (the token then needs Access users, seats and organization write permissions).

use std::error::Error;

use cfzt::workflows::{ApplyOptions, OffboardOptions, Workflows};
use cfzt::{AccountId, Client};
use cfzt_fake_server::{DEMO_ACCOUNT_ID, FakeServer};

#[tokio::main]
pub(crate) async fn main() -> Result<(), Box<dyn Error>> {
    let server = FakeServer::start().await?;
    let client = Client::builder().base_url(server.base_url()).api_token("offboard-token").build()?;
    let account: AccountId = DEMO_ACCOUNT_ID.parse()?;
    let workflows = Workflows::new(client.users(&account));

    // Jane has an active session, Alice an Access seat, Richard a Gateway seat; nobody is
    // not a user at all. Their seats are freed and their records deleted.
    let leavers = ["JDoe@example.com", "asmith@example.com", "rroe@example.com", "nobody@example.com"];
    let plan = workflows.plan_offboard(leavers, OffboardOptions::default().delete(true)).await;
    println!("{plan}\n");
    // A plan is data: it can be stored and applied later, after review.
    println!("as JSON: {}\n", serde_json::to_string(&plan)?);

    let options = ApplyOptions::default()
        .concurrency(2)
        .on_progress(|p| println!("  progress: {}/{} done, {} failed", p.done, p.total, p.failed));
    let report = workflows.apply(&plan, options).await;
    println!("\n{report}\n");
    if report.people_failed() > 0 {
        return Err("some people could not be offboarded; apply the plan again to retry".into());
    }

    let again = workflows.apply(&plan, ApplyOptions::default()).await;
    println!("applied again: {}", if again.is_noop() { "nothing to do" } else { "something changed?!" });
    println!("{again}");
    server.shutdown().await;
    if !again.is_noop() {
        return Err("the second apply should find nothing to do".into());
    }
    Ok(())
}
