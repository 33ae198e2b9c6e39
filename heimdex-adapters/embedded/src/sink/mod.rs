//! The embedded store's [`TimingSink`]: the core's
//! [`BufferedSink`](heimdex_core::timing::buffered::BufferedSink) over [`SqliteBatches`], which
//! applies each batch in one transaction (`apply.rs`). `record` never blocks and never fails;
//! a batch is retried while the database is busy, locked or unreachable, as
//! [`EmbeddedOptions::sink`] says.

mod apply;

use async_trait::async_trait;
use heimdex_core::timing::buffered::{BatchWrite, BufferedSink, Unapplied};
use heimdex_core::{Result, TimingEvent};
use sqlx::SqlitePool;

use super::{Clock, EmbeddedOptions, EmbeddedStore};
use crate::error::db;

/// Applies timing batches to the embedded store's rows, dated by the store's clock.
pub(crate) struct SqliteBatches {
    pool: SqlitePool,
    clock: Clock,
}

#[async_trait]
impl BatchWrite for SqliteBatches {
    async fn write_batch(&self, events: &[TimingEvent]) -> Result<Unapplied> {
        apply::write(&self.pool, events, (self.clock)())
            .await
            .map_err(db)
    }
}

/// Starts the store's buffered sink on the current tokio runtime.
pub(crate) fn spawn(pool: SqlitePool, options: &EmbeddedOptions) -> BufferedSink {
    let clock = options.clock.clone();
    BufferedSink::spawn(SqliteBatches { pool, clock }, options.sink)
}

heimdex_sql::timing_sink_via!(EmbeddedStore, sink);

impl EmbeddedStore {
    /// Writes every buffered timing event, stops the writer and closes the database.
    pub async fn close(self) -> Result<()> {
        let EmbeddedStore { pool, sink, .. } = self;
        sink.close().await;
        pool.close().await;
        Ok(())
    }
}
