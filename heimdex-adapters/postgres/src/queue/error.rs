//! Maps sqlx errors of the queue into the core's error.

use heimdex_core::Error;

/// The adapter name used in [`Error::Unavailable`] and [`Error::Backend`].
pub(super) const ADAPTER: &str = "postgres";

/// Connection-level failures are `Unavailable` (retrying later may work); the rest are `Backend`.
pub(super) fn db(err: sqlx::Error) -> Error {
    match err {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => Error::Unavailable {
            adapter: ADAPTER,
            source: Box::new(err),
        },
        other => Error::Backend {
            adapter: ADAPTER,
            source: Box::new(other),
        },
    }
}
