//! The background writer of a [`BufferedSink`](super::BufferedSink): takes events off the channel
//! in batches and hands each batch to the store's [`BatchWrite`] as one transaction.
//!
//! - A batch is whatever is waiting when the writer wakes, up to the batch size, and never
//!   reaches past a flush marker (a flush is answered once everything before it is written).
//! - A batch that fails with [`Error::Unavailable`] (the database is unreachable, busy or
//!   locked) is tried again under the sink's [`Backoff`]; when the tries run out it is dropped
//!   and counted. Meanwhile the channel fills and `record` drops (and counts) what does not fit:
//!   the pipeline never waits.
//! - A batch that fails for any other reason (a row the database refuses) is written again event
//!   by event, each under the same backoff, so one bad event costs only itself.
//! - A batch whose commit was lost with its connection may have committed; trying it again is
//!   safe because applying the same events again, in order, gives the same rows.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use super::{BatchWrite, Dropped, Message, Unapplied};
use crate::retry::Backoff;
use crate::{Error, TimingEvent};

/// Owns the store side of the sink.
pub(super) struct Writer<W> {
    pub(super) store: W,
    pub(super) batch: usize,
    pub(super) backoff: Backoff,
    pub(super) dropped: Arc<Dropped>,
}

impl<W: BatchWrite> Writer<W> {
    /// Runs until every sender is gone and the channel is drained.
    pub(super) async fn run(self, mut rx: mpsc::Receiver<Message>) {
        let mut events: Vec<TimingEvent> = Vec::with_capacity(self.batch);
        let mut acks: Vec<oneshot::Sender<()>> = Vec::new();
        while let Some(first) = rx.recv().await {
            take(first, &mut events, &mut acks);
            while events.len() < self.batch && acks.is_empty() {
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

    /// Writes one batch, falling back to one event at a time when the database refuses it.
    async fn write(&self, events: &[TimingEvent]) {
        match self.write_retrying(events).await {
            Ok(unapplied) => self.count(&unapplied),
            Err(err) if events.len() > 1 => {
                tracing::warn!(error = %err, events = events.len(),
                    "timing batch refused; writing its events one at a time");
                for event in events {
                    if let Err(err) = self
                        .write_retrying(std::slice::from_ref(event))
                        .await
                        .map(|unapplied| self.count(&unapplied))
                    {
                        tracing::warn!(video = %event.video(), error = %err,
                            "timing event refused by the database");
                        self.dropped.add(1, "refused by the database");
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

    /// Tries `events` under the backoff while the database is unavailable. Out of tries, the
    /// events are dropped and counted (an empty result); any other error is returned.
    async fn write_retrying(&self, events: &[TimingEvent]) -> Result<Unapplied, Error> {
        let result = self
            .backoff
            .retry(
                || self.store.write_batch(events),
                is_unavailable,
                |err, pause| {
                    tracing::warn!(error = %err, ?pause,
                        "timing batch not written: database unavailable; retrying");
                },
            )
            .await;
        match result {
            Err(err) if is_unavailable(&err) => {
                tracing::error!(error = %err, attempts = self.backoff.attempts,
                    events = events.len(), "timing batch dropped: database unavailable");
                self.dropped
                    .add(events.len() as u64, "database unavailable");
                Ok(Unapplied::default())
            }
            other => other,
        }
    }

    fn count(&self, unapplied: &Unapplied) {
        self.dropped.add(unapplied.unknown_video, "unknown video");
        self.dropped.add(unapplied.rejected, "rejected event");
        self.dropped
            .add(unapplied.stale, "event of an older attempt");
    }
}

fn is_unavailable(err: &Error) -> bool {
    matches!(err, Error::Unavailable { .. })
}

fn take(message: Message, events: &mut Vec<TimingEvent>, acks: &mut Vec<oneshot::Sender<()>>) {
    match message {
        Message::Event(event) => events.push(event),
        Message::Flush(ack) => acks.push(ack),
    }
}
