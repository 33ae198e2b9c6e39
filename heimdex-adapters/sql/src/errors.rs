//! Error mapping and the health check, the same for every dialect.

use heimdex_core::queue::ClaimedJob;
use heimdex_core::{Error, Result};
use sqlx::migrate::MigrateError;
use sqlx::{Connection, Database, Pool};

/// A migration failure: a failing statement is mapped like any other query error (`db`), the
/// rest (a missing or changed migration, a newer database) is the adapter's.
pub fn migrate_error(
    adapter: &'static str,
    db: impl FnOnce(sqlx::Error) -> Error,
    err: MigrateError,
) -> Error {
    match err {
        MigrateError::Execute(e) => db(e),
        other => Error::backend(adapter, other),
    }
}

/// Checks that the database answers on a pooled connection.
pub async fn ping<DB: Database>(pool: &Pool<DB>, db: impl Fn(sqlx::Error) -> Error) -> Result<()> {
    let mut conn = pool.acquire().await.map_err(&db)?;
    conn.ping().await.map_err(db)
}

/// `db`'s mapping, with a unique violation said as `message` (e.g. "video … already exists").
pub fn conflict_as(
    db: impl FnOnce(sqlx::Error) -> Error,
    message: String,
) -> impl FnOnce(sqlx::Error) -> Error {
    move |err| match db(err) {
        Error::Conflict(_) => Error::Conflict(message),
        other => other,
    }
}

/// `Ok` when a statement changed a row; otherwise `missing()`, e.g. `NotFound` or a lost lease.
pub(crate) fn require_rows(changed: u64, missing: impl FnOnce() -> Error) -> Result<()> {
    if changed == 0 {
        return Err(missing());
    }
    Ok(())
}

/// `Ok` when a statement fenced by `job`'s lease token changed its row; otherwise the lease is
/// lost (another worker holds the job, or it was finished).
pub fn lease_held(changed: u64, job: &ClaimedJob) -> Result<()> {
    require_rows(changed, || Error::lease_lost(job.job.video))
}

/// `Ok` when a statement keyed by an id changed its row; otherwise `NotFound` (`what()`).
pub fn found(changed: u64, what: impl FnOnce() -> String) -> Result<()> {
    require_rows(changed, || Error::not_found(what()))
}
