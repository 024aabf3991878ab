//! Load with faults: one client sends 20,000 updates, 64 in flight, to the fake server
//! while it fails a seeded 5% of them with 503 or 429 (`Retry-After: 0`). Every call must
//! end in success, and the server's journal must show each update applied exactly once.

mod common;

use std::collections::HashSet;
use std::future::IntoFuture;
use std::sync::Arc;
use std::time::Duration;

use cfzt::transport::RetryPolicy;
use cfzt::{CreateUserParams, UpdateUserParams, User};
use cfzt_fake_server::{FakeServer, Fault, FaultRule, Operation, Route, Times};
use common::{backends, builder, demo_account};
use futures_util::{StreamExt, TryStreamExt, stream};

const UPDATES: usize = 20_000;
const IN_FLIGHT: usize = 64;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_thousand_updates_through_five_percent_faults() {
    let (backend, transport) = backends().remove(0);
    let server = FakeServer::builder().empty().start().await.unwrap();
    let client = builder(server.base_url(), &transport)
        .retry_policy(
            RetryPolicy::default().max_retries(5).backoff(Duration::from_millis(1), Duration::from_millis(20)),
        )
        .build()
        .unwrap();
    let users = client.users(&demo_account());

    // Creates under rate limiting only: a refused (429) POST is safe to retry.
    server.inject(
        FaultRule::new(Route::Operation(Operation::CreateUser), Fault::rate_limited(0))
            .times(Times::Fraction { probability: 0.05, seed: 1 }),
    );
    let created: Vec<User> = stream::iter(0..IN_FLIGHT)
        .map(|i| users.create(CreateUserParams::new(format!("load{i}@example.com")).name("start")).into_future())
        .buffer_unordered(IN_FLIGHT)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(server.users(&demo_account()).len(), IN_FLIGHT, "{backend}: no create lost or duplicated");
    server.clear_faults();
    server.clear_journal();

    server.inject(
        FaultRule::new(Route::Operation(Operation::UpdateUser), Fault::status(503))
            .times(Times::Fraction { probability: 0.025, seed: 2 }),
    );
    server.inject(
        FaultRule::new(Route::Operation(Operation::UpdateUser), Fault::rate_limited(0))
            .times(Times::Fraction { probability: 0.025, seed: 3 }),
    );
    let created = Arc::new(created);
    let results: Vec<_> = stream::iter(0..UPDATES)
        .map(|n| {
            let user = &created[n % IN_FLIGHT];
            let id = user.user_id().unwrap();
            let params = UpdateUserParams::new(user.email.clone().unwrap(), format!("name-{n}"));
            users.update(&id, params).into_future()
        })
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;
    let failures: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(failures.is_empty(), "{backend}: {} calls failed, first: {:?}", failures.len(), failures.first());

    let journal = server.journal();
    let faulted = journal.iter().filter(|e| e.faulted).count();
    let applied: Vec<String> = journal
        .iter()
        .filter(|e| e.operation == Some(Operation::UpdateUser) && !e.faulted && e.status == 200)
        .map(|e| e.body_json().unwrap()["name"].as_str().unwrap().to_string())
        .collect();
    let distinct: HashSet<&String> = applied.iter().collect();
    assert_eq!(applied.len(), UPDATES, "{backend}: each update applied once");
    assert_eq!(distinct.len(), UPDATES, "{backend}: no update applied twice");
    assert!(faulted > UPDATES / 40, "{backend}: the faults fired ({faulted})");
    println!("{backend}: {UPDATES} updates, {faulted} faulted attempts retried");
}
