//! The embedded store's [`TimingSink`]: the core's
//! [`BufferedSink`](heimdex_core::timing::buffered::BufferedSink) over [`SqliteBatches`], which
//! applies each batch in one transaction (`apply.rs`). `record` never blocks and never fails;
//! a batch is retried while the database is busy, locked or unreachable, up to
//! [`EmbeddedOptions::write_attempts`] tries with pauses doubling from
//! [`EmbeddedOptions::retry_backoff`].

mod apply;

use std::time::Duration;

use async_trait::async_trait;
use heimdex_core::retry::Backoff;
use heimdex_core::timing::buffered::{BatchWrite, BufferOptions, BufferedSink, Unapplied};
use heimdex_core::{Flush, Result, TimingEvent, TimingSink};
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
    let buffer = BufferOptions {
        capacity: options.sink_capacity,
        batch: options.sink_batch,
        backoff: Backoff::new(options.write_attempts, options.retry_backoff, Duration::MAX),
    };
    let clock = options.clock.clone();
    BufferedSink::spawn(SqliteBatches { pool, clock }, buffer)
}

impl TimingSink for EmbeddedStore {
    fn record(&self, event: TimingEvent) {
        self.sink.record(event);
    }
}

#[async_trait]
impl Flush for EmbeddedStore {
    async fn flush(&self) -> Result<()> {
        self.sink.flush().await;
        Ok(())
    }

    /// Waits for the buffer, then writes `events` in one transaction of its own.
    async fn write_now(&self, events: Vec<TimingEvent>) -> Result<()> {
        self.sink.flush().await;
        apply::write(&self.pool, &events, self.now())
            .await
            .map(|_| ())
            .map_err(db)
    }
}

impl EmbeddedStore {
    /// Writes every buffered timing event, stops the writer and closes the database.
    pub async fn close(self) -> Result<()> {
        let EmbeddedStore { pool, sink, .. } = self;
        sink.close().await;
        pool.close().await;
        Ok(())
    }
}
