//! The quickstart: every operation of the Access Users API against a fake server started
//! in-process. No account, no network, no arguments:
//!
//! ```sh
//! cargo run --example quickstart
//! ```
//!
//! Swap `Client::builder().base_url(server.base_url()).api_token(...)` for
//! `Client::from_env()` and the same code runs against Cloudflare.

use std::error::Error;

use cfzt::{AccountId, Client, CreateUserParams, SessionNonce, UpdateUserParams, UserId};
use cfzt_fake_server::{DEMO_ACCOUNT_ID, DEMO_SESSION_NONCE, DEMO_USER_ID, FakeServer};
use futures_util::TryStreamExt;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // `Display` names what happened; each `source()` adds the layer below it, down
            // to the operating system's own words.
            eprintln!("error: {e}");
            let mut source = e.source();
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn Error>> {
    let server = FakeServer::start().await?;
    println!("fake Access Users API at {}\n", server.base_url());

    let client = Client::builder().base_url(server.base_url()).api_token("quickstart-token").build()?;
    let account: AccountId = DEMO_ACCOUNT_ID.parse()?;
    let users = client.users(&account);

    println!("POST   create a user");
    let created = users.create(CreateUserParams::new("quinn@example.com").name("Quinn Start")).await?;
    let id = created.user_id()?;
    println!("       -> {} {:?} <{}>\n", id, name(&created.name), name(&created.email));

    println!("PUT    rename them, confirming with their current email");
    let renamed = users.update(&id, UpdateUserParams::new("quinn@example.com", "Quinn Q. Start")).await?;
    println!("       -> name is now {:?}\n", name(&renamed.name));

    println!("GET    read them back");
    let fetched = users.get(&id).send_with_response().await?;
    println!(
        "       -> HTTP {} cf-ray {} {:?}\n",
        fetched.status.as_u16(),
        fetched.cf_ray().unwrap_or("-"),
        name(&fetched.result.name)
    );

    println!("GET    list every user, two per page, as one stream");
    let everyone: Vec<_> = users.list().per_page(2).items().try_collect().await?;
    for user in &everyone {
        println!("       - {:<28} {}", name(&user.email), name(&user.name));
    }
    println!("       -> {} users\n", everyone.len());

    let jane: UserId = DEMO_USER_ID.parse()?;
    println!("GET    Jane's active sessions");
    let sessions = users.active_sessions(&jane).list().await?;
    for session in &sessions {
        let nonce = session.metadata.as_ref().and_then(|m| m.nonce.as_deref()).unwrap_or("-");
        let expires = session.expiration.map_or("-".to_string(), |t| t.to_string());
        println!("       - {} (nonce {nonce}, expires at {expires})", name(&session.name));
    }
    let nonce: SessionNonce = DEMO_SESSION_NONCE.parse()?;
    let detail = users.active_sessions(&jane).get(&nonce).await?;
    let active = if detail.is_active == Some(true) { "active" } else { "not active" };
    println!("       -> session {nonce} is {active}, from {}\n", name(&detail.identity.ip));

    println!("GET    Jane's last seen identity");
    let identity = users.last_seen_identity(&jane).await?;
    let idp = identity.idp.as_ref().and_then(|i| i.idp_type.as_deref()).unwrap_or("-");
    println!("       -> {} via {idp} from {}\n", name(&identity.email), name(&identity.ip));

    println!("GET    Jane's failed logins");
    let failures = users.failed_logins(&jane).await?;
    for login in &failures {
        let app = login.metadata.as_ref().and_then(|m| m.get("app_name")).and_then(|v| v.as_str()).unwrap_or("-");
        println!("       - {app}");
    }
    println!("       -> {} failed logins\n", failures.len());

    println!("DELETE remove Quinn (this also revokes their seats and tokens)");
    users.delete(&id).await?;
    match users.get(&id).await {
        Err(e) if e.is_not_found() => println!("       -> gone: {e}\n"),
        other => return Err(format!("expected not found, got {other:?}").into()),
    }

    println!("done: 9 operations, {} requests served", server.journal().len());
    Ok(())
}

fn name(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("-")
}
