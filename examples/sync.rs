//! Keeping Access in line with a roster: a roster from CSV, a plan, a tripped guard, a
//! reviewed plan applied from its file, and a second run with no drift. Runs against a
//! fake server started in-process holding 2,000 seeded users; no account, no network:
//!
//! ```sh
//! cargo run --example sync --features workflows
//! ```

use std::error::Error;

use cfzt::workflows::{
    ApplyOptions, ColumnMap, ExtraAction, Protected, RemovalLimit, Roster, SyncError, SyncOptions, SyncPlan, Workflows,
};
use cfzt::{AccountId, Client};
use cfzt_fake_server::{DEMO_ACCOUNT_ID, FakeServer, Population};

#[tokio::main]
pub(crate) async fn main() -> Result<(), Box<dyn Error>> {
    let server = FakeServer::builder().empty().start().await?;
    let account: AccountId = DEMO_ACCOUNT_ID.parse()?;
    let users = server.populate(&account, &Population::new(2000).seed(7));
    let client = Client::builder().base_url(server.base_url()).api_token("sync-token").build()?;
    let workflows = Workflows::new(client.users(&account));

    // HR's export: 28 people left (one still listed, marked Terminated), one changed their name.
    let mut csv = String::from("Work Email,Full Name,Status\n");
    for (i, user) in users.iter().enumerate().skip(28) {
        let name = user.name.clone().unwrap_or_default();
        let name = if i == 100 { format!("{name}-Smith") } else { name };
        csv.push_str(&format!("{},\"{name}\",Active\n", user.email.as_deref().unwrap_or_default()));
    }
    csv.push_str(&format!("{},x,Terminated\n", users[0].email.as_deref().unwrap_or_default()));
    let map = ColumnMap::new("Work Email").name("Full Name").active("Status", "Active");
    let roster = Roster::from_csv(csv.as_bytes(), &map)?;
    // Break-glass account: never touched, whatever the roster says.
    let protect = Protected::default().email(users[1].email.clone().unwrap_or_default());

    // A tight removal limit trips: the whole plan is refused, nothing is changed.
    let strict = SyncOptions::default()
        .extra(ExtraAction::Delete)
        .protect(protect.clone())
        .max_removals([RemovalLimit::Count(10)]);
    match workflows.plan_sync(&roster, &strict).await {
        Err(e @ SyncError::RemovalLimit { .. }) => println!("guard: {e}\n"),
        other => return Err(format!("the removal limit should trip, got {other:?}").into()),
    }

    // Within the default limit (10% of the users): the plan, written to a file for review.
    let options = SyncOptions::default().extra(ExtraAction::Delete).protect(protect);
    let plan = workflows.plan_sync(&roster, &options).await?;
    println!("{plan}\n");
    let file = std::env::temp_dir().join(format!("cfzt-sync-example-{}.json", std::process::id()));
    std::fs::write(&file, serde_json::to_string_pretty(&plan)?)?;

    // Reviewed, applied from the file: the users are read again and must match the plan.
    let reviewed: SyncPlan = serde_json::from_str(&std::fs::read_to_string(&file)?)?;
    std::fs::remove_file(&file)?;
    let report = workflows.apply_sync(&reviewed, ApplyOptions::default()).await?;
    println!("sync: {} done, {} failed\n", report.done(), report.failed());
    if report.failed() > 0 {
        return Err("some changes failed; apply the plan again to retry".into());
    }

    // The next night: no drift (only the protected account, reported as untouched).
    let again = workflows.plan_sync(&roster, &options).await?;
    println!("second run: {again}");
    server.shutdown().await;
    if again.has_drift() {
        return Err("the second run should find no drift".into());
    }
    Ok(())
}
