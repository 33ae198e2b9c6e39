//! The PostgreSQL store's [`TimingSink`]: the core's
//! [`BufferedSink`](heimdex_core::timing::buffered::BufferedSink) over [`PgBatches`], which
//! applies each batch in one transaction (`apply.rs`). `record` never blocks and never fails;
//! a batch is retried while the server is unreachable (I/O, pool timeout, SQLSTATE 08/53/57, a
//! serialization failure or deadlock), as [`PgOptions::sink`] says.

mod apply;

use async_trait::async_trait;
use heimdex_core::timing::buffered::{BatchWrite, BufferedSink, Unapplied};
use heimdex_core::Error;
use heimdex_core::{Result, TimingEvent};
use sqlx::PgPool;

use super::config::PgOptions;
use super::PgStore;
use crate::error::{db, is_transient, ADAPTER};

/// Applies timing batches to the PostgreSQL store's rows.
pub(crate) struct PgBatches {
    pool: PgPool,
}

#[async_trait]
impl BatchWrite for PgBatches {
    async fn write_batch(&self, events: &[TimingEvent]) -> Result<Unapplied> {
        write(&self.pool, events).await
    }
}

/// One transaction for `events`; a failure worth retrying is `Unavailable`.
async fn write(pool: &PgPool, events: &[TimingEvent]) -> Result<Unapplied> {
    apply::write(pool, events).await.map_err(|err| {
        if is_transient(&err) {
            Error::unavailable(ADAPTER, err)
        } else {
            db(err)
        }
    })
}

/// Starts the store's buffered sink on the current tokio runtime.
pub(crate) fn spawn(pool: PgPool, options: &PgOptions) -> BufferedSink {
    BufferedSink::spawn(PgBatches { pool }, options.sink)
}

heimdex_sql::timing_sink_via!(PgStore, sink);

impl PgStore {
    /// Writes every buffered timing event, stops the writer and closes the pool.
    pub async fn close(self) -> Result<()> {
        let PgStore { pool, sink } = self;
        sink.close().await;
        pool.close().await;
        Ok(())
    }
}
