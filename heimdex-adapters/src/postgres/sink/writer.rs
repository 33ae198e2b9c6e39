//! The background writer: takes events off the channel in batches and writes each batch in one
//! transaction, retrying while the server is unreachable.
//!
//! - A batch is whatever is waiting when the writer wakes, up to `sink_batch` events, and never
//!   reaches past a flush marker (so a flush is answered once everything before it is written).
//! - A batch that fails because the server is unreachable (I/O, pool timeout, shutdown, SQLSTATE
//!   08/53/57, or a serialization failure) is retried after a doubling pause, up to
//!   `write_attempts` tries; then it is dropped and counted. Meanwhile the channel fills and
//!   `record` drops (and counts) what does not fit: the pipeline never waits.
//! - A batch that fails for any other reason (a row PostgreSQL refuses) is written again event by
//!   event, so one bad event costs only itself.
//! - A batch whose commit was lost with its connection may have committed; trying it again is
//!   safe, because applying the same events again, in order, to the rows they produced gives the
//!   same rows (every event sets values, none adds to them).

use std::sync::Arc;

use heimdex_core::TimingEvent;
use sqlx::PgPool;
use tokio::sync::{mpsc, oneshot};

use super::apply::{self, Written};
use super::{Dropped, Message};
use crate::postgres::config::PgOptions;
use crate::postgres::error::is_transient;

/// Owns the pool side of the sink.
pub(super) struct Writer {
    pool: PgPool,
    options: PgOptions,
    dropped: Arc<Dropped>,
}

impl Writer {
    pub(super) fn new(pool: PgPool, options: PgOptions, dropped: Arc<Dropped>) -> Self {
        Self {
            pool,
            options,
            dropped,
        }
    }

    /// Runs until every sender is gone and the channel is drained.
    pub(super) async fn run(self, mut rx: mpsc::Receiver<Message>) {
        let batch = self.options.sink_batch.max(1);
        let mut events: Vec<TimingEvent> = Vec::with_capacity(batch);
        let mut acks: Vec<oneshot::Sender<()>> = Vec::new();
        while let Some(first) = rx.recv().await {
            take(first, &mut events, &mut acks);
            while events.len() < batch && acks.is_empty() {
                match rx.try_recv() {
                    Ok(message) => take(message, &mut events, &mut acks),
                    Err(_) => break,
                }
            }
            if !events.is_empty() {
                self.write(&events).await;
                events.clear();
            }
            for ack in acks.drain(..) {
                let _ = ack.send(()); // the flusher may have stopped waiting
            }
        }
        tracing::debug!("timing writer stopped: every sender is gone");
    }

    /// Writes one batch, falling back to one event at a time when PostgreSQL refuses it.
    async fn write(&self, events: &[TimingEvent]) {
        match self.write_retrying(events).await {
            Ok(written) => self.count(&written),
            Err(err) if events.len() > 1 => {
                tracing::warn!(error = %err, events = events.len(),
                    "timing batch refused; writing its events one at a time");
                for event in events {
                    match self.write_retrying(std::slice::from_ref(event)).await {
                        Ok(written) => self.count(&written),
                        Err(err) => {
                            tracing::warn!(video = %event.video(), error = %err,
                                "timing event refused by the database");
                            self.dropped.add(1, "refused by the database");
                        }
                    }
                }
            }
            Err(err) => {
                tracing::warn!(video = %events[0].video(), error = %err,
                    "timing event refused by the database");
                self.dropped.add(1, "refused by the database");
            }
        }
    }

    /// Tries `events` until it commits, fails for a reason other than an unreachable server
    /// (returned), or runs out of tries (dropped and counted; returns an empty result).
    async fn write_retrying(&self, events: &[TimingEvent]) -> Result<Written, sqlx::Error> {
        let attempts = self.options.write_attempts.max(1);
        let mut attempt = 1;
        loop {
            match apply::write(&self.pool, events).await {
                Ok(written) => return Ok(written),
                Err(err) if is_transient(&err) && attempt < attempts => {
                    let pause = self.options.backoff(attempt);
                    tracing::warn!(error = %err, attempt, ?pause,
                        "timing batch not written: database unreachable; retrying");
                    tokio::time::sleep(pause).await;
                    attempt += 1;
                }
                Err(err) if is_transient(&err) => {
                    tracing::error!(error = %err, attempts, events = events.len(),
                        "timing batch dropped: database unreachable");
                    self.dropped
                        .add(events.len() as u64, "database unreachable");
                    return Ok(Written::default());
                }
                Err(err) => return Err(err),
            }
        }
    }

    fn count(&self, written: &Written) {
        if written.unknown_video > 0 {
            self.dropped.add(written.unknown_video, "unknown video");
        }
        if written.rejected > 0 {
            self.dropped.add(written.rejected, "rejected event");
        }
        if written.stale > 0 {
            self.dropped.add(written.stale, "event of an older attempt");
        }
    }
}

fn take(message: Message, events: &mut Vec<TimingEvent>, acks: &mut Vec<oneshot::Sender<()>>) {
    match message {
        Message::Event(event) => events.push(event),
        Message::Flush(ack) => acks.push(ack),
    }
}
