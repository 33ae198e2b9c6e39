//! How SQLite and migration failures become [`heimdex_core::Error`].

use heimdex_core::Error;
use sqlx::error::ErrorKind;

/// The adapter name carried by [`Error::Unavailable`] and [`Error::Backend`].
pub(crate) const ADAPTER: &str = "embedded";

/// Maps a sqlx error: constraint violations become `Conflict`/`InvalidInput`, a busy or
/// unreachable database becomes `Unavailable` (retrying may work), anything else `Backend`.
pub(crate) fn db(err: sqlx::Error) -> Error {
    match &err {
        sqlx::Error::Database(e) => match e.kind() {
            ErrorKind::UniqueViolation => Error::Conflict(e.message().to_owned()),
            ErrorKind::ForeignKeyViolation
            | ErrorKind::NotNullViolation
            | ErrorKind::CheckViolation => Error::invalid(e.message().to_owned()),
            _ if is_busy(e.code().as_deref()) => Error::unavailable(ADAPTER, err),
            _ => Error::backend(ADAPTER, err),
        },
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => Error::unavailable(ADAPTER, err),
        _ => Error::backend(ADAPTER, err),
    }
}

/// True for SQLITE_BUSY (5) and SQLITE_LOCKED (6), including their extended codes.
fn is_busy(code: Option<&str>) -> bool {
    code.and_then(|c| c.parse::<i32>().ok())
        .is_some_and(|c| matches!(c & 0xff, 5 | 6))
}

/// Maps a migration failure.
pub(crate) fn migrate(err: sqlx::migrate::MigrateError) -> Error {
    heimdex_sql::migrate_error(ADAPTER, db, err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_and_locked_codes_are_recognised_with_extended_codes() {
        assert!(is_busy(Some("5")));
        assert!(is_busy(Some("6")));
        assert!(is_busy(Some("517"))); // SQLITE_BUSY_SNAPSHOT
        assert!(!is_busy(Some("19"))); // SQLITE_CONSTRAINT
        assert!(!is_busy(None));
    }

    #[test]
    fn pool_timeouts_are_unavailable_and_decoding_errors_backend() {
        assert!(matches!(
            db(sqlx::Error::PoolTimedOut),
            Error::Unavailable {
                adapter: "embedded",
                ..
            }
        ));
        assert!(matches!(
            db(sqlx::Error::RowNotFound),
            Error::Backend {
                adapter: "embedded",
                ..
            }
        ));
    }
}
