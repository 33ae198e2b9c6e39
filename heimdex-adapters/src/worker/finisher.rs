//! Finishes from many running jobs, sent to the queue together.
//!
//! One task takes finish requests in arrival order. Whatever arrived while the previous batch was
//! being written goes out as the next batch ([`JobQueue::finish_batch`]), so an idle worker
//! finishes at once and a busy one amortises its round trips, with no timer in between.
//!
//! Before each batch the timing sink is flushed: a job is marked done only once its timing (READY
//! or FAILED on the video) is written. A worker that dies between the two leaves the job running
//! in the queue, so it is redelivered when its lease expires, never a done job whose video stays
//! PROCESSING. When the flush fails, no job of the batch is finished (they are redelivered).

use std::sync::Arc;

use heimdex_core::job::JobOutcome;
use heimdex_core::queue::{ClaimedJob, FinishOutcome, JobQueue};
use heimdex_core::{Flush, Result};
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
    pub(super) fn start(
        queue: Arc<dyn JobQueue>,
        timing: Arc<dyn Flush>,
    ) -> (Self, JoinHandle<()>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (Self { tx }, tokio::spawn(run(queue, timing, rx)))
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

async fn run(
    queue: Arc<dyn JobQueue>,
    timing: Arc<dyn Flush>,
    mut rx: mpsc::UnboundedReceiver<Request>,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let (jobs, replies): (Vec<_>, Vec<_>) = batch
            .drain(..)
            .map(|(job, outcome, reply)| ((job, outcome), reply))
            .unzip();
        if let Err(err) = timing.flush().await {
            tracing::warn!(error = %err, jobs = jobs.len(), "timing not written: jobs left to be redelivered");
            for reply in replies {
                let _ = reply.send(Err(heimdex_core::Error::Unavailable {
                    adapter: "worker",
                    source: format!("timing flush failed: {err}").into(),
                }));
            }
            continue;
        }
        let results = queue.finish_batch(&jobs).await;
        debug_assert_eq!(results.len(), jobs.len());
        for (reply, result) in replies.into_iter().zip(results) {
            let _ = reply.send(result);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::time::Duration;

    use async_trait::async_trait;
    use heimdex_core::memory::MemoryQueue;
    use heimdex_core::queue::{NewJob, RetryPolicy};
    use heimdex_core::{VideoId, WorkerId};

    use super::*;

    /// Counts flushes, and fails them while `failing` is set.
    #[derive(Default)]
    struct Timing {
        flushes: AtomicUsize,
        failing: AtomicBool,
    }

    #[async_trait]
    impl Flush for Timing {
        async fn flush(&self) -> Result<()> {
            self.flushes.fetch_add(1, Ordering::SeqCst);
            if self.failing.load(Ordering::SeqCst) {
                return Err(heimdex_core::Error::Unavailable {
                    adapter: "test",
                    source: "store down".into(),
                });
            }
            Ok(())
        }
    }

    async fn claimed_job(queue: &MemoryQueue) -> ClaimedJob {
        let job = NewJob {
            video: VideoId::new_v4(),
            source: "/videos/a.mp4".into(),
            owner: None,
        };
        queue.enqueue(job).await.unwrap();
        let worker = WorkerId::new("w");
        queue
            .claim(&worker, Duration::from_secs(60))
            .await
            .unwrap()
            .unwrap()
    }

    #[tokio::test]
    async fn a_job_is_finished_only_after_the_timing_is_flushed() {
        let queue = Arc::new(MemoryQueue::new(RetryPolicy::default()));
        let timing = Arc::new(Timing::default());
        let (finisher, _task) = Finisher::start(queue.clone(), timing.clone());
        let job = claimed_job(&queue).await;
        let done = finisher.finish(job, JobOutcome::Succeeded).await.unwrap();
        assert_eq!(done, FinishOutcome::Done);
        assert_eq!(timing.flushes.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_failed_flush_finishes_nothing_so_the_job_is_redelivered() {
        let queue = Arc::new(MemoryQueue::new(RetryPolicy::default()));
        let timing = Arc::new(Timing::default());
        timing.failing.store(true, Ordering::SeqCst);
        let (finisher, _task) = Finisher::start(queue.clone(), timing.clone());
        let job = claimed_job(&queue).await;
        let err = finisher
            .finish(job.clone(), JobOutcome::Succeeded)
            .await
            .unwrap_err();
        assert!(
            format!("{err:?}").contains("timing flush failed"),
            "{err:?}"
        );
        // Not finished: the lease still holds it, and a heartbeat with that lease still works.
        assert!(queue
            .claim(&WorkerId::new("other"), Duration::from_secs(60))
            .await
            .unwrap()
            .is_none());
        assert!(queue.heartbeat(&job, Duration::from_secs(60)).await.is_ok());
    }
}
