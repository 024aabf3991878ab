//! Every public future and stream of every crate can be handed to `tokio::spawn`: it is
//! `Send` and `'static` once its inputs are owned. A regression (a future that holds a
//! non-`Send` value across an await, or a closure whose lifetimes are not general enough)
//! fails to compile here. The calls also run, against the fake server, so each spawned
//! future is seen to finish.

mod common;

use std::sync::Arc;

use cfzt::transport::bytes::Bytes;
use cfzt::transport::http::{HeaderMap, StatusCode};
use cfzt::transport::{HttpTransport, LocalBudget, Observation, Request, RequestBudget, RetryTransport};
use cfzt::workflows::{ApplyOptions, AuditOptions, OffboardOptions, ReclaimOptions, Workflows};
use cfzt::{CreateUserParams, RevokeUserParams, SeatChange, UserId};
use cfzt_fake_server::{DEMO_SESSION_NONCE, DEMO_USER_EMAIL, DEMO_USER_ID, FakeServer};
use common::{backends, demo_account, fast_client};
use futures_util::{StreamExt, TryStreamExt};

/// Runs `future` on a task of its own and returns its output.
async fn spawned<F>(future: F) -> F::Output
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    tokio::spawn(future).await.expect("the task finishes")
}

#[tokio::test]
async fn every_public_future_of_the_client_can_be_spawned() {
    for (_, transport) in backends() {
        let server = spawned(FakeServer::builder().start()).await.unwrap();
        let users = fast_client(server.base_url(), &transport).users(&demo_account());
        let jane: UserId = DEMO_USER_ID.parse().unwrap();
        let nonce = DEMO_SESSION_NONCE.parse().unwrap();

        spawned(users.get(&jane).send()).await.unwrap();
        spawned(users.get(&jane).send_with_response()).await.unwrap();
        spawned(users.get(&jane).into_future()).await.unwrap();
        spawned(users.list().send()).await.unwrap();
        spawned(users.list().send_with_response()).await.unwrap();
        spawned(users.list().into_future()).await.unwrap();
        spawned(users.list().pages().try_collect::<Vec<_>>()).await.unwrap();
        spawned(users.list().items().try_collect::<Vec<_>>()).await.unwrap();
        spawned(users.active_sessions(&jane).list().into_future()).await.unwrap();
        spawned(users.active_sessions(&jane).get(&nonce).into_future()).await.unwrap();
        spawned(users.failed_logins(&jane).into_future()).await.unwrap();
        spawned(users.last_seen_identity(&jane).into_future()).await.unwrap();
        let created = spawned(users.create(CreateUserParams::new("spawned@example.com")).into_future()).await.unwrap();
        let id = created.user_id().unwrap();
        spawned(users.edit_seats(vec![SeatChange::free("seat_uid_2")]).send()).await.unwrap();
        spawned(users.edit_seats(vec![SeatChange::free("seat_uid_2")]).into_future()).await.unwrap();
        spawned(users.revoke_user(RevokeUserParams::new(DEMO_USER_EMAIL)).into_future()).await.unwrap();
        spawned(users.delete(&id).into_future()).await.unwrap();
        spawned(server.shutdown()).await;
    }
}

#[tokio::test]
async fn every_public_future_of_the_workflows_can_be_spawned() {
    for (backend, transport) in backends() {
        let server = spawned(FakeServer::start()).await.unwrap();
        let workflows = Workflows::new(fast_client(server.base_url(), &transport).users(&demo_account()));

        let wf = workflows.clone();
        spawned(async move { wf.find_by_email(DEMO_USER_EMAIL).await }).await.unwrap();
        let wf = workflows.clone();
        spawned(async move { wf.seat_counts().await }).await.unwrap();
        let wf = workflows.clone();
        spawned(async move { wf.ensure_user("new@example.com", Some("New")).await }).await.unwrap();
        spawned(workflows.inactive_since(cutoff()).try_collect::<Vec<_>>()).await.unwrap();
        spawned(workflows.audit(AuditOptions::default()).collect::<Vec<_>>()).await;

        let wf = workflows.clone();
        let plan =
            spawned(async move { wf.plan_offboard([DEMO_USER_EMAIL], OffboardOptions::default().delete(true)).await })
                .await;
        // The future this issue was about: apply, spawned with the plan borrowed inside.
        let wf = workflows.clone();
        let report = spawned(async move { wf.apply(&plan, ApplyOptions::default()).await }).await;
        assert_eq!(report.people_failed(), 0, "{backend}: {report}");

        let wf = workflows.clone();
        let plan = spawned(async move { wf.plan_reclaim(cutoff(), ReclaimOptions::default()).await }).await.unwrap();
        // The stream of people owns what it needs.
        spawned(workflows.apply_stream(&plan, ApplyOptions::default()).collect::<Vec<_>>()).await;
        let wf = workflows.clone();
        spawned(async move { wf.apply(&plan, ApplyOptions::default().concurrency(2)).await }).await;
    }
}

#[tokio::test]
async fn the_transport_and_budget_futures_can_be_spawned() {
    let server = FakeServer::start().await.unwrap();
    for (backend, transport) in backends() {
        let url = format!("{}/accounts/{}/access/users", server.base_url(), demo_account());
        let request = || -> Request {
            cfzt::transport::http::Request::get(url.as_str())
                .header("authorization", "Bearer t")
                .body(Bytes::new())
                .unwrap()
        };
        let inner = transport.clone();
        let request_one = request();
        spawned(async move { inner.send(request_one).await }).await.unwrap();
        let retrying = Arc::new(RetryTransport::new(transport.clone()));
        let retry = retrying.clone();
        let request_two = request();
        let (answer, attempts) = spawned(async move { retry.send_counted(request_two).await }).await;
        assert!(answer.is_ok() && attempts == 1, "{backend}");
        let retry = retrying.clone();
        let request_three = request();
        spawned(async move { retry.send(request_three).await }).await.unwrap();

        let budget: Arc<dyn RequestBudget> = Arc::new(LocalBudget::default());
        let b = budget.clone();
        spawned(async move { b.acquire(None).await }).await.unwrap();
        let b = budget.clone();
        spawned(async move { b.observe(&Observation::new(StatusCode::OK, &HeaderMap::new())).await }).await;
    }
}

/// A reclamation cutoff after every login of the demo data.
fn cutoff() -> cfzt::models::Timestamp {
    "2100-01-01T00:00:00Z".parse().unwrap()
}
