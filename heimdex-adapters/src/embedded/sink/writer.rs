//! The background writer: takes events in batches, writes each batch in one transaction, retries
//! a failing batch with backoff, and falls back to one event at a time so a single bad event
//! cannot take its neighbours with it.

use std::sync::Arc;
use std::time::Duration;

use heimdex_core::TimingEvent;
use sqlx::SqlitePool;
use tokio::sync::mpsc;

use super::apply::{self, Written};
use super::{Dropped, Message};
use crate::embedded::{Clock, EmbeddedOptions};

/// The writer task's state.
pub(super) struct Writer {
    pool: SqlitePool,
    dropped: Arc<Dropped>,
    clock: Clock,
    batch: usize,
    attempts: u32,
    backoff: Duration,
}

impl Writer {
    pub(super) fn new(pool: SqlitePool, options: &EmbeddedOptions, dropped: Arc<Dropped>) -> Self {
        Self {
            pool,
            dropped,
            clock: options.clock.clone(),
            batch: options.sink_batch.max(1),
            attempts: options.write_attempts.max(1),
            backoff: options.retry_backoff,
        }
    }

    /// Runs until every sender is gone and the channel is drained.
    pub(super) async fn run(self, mut rx: mpsc::Receiver<Message>) {
        let mut messages = Vec::with_capacity(self.batch);
        let mut events = Vec::with_capacity(self.batch);
        while rx.recv_many(&mut messages, self.batch).await > 0 {
            for message in messages.drain(..) {
                match message {
                    Message::Event(event) => events.push(event),
                    Message::Flush(ack) => {
                        self.write(&mut events).await;
                        let _ = ack.send(());
                    }
                }
            }
            self.write(&mut events).await;
        }
        tracing::debug!("timing writer drained and stopped");
    }

    /// Writes and clears `events`: the batch with retries, else each event once.
    async fn write(&self, events: &mut Vec<TimingEvent>) {
        if events.is_empty() {
            return;
        }
        match self.write_with_retries(events).await {
            Ok(written) => self.count(&written),
            Err(err) if events.len() == 1 => {
                tracing::warn!(error = %err, "timing event not written after retries");
                self.dropped.add(1, "write failed");
            }
            Err(err) => {
                tracing::warn!(error = %err, events = events.len(),
                    "timing batch not written after retries; writing its events one by one");
                for event in events.iter() {
                    match apply::write(&self.pool, std::slice::from_ref(event), (self.clock)())
                        .await
                    {
                        Ok(written) => self.count(&written),
                        Err(err) => {
                            tracing::warn!(error = %err, video = %event.video(),
                                "timing event not written");
                            self.dropped.add(1, "write failed");
                        }
                    }
                }
            }
        }
        events.clear();
    }

    async fn write_with_retries(&self, events: &[TimingEvent]) -> Result<Written, sqlx::Error> {
        let mut pause = self.backoff;
        let mut attempt = 1;
        loop {
            match apply::write(&self.pool, events, (self.clock)()).await {
                Ok(written) => return Ok(written),
                Err(err) if attempt < self.attempts => {
                    tracing::debug!(error = %err, attempt, "timing batch failed; retrying");
                    tokio::time::sleep(pause).await;
                    pause = pause.saturating_mul(2);
                    attempt += 1;
                }
                Err(err) => return Err(err),
            }
        }
    }

    fn count(&self, written: &Written) {
        self.dropped.add(written.unknown_video, "unknown video");
        self.dropped
            .add(written.rejected, "stale or rejected event");
    }
}
