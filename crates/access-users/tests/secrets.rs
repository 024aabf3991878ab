//! No secret a client holds appears in its `Debug` or `Display`, nor in an error's.

mod support;

use cfzt_access_users::Client;
use cfzt_transport::test_util::infallible_transport;

use support::*;

/// A sentinel secret never shows in any Debug or Display output.
#[tokio::test]
async fn secrets_never_appear_in_debug_or_display() {
    const SENTINEL: &str = "SENTINEL-s3cr3t-9f8e7d";
    let builders =
        [Client::builder().api_token(SENTINEL), Client::builder().global_api_key("admin@example.com", SENTINEL)];
    for builder in builders {
        let mut outputs = vec![format!("{builder:?}")];
        let transport = infallible_transport(|req| {
            // What a careless transport might log.
            assert!(!format!("{req:?}").contains(SENTINEL));
            response(
                401,
                "application/json",
                r#"{"success":false,"errors":[{"code":10000,"message":"Authentication error"}]}"#,
            )
        });
        let client = builder.transport(transport).build().unwrap();
        outputs.push(format!("{client:?}"));
        let u = users(&client);
        outputs.push(format!("{:?}", u.get(&user_id())));
        let err = u.get(&user_id()).await.unwrap_err();
        outputs.push(format!("{err:?}"));
        outputs.push(format!("{err}"));
        for out in outputs {
            assert!(!out.contains(SENTINEL), "leaked in {out}");
        }
    }
    let bad = Client::builder().api_token(format!("{SENTINEL}\n")).build().unwrap_err();
    assert!(!format!("{bad:?}{bad}").contains(SENTINEL));
}
