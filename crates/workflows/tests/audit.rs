//! The audit export against the fake server: one row per user, joined and flattened.

mod common;

use cfzt_fake_server::{DEMO_USER_EMAIL, FakeServer, Fault, FaultRule, Route};
use cfzt_workflows::{AuditOptions, AuditRow};
use common::{backends, workflows};
use futures_util::StreamExt;

#[tokio::test]
async fn one_row_per_user_with_sessions_failed_logins_and_identity() {
    for (backend, transport) in backends() {
        let server = FakeServer::start().await.unwrap();
        let wf = workflows(&server, &transport);
        let rows: Vec<AuditRow> =
            wf.audit(AuditOptions::default().concurrency(3)).map(Result::unwrap).collect::<Vec<_>>().await;
        assert_eq!(rows.len(), 5, "{backend}");
        // In list order; Jane first, with everything the demo data gives her.
        let jane = &rows[0];
        assert_eq!(jane.email.as_deref(), Some(DEMO_USER_EMAIL), "{backend}");
        assert_eq!(
            (jane.active_sessions, jane.session_apps.as_deref()),
            (Some(1), Some("test.example.com")),
            "{backend}"
        );
        assert_eq!(jane.failed_logins, Some(1), "{backend}");
        assert_eq!(jane.last_failed_login.as_deref(), Some("2022-02-02T21:54:34.914Z"), "{backend}");
        assert_eq!(jane.last_seen_ip.as_deref(), Some("127.0.0.0"), "{backend}");
        assert_eq!(jane.last_seen_country.as_deref(), Some("US"), "{backend}");
        assert_eq!(jane.last_seen_idp.as_deref(), Some("onetimepin"), "{backend}");
        // The others have no identity (404): empty columns, not an error.
        let rroe = &rows[1];
        let rroe_parts = (rroe.active_sessions, rroe.failed_logins, rroe.last_seen_ip.as_ref());
        assert_eq!(rroe_parts, (Some(0), Some(0), None), "{backend}");
        assert_eq!(rroe.gateway_seat, Some(true), "{backend}");
        // Flat: every value of a row is a scalar, ready for a CSV record.
        let json = serde_json::to_value(jane).unwrap();
        assert!(json.as_object().unwrap().values().all(|v| !v.is_array() && !v.is_object()), "{backend}: {json}");
    }
}

#[tokio::test]
async fn only_the_parts_asked_for_are_requested() {
    for (backend, transport) in backends() {
        let server = FakeServer::start().await.unwrap();
        let wf = workflows(&server, &transport);
        let options = AuditOptions::default().failed_logins(false).identity(false);
        let rows: Vec<AuditRow> = wf.audit(options).map(Result::unwrap).collect::<Vec<_>>().await;
        assert_eq!(rows.len(), 5, "{backend}");
        let jane = &rows[0];
        assert_eq!(
            (jane.active_sessions, jane.session_apps.as_deref()),
            (Some(1), Some("test.example.com")),
            "{backend}"
        );
        assert_eq!((jane.failed_logins, jane.last_failed_login.as_ref()), (None, None), "{backend}");
        assert_eq!(jane.last_seen_ip, None, "{backend}");
        // One page of users, then one sessions call per user: nothing else was sent.
        let paths: Vec<String> = server.journal().into_iter().map(|entry| entry.path).collect();
        assert_eq!(paths.len(), 1 + 5, "{backend}: {paths:?}");
        assert_eq!(paths.iter().filter(|p| p.ends_with("/active_sessions")).count(), 5, "{backend}: {paths:?}");

        // Nothing but the users: one request.
        server.clear_journal();
        let options = AuditOptions::default().sessions(false).failed_logins(false).identity(false);
        let rows: Vec<AuditRow> = wf.audit(options).map(Result::unwrap).collect::<Vec<_>>().await;
        assert_eq!((rows.len(), rows[0].active_sessions), (5, None), "{backend}");
        assert_eq!(server.journal().len(), 1, "{backend}");
    }
}

#[tokio::test]
async fn a_user_whose_details_fail_is_one_error_row_and_the_rest_follow() {
    for (backend, transport) in backends() {
        let server = FakeServer::start().await.unwrap();
        let wf = workflows(&server, &transport);
        // Alice's failed logins cannot be read.
        server.inject(FaultRule::new(
            Route::Path("7c9e6679-7425-40de-944b-e07fc1f90ae7/failed_logins".into()),
            Fault::status(403),
        ));
        let rows: Vec<_> = wf.audit(AuditOptions::default()).collect().await;
        assert_eq!(rows.len(), 5, "{backend}");
        assert_eq!(rows.iter().filter(|r| r.is_err()).count(), 1, "{backend}");
        assert!(rows[2].as_ref().is_err_and(|e| e.as_api().is_some_and(|e| e.is_auth())), "{backend}: {:?}", rows[2]);
    }
}
