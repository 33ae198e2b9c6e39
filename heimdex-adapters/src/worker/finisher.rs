//! Finishes from many running jobs, sent to the queue together.
//!
//! One task takes finish requests in arrival order. Whatever arrived while the previous batch was
//! being written goes out as the next batch ([`JobQueue::finish_batch`]), so an idle worker
//! finishes at once and a busy one amortises its round trips, with no timer in between.

use std::sync::Arc;

use heimdex_core::job::JobOutcome;
use heimdex_core::queue::{ClaimedJob, FinishOutcome, JobQueue};
use heimdex_core::Result;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

/// Most finishes written in one batch.
const MAX_BATCH: usize = 256;

type Request = (
    ClaimedJob,
    JobOutcome,
    oneshot::Sender<Result<FinishOutcome>>,
);

/// The sending side; cloned into every job.
#[derive(Clone, Debug)]
pub(super) struct Finisher {
    tx: mpsc::UnboundedSender<Request>,
}

impl Finisher {
    /// Starts the batching task; it ends once every `Finisher` clone is dropped.
    pub(super) fn start(queue: Arc<dyn JobQueue>) -> (Self, JoinHandle<()>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (Self { tx }, tokio::spawn(run(queue, rx)))
    }

    /// Finishes one attempt, possibly together with others.
    pub(super) async fn finish(
        &self,
        job: ClaimedJob,
        outcome: JobOutcome,
    ) -> Result<FinishOutcome> {
        let (done, result) = oneshot::channel();
        if self.tx.send((job, outcome, done)).is_err() {
            return Err(stopped());
        }
        result.await.unwrap_or_else(|_| Err(stopped()))
    }
}

fn stopped() -> heimdex_core::Error {
    heimdex_core::Error::Unavailable {
        adapter: "worker",
        source: "the finisher has stopped".into(),
    }
}

async fn run(queue: Arc<dyn JobQueue>, mut rx: mpsc::UnboundedReceiver<Request>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let (jobs, replies): (Vec<_>, Vec<_>) = batch
            .drain(..)
            .map(|(job, outcome, reply)| ((job, outcome), reply))
            .unzip();
        let results = queue.finish_batch(&jobs).await;
        debug_assert_eq!(results.len(), jobs.len());
        for (reply, result) in replies.into_iter().zip(results) {
            let _ = reply.send(result);
        }
    }
}
