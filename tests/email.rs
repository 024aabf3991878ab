//! An email the models refuse is never sent: over both backends, the fake server's journal
//! stays empty for the call, and the error names the `email` field.

mod common;

use cfzt::{CreateUserParams, UpdateUserParams, UserId};
use cfzt_fake_server::{DEMO_USER_ID, FakeServer};
use common::{backends, demo_account, fast_client};
use futures_util::TryStreamExt;

const BAD: &[&str] = &[
    "jdoe\0@example.com",
    "jdoe@example.com\r\nBcc: all@example.com",
    "jdoe@example.com\n",
    "jdoe@exa\tmple.com",
    " jdoe@example.com",
    "jdoe@example.com\u{a0}",
    "jdoe@example.com\u{7f}",
];

#[tokio::test]
async fn a_bad_email_is_refused_and_nothing_is_sent() {
    for (backend, transport) in backends() {
        let server = FakeServer::start().await.unwrap();
        let users = fast_client(server.base_url(), &transport).users(&demo_account());
        let jane: UserId = DEMO_USER_ID.parse().unwrap();
        let before = server.journal().len();
        for email in BAD {
            let case = format!("{backend}: {email:?}");
            let errors = [
                users.create(CreateUserParams::new(*email)).await.map(drop),
                users.create(CreateUserParams::new(*email).name("Jane")).await.map(drop),
                users.update(&jane, UpdateUserParams::new(*email, "Jane")).await.map(drop),
                users.list().email(*email).items().try_collect::<Vec<_>>().await.map(drop),
            ];
            for (i, result) in errors.into_iter().enumerate() {
                let err = result.expect_err(&case);
                assert!(err.is_validation(), "{case} call {i}: {err:?}");
                let cfzt::Error::Validation(v) = &err else { unreachable!() };
                assert_eq!(v.field(), "email", "{case} call {i}");
                assert!(!err.to_string().chars().any(char::is_control), "{case}: the message holds a raw control");
            }
        }
        assert_eq!(server.journal().len(), before, "{backend}: a refused email reached the server");
        // The rule is not a wall: a good email goes through, so the journal can grow.
        users.create(CreateUserParams::new("good@example.com")).await.unwrap();
        assert_eq!(server.journal().len(), before + 1, "{backend}");
    }
}
