//! The embedded store: a local SQLite file, the default when `DATABASE_URL` is not set.
//!
//! [`EmbeddedStore`] implements every core port a store provides ([`heimdex_core::Catalog`],
//! [`heimdex_core::MetricsQuery`], [`heimdex_core::TimingSink`], [`heimdex_core::Flush`]), so the
//! product runs on a laptop with nothing installed. SQLite is bundled by sqlx: no system library.
//!
//! - The schema is docs/spec.md#data-model in SQLite form (`migrations/embedded`); timestamps are
//!   INTEGER microseconds since the epoch and uuids hyphenated TEXT (see `rows.rs`).
//! - The overview, users list and user detail are aggregated in SQL, as the PostgreSQL functions
//!   do; the other metrics select candidate rows with SQL and compute every number with
//!   `heimdex_core::stats`, the in-memory store's code. Reference tests compare both with the core.
//! - The timing sink never blocks: events go through a bounded channel to one background writer
//!   that batches them in a transaction; see [`EmbeddedStore::dropped_events`].
//!
//! # Examples
//!
//! ```no_run
//! # async fn demo() -> heimdex_core::Result<()> {
//! use heimdex_embedded::EmbeddedStore;
//! use heimdex_core::{PerformanceMetrics, Window};
//!
//! let store = EmbeddedStore::open(std::path::Path::new(".heimdex/heimdex.db")).await?;
//! let latency = store.latency(Window::thirty_days()).await?;
//! println!("{} videos measured", latency.videos_measured);
//! # Ok(()) }
//! ```

mod backfill;
mod catalog;
pub(crate) mod error;
mod files;
#[cfg(feature = "testkit")]
mod import;
mod metrics;
mod options;
pub mod queue;
mod rows;
mod scenes;
mod select;
mod sink;
mod summaries;

use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use heimdex_core::time::Timestamp;
use heimdex_core::timing::buffered::BufferedSink;
use heimdex_core::{Error, Result};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

pub use options::EmbeddedOptions;

/// The embedded schema's migrations (`migrations/embedded`), applied by [`EmbeddedStore::open`].
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/embedded");

/// Where the store reads the time; tests may pin it (see [`EmbeddedOptions::with_clock`]).
pub(crate) type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// The embedded (SQLite) store. See the [module docs](self).
pub struct EmbeddedStore {
    pool: SqlitePool,
    sink: BufferedSink,
    clock: Clock,
}

impl EmbeddedStore {
    /// Opens (creating the folder and file when missing, owner-only) the database at `path` with
    /// the default [`EmbeddedOptions`]: WAL journal, a busy timeout, foreign keys on; then applies
    /// the migrations (safe on every start) and starts the timing writer.
    ///
    /// A file that is not a SQLite database is [`Error::InvalidInput`] naming the path.
    pub async fn open(path: &Path) -> Result<Self> {
        Self::open_with(path, EmbeddedOptions::default()).await
    }

    /// [`open`](Self::open) with explicit options.
    pub async fn open_with(path: &Path, options: EmbeddedOptions) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            files::create_private_dir_all(dir).map_err(|e| {
                Error::unavailable(
                    error::ADAPTER,
                    format!("cannot create folder {}: {e}", dir.display()),
                )
            })?;
        }
        files::create_private_file(path).map_err(|e| {
            Error::unavailable(
                error::ADAPTER,
                format!("cannot create file {}: {e}", path.display()),
            )
        })?;
        let connect = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(options.busy_timeout)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .connect_with(connect)
            .await
            .map_err(|e| open_error(path, e))?;
        let store = Self::start(pool, options);
        store.migrate_on_open(path).await?;
        Ok(store)
    }

    /// A private in-memory database on one connection (kept open for the store's life), for tests.
    pub async fn in_memory() -> Result<Self> {
        Self::in_memory_with(EmbeddedOptions::default()).await
    }

    /// [`in_memory`](Self::in_memory) with explicit options (the connection count is always 1).
    pub async fn in_memory_with(options: EmbeddedOptions) -> Result<Self> {
        let connect = SqliteConnectOptions::new()
            .in_memory(true)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(connect)
            .await
            .map_err(error::db)?;
        let store = Self::start(pool, options);
        store.migrate().await?;
        Ok(store)
    }

    fn start(pool: SqlitePool, options: EmbeddedOptions) -> Self {
        let clock = options.clock.clone();
        let sink = sink::spawn(pool.clone(), &options);
        Self { pool, sink, clock }
    }

    /// Applies the migrations that are not applied yet; running it twice changes nothing.
    pub async fn migrate(&self) -> Result<()> {
        MIGRATOR.run(&self.pool).await.map_err(error::migrate)
    }

    /// On open, a second process may be migrating the same new file at the same moment; the
    /// loser of that race sees the winner's bookkeeping row, so it tries once more.
    async fn migrate_on_open(&self, path: &Path) -> Result<()> {
        match MIGRATOR.run(&self.pool).await {
            Ok(()) => Ok(()),
            Err(first) => {
                if let Some(err) = not_a_database(path, &first) {
                    return Err(err);
                }
                tracing::warn!(error = %first, "migrating the embedded store failed; retrying once");
                tokio::time::sleep(Duration::from_millis(200)).await;
                self.migrate().await
            }
        }
    }

    /// Timing events dropped so far: channel full, unknown video, stale or rejected event, or a
    /// write that kept failing. Each drop is also logged.
    pub fn dropped_events(&self) -> u64 {
        self.sink.dropped()
    }

    /// The connection pool, for the other parts of the embedded store (its job queue).
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// The store's current time.
    pub(crate) fn now(&self) -> Timestamp {
        (self.clock)()
    }
}

impl fmt::Debug for EmbeddedStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmbeddedStore")
            .field("connections", &self.pool.size())
            .field("dropped_events", &self.dropped_events())
            .finish_non_exhaustive()
    }
}

/// SQLITE_NOTADB: the file exists but is not a SQLite database.
const SQLITE_NOTADB: i32 = 26;

fn is_not_a_database(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(e) => e
            .code()
            .and_then(|c| c.parse::<i32>().ok())
            .is_some_and(|c| c & 0xff == SQLITE_NOTADB),
        _ => false,
    }
}

fn not_a_database_error(path: &Path) -> Error {
    Error::invalid(format!(
        "{} is not a Heimdex embedded database (not a SQLite file)",
        path.display()
    ))
}

fn not_a_database(path: &Path, err: &sqlx::migrate::MigrateError) -> Option<Error> {
    match err {
        sqlx::migrate::MigrateError::Execute(e) if is_not_a_database(e) => {
            Some(not_a_database_error(path))
        }
        _ => None,
    }
}

fn open_error(path: &Path, err: sqlx::Error) -> Error {
    if is_not_a_database(&err) {
        not_a_database_error(path)
    } else {
        error::db(err)
    }
}
