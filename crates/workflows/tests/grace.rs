//! Reclamation keeps brand-new people: a user who never logged in is judged by
//! `created_at` with a grace period, against a seeded population, over both backends.

mod common;

use cfzt_fake_server::{FakeServer, Population};
use cfzt_models::{CreateUserParams, SeatChange};
use cfzt_workflows::{DEFAULT_NEW_USER_GRACE_DAYS, ReclaimOptions};
use common::{account, backends, workflows};
use futures_util::TryStreamExt;

#[tokio::test]
async fn someone_added_yesterday_keeps_their_seat_and_the_grace_is_configurable() {
    for (backend, transport) in backends() {
        let server = FakeServer::builder().empty().start().await.unwrap();
        let population = server.populate(&account(), &Population::new(600).seed(5));
        let wf = workflows(&server, &transport);
        // A new hire, created now, holding a seat, not logged in yet.
        let new = server.add_user(&account(), CreateUserParams::new("new.hire@example.com").name("New Hire")).unwrap();
        wf.users().edit_seats(vec![SeatChange::new(new.seat_uid.clone().unwrap(), true, false)]).await.unwrap();

        let now = chrono::Utc::now();
        let cutoff = now - chrono::Duration::days(90);
        let planned = |plan: &cfzt_workflows::Plan, email: &str| plan.people.iter().any(|p| p.email == email);
        let plan = wf.plan_reclaim(cutoff, ReclaimOptions::default()).await.unwrap();
        assert!(!planned(&plan, "new.hire@example.com"), "{backend}");
        assert!(!wf.inactive_since(cutoff).try_collect::<Vec<_>>().await.unwrap().iter().any(|u| u.id == new.id));

        // Never logged in and created longer ago than the grace: reclaimed, as seated users.
        let grace = chrono::Duration::days(i64::from(DEFAULT_NEW_USER_GRACE_DAYS));
        let want = population
            .iter()
            .filter(|u| u.access_seat == Some(true) || u.gateway_seat == Some(true))
            .filter(|u| match u.last_successful_login {
                Some(at) => at < cutoff,
                None => u.created_at.unwrap() < now - grace,
            })
            .count();
        assert_eq!(plan.people.len(), want, "{backend}");
        assert!(population.iter().any(|u| u.last_successful_login.is_none() && u.created_at.unwrap() > now - grace));

        // With no grace, the new hire is planned like anyone who never logged in.
        let options = ReclaimOptions::default().new_user_grace(chrono::Duration::zero());
        let plan = wf.plan_reclaim(cutoff, options).await.unwrap();
        assert!(planned(&plan, "new.hire@example.com"), "{backend}");
        assert!(plan.people.len() > want, "{backend}");
    }
}
