//! The API's objects as rows: their stable CSV columns and what a table shows of them.

use cfzt_access_users::{ActiveSession, ActiveSessionDetail, FailedLogin, Identity, User};
use cfzt_models::Timestamp;
use chrono::SecondsFormat;
use serde::Serialize;

use super::Record;

/// A timestamp as RFC 3339 in UTC, with the fraction the API gave.
pub(crate) fn fmt_time(t: &Timestamp) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Seconds since the epoch (as the session objects carry them) as RFC 3339, or the number
/// itself when it is out of range.
fn epoch(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0).map_or_else(|| seconds.to_string(), |t| fmt_time(&t))
}

fn text<T: ToString>(v: Option<T>) -> Option<String> {
    v.map(|v| v.to_string())
}

impl Record for User {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "email",
        "name",
        "access_seat",
        "gateway_seat",
        "active_device_count",
        "last_successful_login",
        "created_at",
        "updated_at",
        "seat_uid",
        "uid",
    ];
    const TABLE_COLUMNS: &'static [&'static str] =
        &["id", "email", "name", "access_seat", "gateway_seat", "last_successful_login"];

    fn cells(&self) -> Vec<Option<String>> {
        vec![
            self.id.clone(),
            self.email.clone(),
            self.name.clone(),
            text(self.access_seat),
            text(self.gateway_seat),
            text(self.active_device_count),
            self.last_successful_login.as_ref().map(fmt_time),
            self.created_at.as_ref().map(fmt_time),
            self.updated_at.as_ref().map(fmt_time),
            self.seat_uid.clone(),
            self.uid.clone(),
        ]
    }
}

impl Record for ActiveSession {
    const COLUMNS: &'static [&'static str] = &["nonce", "name", "issued_at", "expires_at", "ttl", "apps"];

    fn cells(&self) -> Vec<Option<String>> {
        let meta = self.metadata.as_ref();
        let apps = meta.and_then(|m| m.apps.as_ref()).map(|apps| {
            let mut names: Vec<&str> =
                apps.values().filter_map(|a| a.hostname.as_deref().or(a.name.as_deref())).collect();
            names.sort_unstable();
            names.join(";")
        });
        vec![
            meta.and_then(|m| m.nonce.clone()),
            self.name.clone(),
            meta.and_then(|m| m.iat).map(epoch),
            meta.and_then(|m| m.expires).or(self.expiration).map(epoch),
            text(meta.and_then(|m| m.ttl)),
            apps,
        ]
    }
}

/// The columns of an identity, shared by `identity` and `sessions get`.
const IDENTITY_COLUMNS: [&str; 11] = [
    "email",
    "user_uuid",
    "ip",
    "country",
    "idp_type",
    "idp_id",
    "device_id",
    "is_warp",
    "is_gateway",
    "auth_status",
    "issued_at",
];

fn identity_cells(i: &Identity) -> Vec<Option<String>> {
    #[allow(clippy::cast_possible_truncation)] // Seconds since the epoch fit an i64.
    let iat = i.iat.filter(|s| s.is_finite()).map(|s| epoch(s as i64));
    vec![
        i.email.clone(),
        i.user_uuid.clone(),
        i.ip.clone(),
        i.geo.as_ref().and_then(|g| g.country.clone()),
        i.idp.as_ref().and_then(|p| p.idp_type.clone()),
        i.idp.as_ref().and_then(|p| p.id.clone()),
        i.device_id.clone().filter(|d| !d.is_empty()),
        text(i.is_warp),
        text(i.is_gateway),
        i.auth_status.clone(),
        iat,
    ]
}

impl Record for Identity {
    const COLUMNS: &'static [&'static str] = &IDENTITY_COLUMNS;

    fn cells(&self) -> Vec<Option<String>> {
        identity_cells(self)
    }
}

/// The columns of `sessions get`: whether the session is active, then the identity's.
const SESSION_DETAIL_COLUMNS: [&str; IDENTITY_COLUMNS.len() + 1] = {
    let mut columns = ["is_active"; IDENTITY_COLUMNS.len() + 1];
    let mut i = 0;
    while i < IDENTITY_COLUMNS.len() {
        columns[i + 1] = IDENTITY_COLUMNS[i];
        i += 1;
    }
    columns
};

impl Record for ActiveSessionDetail {
    const COLUMNS: &'static [&'static str] = &SESSION_DETAIL_COLUMNS;

    fn cells(&self) -> Vec<Option<String>> {
        let mut cells = vec![text(self.is_active)];
        cells.extend(identity_cells(&self.identity));
        cells
    }
}

impl Record for FailedLogin {
    const COLUMNS: &'static [&'static str] =
        &["datetime", "app_name", "user_email", "user_uuid", "ray_id", "expiration", "metadata"];
    const TABLE_COLUMNS: &'static [&'static str] = &["datetime", "app_name", "user_email", "ray_id"];

    fn cells(&self) -> Vec<Option<String>> {
        let field = |key: &str| {
            self.metadata.as_ref().and_then(|m| m.get(key)).map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
        };
        vec![
            field("datetime"),
            field("app_name"),
            field("user_email"),
            field("user_uuid"),
            field("ray_id"),
            text(self.expiration),
            self.metadata.as_ref().map(serde_json::Value::to_string),
        ]
    }
}

/// What `users delete` prints: the id of the user that is gone.
#[derive(Debug, Serialize)]
pub(crate) struct DeletedUser {
    pub(crate) id: String,
    pub(crate) deleted: bool,
}

impl Record for DeletedUser {
    const COLUMNS: &'static [&'static str] = &["id", "deleted"];

    fn cells(&self) -> Vec<Option<String>> {
        vec![Some(self.id.clone()), Some(self.deleted.to_string())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cfzt_models::examples;

    fn assert_shape<R: Record>(record: &R) {
        assert_eq!(record.cells().len(), R::COLUMNS.len());
        for c in R::TABLE_COLUMNS {
            assert!(R::COLUMNS.contains(c), "{c}");
        }
    }

    #[test]
    fn every_record_has_one_cell_per_column() {
        let user: User = serde_json::from_str(examples::USER).unwrap();
        assert_shape(&user);
        assert_shape(&User::default());
        let session: ActiveSession = serde_json::from_str(examples::ACTIVE_SESSION).unwrap();
        assert_shape(&session);
        assert_eq!(session.cells()[5].as_deref(), Some("test.example.com"));
        assert_eq!(session.cells()[3].as_deref(), Some("2023-09-15T21:31:46Z"));
        let detail: ActiveSessionDetail = serde_json::from_str(examples::ACTIVE_SESSION_DETAIL).unwrap();
        assert_shape(&detail);
        let identity: Identity = serde_json::from_str(examples::IDENTITY).unwrap();
        assert_shape(&identity);
        let login: FailedLogin = serde_json::from_str(examples::FAILED_LOGIN).unwrap();
        assert_shape(&login);
        assert_eq!(login.cells()[1].as_deref(), Some("Test App"));
        assert_shape(&DeletedUser { id: "x".into(), deleted: true });
    }

    #[test]
    fn out_of_range_epochs_stay_numbers() {
        assert_eq!(epoch(i64::MAX), i64::MAX.to_string());
        assert_eq!(epoch(0), "1970-01-01T00:00:00Z");
    }
}
