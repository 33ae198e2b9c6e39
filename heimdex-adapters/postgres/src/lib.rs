//! The PostgreSQL store: shared by any number of workers and servers on any number of machines.
//!
//! [`PgStore`] implements every core port a store provides ([`heimdex_core::Catalog`],
//! [`heimdex_core::MetricsQuery`], [`heimdex_core::TimingSink`], [`heimdex_core::Flush`]), and
//! [`queue::PgJobQueue`] is the job queue on the same database.
//!
//! - The schema and the metric functions live in `migrations/postgres` ([`MIGRATOR`]): the tables
//!   of docs/spec.md#data-model with a `COMMENT` on every timing column and index, and one SQL
//!   function per metric of docs/spec.md#metrics (`get_admin_*`), executable only by their owner
//!   and the `heimdex_admin` role.
//! - No other role may use a Heimdex table, sequence or function, except those named to
//!   [`PgStore::migrate_granting`] (`HEIMDEX_DB_GRANT_ROLE`); migrating revokes the rest.
//! - Metrics call those functions, so `psql` users and the admin API see the same numbers. To let
//!   a reporting login read them (and no table): `GRANT heimdex_admin TO reporting_user;`, then
//!   `SELECT * FROM get_admin_processing_latency(30);`.
//! - The timing sink never blocks: events go through a bounded channel to one background writer
//!   that batches them in a transaction and retries while the server is unreachable; see
//!   [`PgStore::dropped_events`].
//!
//! # Examples
//!
//! ```no_run
//! # async fn demo() -> heimdex_core::Result<()> {
//! use heimdex_postgres::PgStore;
//! use heimdex_core::{PerformanceMetrics, Window};
//!
//! let store = PgStore::connect("postgres://postgres@127.0.0.1:5432/heimdex", 10).await?;
//! store.migrate().await?;
//! let latency = store.latency(Window::thirty_days()).await?;
//! println!("{} videos measured", latency.videos_measured);
//! store.close().await?;
//! # Ok(()) }
//! ```

mod backfill;
mod catalog;
mod config;
pub(crate) mod error;
#[cfg(feature = "testkit")]
mod import;
mod metrics;
pub mod queue;
mod rows;
mod scenes;
mod sink;

use heimdex_core::timing::buffered::BufferedSink;
use heimdex_core::Result;
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;

pub use config::PgOptions;

/// The PostgreSQL migrations (`migrations/postgres`): schema, metric functions, job queue.
/// Prefer [`PgStore::migrate`], which also takes back what default privileges grant.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/postgres");

/// The PostgreSQL store. See the [module docs](self).
#[derive(Debug)]
pub struct PgStore {
    pool: PgPool,
    sink: BufferedSink,
}

impl PgStore {
    /// Connects a pool of `max_connections` to `url` with the default [`PgOptions`] and starts
    /// the timing writer. Does not migrate: call [`migrate`](Self::migrate).
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self> {
        let options = PgOptions::default().with_max_connections(max_connections);
        Self::connect_with(url, options).await
    }

    /// [`connect`](Self::connect) with explicit options.
    pub async fn connect_with(url: &str, options: PgOptions) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(options.acquire_timeout)
            .connect(url)
            .await
            .map_err(error::db)?;
        Ok(Self::from_pool_with(pool, options))
    }

    /// A store over an existing pool, with the default [`PgOptions`] for the timing writer.
    /// Spawns the writer task, so it must be called inside a tokio runtime.
    pub fn from_pool(pool: PgPool) -> Self {
        Self::from_pool_with(pool, PgOptions::default())
    }

    /// [`from_pool`](Self::from_pool) with explicit writer options (the pool settings in
    /// `options` are not used: the pool is already made).
    pub fn from_pool_with(pool: PgPool, options: PgOptions) -> Self {
        let sink = sink::spawn(pool.clone(), &options);
        Self { pool, sink }
    }

    /// [`migrate_granting`](Self::migrate_granting) no role: Heimdex's tables and functions are
    /// left to their owner (and the metric functions to `heimdex_admin`).
    pub async fn migrate(&self) -> Result<()> {
        self.migrate_granting(&[]).await
    }

    /// Applies the migrations that are not applied yet, then revokes every privilege on Heimdex's
    /// tables, sequences and functions but the owner's, `grant_roles`' and `heimdex_admin`'s
    /// (EXECUTE on the metric functions), and enables row-level security on every table.
    /// Default privileges (Supabase's grant `anon` and `authenticated` everything new in
    /// `public`) re-grant on every object a migration creates, so this runs every time. Running it
    /// twice changes nothing; a grant role that does not exist is `InvalidInput`.
    pub async fn migrate_granting(&self, grant_roles: &[String]) -> Result<()> {
        MIGRATOR.run(&self.pool).await.map_err(error::migrate)?;
        sqlx::query("SELECT heimdex_lock_down($1)")
            .bind(grant_roles)
            .execute(&self.pool)
            .await
            .map_err(error::db)?;
        Ok(())
    }

    /// Timing events dropped so far: channel full, unknown video, stale or rejected event, or a
    /// write that kept failing. Each drop is also logged.
    pub fn dropped_events(&self) -> u64 {
        self.sink.dropped()
    }

    /// The connection pool (for the job queue on the same database, and for tests).
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}
