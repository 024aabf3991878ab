//! The API's types alone: parse what the API sends, check ids before using them.

use cfzt_models::{AccountId, Envelope, User, UserId};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let body = r#"{"success":true,"errors":[],"messages":[],
      "result":{"id":"f174e90a-fafe-4643-bbbc-4a0ed4fc8415","email":"jdoe@example.com","name":"Jane Doe","new":1}}"#;
    let envelope: Envelope<User> = serde_json::from_str(body)?;
    let user = envelope.result.ok_or("no result")?;
    assert_eq!(user.email.as_deref(), Some("jdoe@example.com"));

    let _: AccountId = "023e105f4ecef8ad9ca31a8372d0c353".parse()?;
    let refused = "not-a-uuid".parse::<UserId>().unwrap_err();
    println!("models-only: {:?}; \"not-a-uuid\" refused: {refused}", user.name);
    Ok(())
}
