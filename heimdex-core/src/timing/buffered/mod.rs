//! [`BufferedSink`]: the timing sink every SQL store uses. `record` never blocks and never fails;
//! one background writer applies events in batches through the store's [`BatchWrite`].
//!
//! `record` puts the event on a bounded channel with `try_send`; when the channel is full (the
//! writer cannot keep up, or the database is down and the writer is retrying) the event is
//! dropped, counted ([`BufferedSink::dropped`]) and logged, so the pipeline never waits on
//! timing. [`BufferedSink::flush`] sends a marker down the same channel and resolves once the
//! writer has passed it, so everything recorded before the call has been written or given up on.
//! [`BufferedSink::write_now`] writes a batch past the buffer, for the events that must not be
//! dropped. [`BufferedSink::close`] closes the channel and waits for the writer to drain it. How
//! the writer batches and retries is in `writer.rs`.

mod dropped;
mod held;
mod writer;

use std::fmt;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

pub use dropped::Dropped;
pub use held::HeldRow;

use crate::retry::Backoff;
use crate::{Flush, Result, TimingEvent, TimingSink};

/// Events of a batch the store did not apply, by reason; each is counted as dropped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Unapplied {
    /// Events for a video the store does not have.
    pub unknown_video: u64,
    /// Events the timing rules refuse (`heimdex_core::timing::apply`).
    pub rejected: u64,
    /// Events of an attempt older than the job's current one (fencing).
    pub stale: u64,
}

/// What a store plugs into a [`BufferedSink`]: applying a batch of events in one transaction.
#[async_trait]
pub trait BatchWrite: Send + Sync + 'static {
    /// Applies `events`, in order, in one transaction. A database that is unreachable, busy or
    /// locked is [`Error::Unavailable`](crate::Error::Unavailable) (the batch is tried again);
    /// any other error makes the writer try each event on its own.
    async fn write_batch(&self, events: &[TimingEvent]) -> Result<Unapplied>;
}

#[async_trait]
impl<W: BatchWrite + ?Sized> BatchWrite for Arc<W> {
    async fn write_batch(&self, events: &[TimingEvent]) -> Result<Unapplied> {
        (**self).write_batch(events).await
    }
}

/// How a [`BufferedSink`] buffers and retries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BufferOptions {
    /// Events held between `record` and the writer; beyond this they are dropped (at least 1).
    pub capacity: usize,
    /// Most events in one transaction (at least 1).
    pub batch: usize,
    /// Tries of a batch while the database is unavailable, and the pauses between them.
    pub backoff: Backoff,
}

impl BufferOptions {
    /// `capacity` events buffered, `batch` per transaction (each at least 1), retried under
    /// `backoff`.
    pub fn new(capacity: usize, batch: usize, backoff: Backoff) -> Self {
        Self {
            capacity: capacity.max(1),
            batch: batch.max(1),
            backoff,
        }
    }

    /// Sets [`capacity`](Self::capacity) (at least 1).
    pub fn with_capacity(self, capacity: usize) -> Self {
        Self::new(capacity, self.batch, self.backoff)
    }

    /// Sets [`batch`](Self::batch) (at least 1).
    pub fn with_batch(self, batch: usize) -> Self {
        Self::new(self.capacity, batch, self.backoff)
    }

    /// Sets [`backoff`](Self::backoff).
    pub fn with_backoff(self, backoff: Backoff) -> Self {
        Self { backoff, ..self }
    }
}

/// What travels from `record`/`flush` to the writer.
enum Message {
    /// An event to write.
    Event(TimingEvent),
    /// Answer once every earlier message is written.
    Flush(oneshot::Sender<()>),
}

/// A never-blocking timing sink over a store's [`BatchWrite`]; see the [module docs](self).
pub struct BufferedSink {
    tx: mpsc::Sender<Message>,
    dropped: Arc<Dropped>,
    writer: Mutex<Option<JoinHandle<()>>>,
    /// The store's batch writer, for [`write_now`](Self::write_now).
    store: Arc<dyn BatchWrite>,
}

impl fmt::Debug for BufferedSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BufferedSink")
            .field("dropped", &self.dropped.get())
            .finish_non_exhaustive()
    }
}

impl BufferedSink {
    /// Starts the writer over `store` on the current tokio runtime.
    pub fn spawn(store: impl BatchWrite, options: BufferOptions) -> Self {
        let (tx, rx) = mpsc::channel(options.capacity.max(1));
        let dropped = Arc::new(Dropped::default());
        let store = Arc::new(store);
        let writer = writer::Writer {
            store: Arc::clone(&store),
            batch: options.batch.max(1),
            backoff: options.backoff,
            dropped: Arc::clone(&dropped),
        };
        Self {
            tx,
            dropped,
            writer: Mutex::new(Some(tokio::spawn(writer.run(rx)))),
            store,
        }
    }

    /// Queues `event` for the writer, or drops and counts it when the buffer is full.
    pub fn record(&self, event: TimingEvent) {
        match self.tx.try_send(Message::Event(event)) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(_)) => self.dropped.add(1, "channel full"),
            Err(mpsc::error::TrySendError::Closed(_)) => self.dropped.add(1, "writer stopped"),
        }
    }

    /// Resolves once everything recorded before the call is written or given up on.
    pub async fn flush(&self) {
        let (ack, done) = oneshot::channel();
        if self.tx.send(Message::Flush(ack)).await.is_ok() {
            // An error here means the writer stopped: nothing more will be written.
            let _ = done.await;
        }
    }

    /// Waits for the buffer, then writes `events` in one transaction of their own, past the
    /// buffer: never dropped for lack of room, and `Err` when they were not written.
    pub async fn write_now(&self, events: &[TimingEvent]) -> Result<()> {
        self.flush().await;
        self.store.write_batch(events).await.map(|_| ())
    }

    /// Events dropped so far: buffer full, database unavailable past the retries, refused,
    /// unknown video, stale attempt.
    pub fn dropped(&self) -> u64 {
        self.dropped.get()
    }

    /// Closes the buffer and waits for the writer to drain it.
    pub async fn close(self) {
        let writer = self.writer.lock().unwrap_or_else(|e| e.into_inner()).take();
        drop(self); // closes the channel: the writer drains what it holds, then ends
        if let Some(writer) = writer {
            if let Err(err) = writer.await {
                tracing::error!(error = %err, "the timing writer ended abnormally");
            }
        }
    }
}

impl TimingSink for BufferedSink {
    fn record(&self, event: TimingEvent) {
        BufferedSink::record(self, event);
    }
}

#[async_trait]
impl Flush for BufferedSink {
    async fn flush(&self) -> Result<()> {
        BufferedSink::flush(self).await;
        Ok(())
    }

    async fn write_now(&self, events: Vec<TimingEvent>) -> Result<()> {
        BufferedSink::write_now(self, &events).await
    }
}
