//! The embedded store's [`TimingSink`]: `record` never blocks and never fails.
//!
//! `record` puts the event on a bounded channel with `try_send`; when the channel is full (the
//! writer cannot keep up, or the database is locked) the event is dropped, counted and logged, so
//! the pipeline never waits on timing. One background writer task takes events in batches and
//! applies each batch in one transaction (see `writer.rs` and `apply.rs`). [`Flush::flush`] sends
//! a marker down the same channel and resolves once the writer has passed it, so everything
//! recorded before the call has been written or given up on. When the store is dropped the
//! channel closes and the writer drains what it holds before it stops;
//! [`EmbeddedStore::close`] waits for that.

mod apply;
mod writer;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use heimdex_core::{Flush, Result, TimingEvent, TimingSink};
use sqlx::SqlitePool;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use super::{EmbeddedOptions, EmbeddedStore};

/// What travels from `record`/`flush` to the writer.
enum Message {
    /// An event to write.
    Event(TimingEvent),
    /// Answer once every earlier message is written.
    Flush(oneshot::Sender<()>),
}

/// Counts dropped events and logs them without flooding the log under sustained overload.
#[derive(Debug, Default)]
pub(crate) struct Dropped(AtomicU64);

impl Dropped {
    /// Counts `n` more drops, logging `why` on the first drop and on every power of two after it.
    pub(crate) fn add(&self, n: u64, why: &str) {
        if n == 0 {
            return;
        }
        let before = self.0.fetch_add(n, Ordering::Relaxed);
        let after = before + n;
        if before == 0 || after.ilog2() > before.ilog2() {
            tracing::warn!(dropped_total = after, reason = why, "timing events dropped");
        }
    }

    fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// The sending side of the sink, owned by the store.
pub(crate) struct SinkHandle {
    tx: mpsc::Sender<Message>,
    dropped: Arc<Dropped>,
    writer: Mutex<Option<JoinHandle<()>>>,
}

impl SinkHandle {
    /// Starts the writer task on the current tokio runtime.
    pub(crate) fn spawn(pool: SqlitePool, options: &EmbeddedOptions) -> Self {
        let (tx, rx) = mpsc::channel(options.sink_capacity.max(1));
        let dropped = Arc::new(Dropped::default());
        let writer = writer::Writer::new(pool, options, dropped.clone());
        let handle = tokio::spawn(writer.run(rx));
        Self {
            tx,
            dropped,
            writer: Mutex::new(Some(handle)),
        }
    }

    fn record(&self, event: TimingEvent) {
        match self.tx.try_send(Message::Event(event)) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(_)) => self.dropped.add(1, "channel full"),
            Err(mpsc::error::TrySendError::Closed(_)) => self.dropped.add(1, "writer stopped"),
        }
    }

    async fn flush(&self) {
        let (ack, done) = oneshot::channel();
        if self.tx.send(Message::Flush(ack)).await.is_ok() {
            // An error here means the writer stopped: nothing more will be written.
            let _ = done.await;
        }
    }

    pub(crate) fn dropped(&self) -> u64 {
        self.dropped.get()
    }

    fn take_writer(&self) -> Option<JoinHandle<()>> {
        self.writer.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
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
            .map_err(crate::embedded::error::db)
    }
}

impl EmbeddedStore {
    /// Writes every buffered timing event, stops the writer and closes the database.
    pub async fn close(self) -> Result<()> {
        let writer = self.sink.take_writer();
        let EmbeddedStore { pool, sink, .. } = self;
        drop(sink); // closes the channel: the writer drains what it holds, then ends
        if let Some(writer) = writer {
            if let Err(err) = writer.await {
                tracing::error!(error = %err, "the timing writer ended abnormally");
            }
        }
        pool.close().await;
        Ok(())
    }
}
