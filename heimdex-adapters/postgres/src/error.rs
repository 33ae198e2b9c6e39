//! How sqlx and migration failures of the PostgreSQL store become [`heimdex_core::Error`].

use heimdex_core::Error;
use sqlx::error::ErrorKind;

/// The adapter name carried by [`Error::Unavailable`] and [`Error::Backend`].
pub(crate) const ADAPTER: &str = "postgres";

/// SQLSTATE classes that mean "the server cannot serve this right now": 08 connection exception,
/// 53 insufficient resources, 57 operator intervention (shutdown, admin kill, cannot connect now).
const UNAVAILABLE_CLASSES: [&str; 3] = ["08", "53", "57"];

/// Maps a sqlx error:
/// - no connection (pool timeout or closed, I/O, TLS, a crashed worker, SQLSTATE 08/53/57) is
///   `Unavailable`: retrying later may work;
/// - `RowNotFound` is `NotFound`;
/// - a unique violation is `Conflict`; a foreign-key, not-null or check violation and a value
///   PostgreSQL rejects (SQLSTATE class 22, e.g. `invalid_parameter_value` from a metric function's
///   window check) are `InvalidInput`;
/// - anything else is `Backend`.
pub(crate) fn db(err: sqlx::Error) -> Error {
    if is_unreachable(&err) {
        return Error::unavailable(ADAPTER, err);
    }
    match &err {
        sqlx::Error::RowNotFound => Error::not_found("row"),
        sqlx::Error::Database(e) => match e.kind() {
            ErrorKind::UniqueViolation => Error::Conflict(e.message().to_owned()),
            ErrorKind::ForeignKeyViolation
            | ErrorKind::NotNullViolation
            | ErrorKind::CheckViolation => Error::invalid(e.message().to_owned()),
            _ if sqlstate(&err).starts_with("22") => Error::invalid(e.message().to_owned()),
            _ => Error::backend(ADAPTER, err),
        },
        _ => Error::backend(ADAPTER, err),
    }
}

/// True when the error is a lost or refused connection, or a transaction PostgreSQL aborted for
/// a conflict with another one (40001 serialization failure, 40P01 deadlock): the same write
/// succeeds when tried again, so the sink retries these.
pub(crate) fn is_transient(err: &sqlx::Error) -> bool {
    is_unreachable(err) || sqlstate(err).starts_with("40")
}

/// The server cannot be reached or cannot serve right now.
fn is_unreachable(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(_) => {
            let code = sqlstate(err);
            UNAVAILABLE_CLASSES.iter().any(|c| code.starts_with(c))
        }
        _ => false,
    }
}

/// The error's SQLSTATE, or an empty string.
fn sqlstate(err: &sqlx::Error) -> String {
    match err {
        sqlx::Error::Database(e) => e.code().map(|c| c.into_owned()).unwrap_or_default(),
        _ => String::new(),
    }
}

/// Maps a migration failure.
pub(crate) fn migrate(err: sqlx::migrate::MigrateError) -> Error {
    heimdex_sql::migrate_error(ADAPTER, db, err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lost_connections_are_unavailable_and_transient() {
        let io = sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionRefused));
        assert!(is_transient(&io));
        assert!(matches!(
            db(io),
            Error::Unavailable {
                adapter: "postgres",
                ..
            }
        ));
        assert!(matches!(
            db(sqlx::Error::PoolTimedOut),
            Error::Unavailable { .. }
        ));
    }

    #[test]
    fn row_not_found_is_not_found_and_others_are_backend() {
        assert!(matches!(
            db(sqlx::Error::RowNotFound),
            Error::NotFound { .. }
        ));
        let decode = sqlx::Error::ColumnNotFound("x".into());
        assert!(!is_transient(&decode));
        assert!(matches!(
            db(decode),
            Error::Backend {
                adapter: "postgres",
                ..
            }
        ));
    }
}
