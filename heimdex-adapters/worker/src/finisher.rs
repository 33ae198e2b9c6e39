//! Finishes from many running jobs, sent to the queue together.
//!
//! One task takes finish requests in arrival order. Whatever arrived while the previous batch was
//! being written goes out as the next batch ([`JobQueue::finish_batch`]), so an idle worker
//! finishes at once and a busy one amortises its round trips, with no timer in between.
//!
//! Before each batch the jobs' ending events (READY or FAILED on the video) are written with
//! [`Flush::write_now`], after everything buffered before them and without the droppable buffer:
//! a job is marked done only once its video's final status is written. A worker that dies
//! between the two leaves the job running in the queue, so it is redelivered when its lease
//! expires, never a done job whose video stays PROCESSING. When that write fails, no job of the
//! batch is finished (they are redelivered).

use std::sync::Arc;

use heimdex_core::job::JobOutcome;
use heimdex_core::queue::{ClaimedJob, FinishOutcome, JobQueue};
use heimdex_core::{Flush, Result, TimingEvent};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

/// Most finishes written in one batch.
const MAX_BATCH: usize = 256;

type Request = (
    ClaimedJob,
    JobOutcome,
    TimingEvent,
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

    /// Finishes one attempt, possibly together with others, once `last` (the event that ends it)
    /// is written.
    pub(super) async fn finish(
        &self,
        job: ClaimedJob,
        outcome: JobOutcome,
        last: TimingEvent,
    ) -> Result<FinishOutcome> {
        let (done, result) = oneshot::channel();
        if self.tx.send((job, outcome, last, done)).is_err() {
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
        let mut ends = Vec::with_capacity(batch.len());
        let (jobs, replies): (Vec<_>, Vec<_>) = batch
            .drain(..)
            .map(|(job, outcome, last, reply)| {
                ends.push(last);
                ((job, outcome), reply)
            })
            .unzip();
        if let Err(err) = timing.write_now(ends).await {
            tracing::warn!(error = %err, jobs = jobs.len(), "timing not written: jobs left to be redelivered");
            for reply in replies {
                let _ = reply.send(Err(heimdex_core::Error::Unavailable {
                    adapter: "worker",
                    source: format!("timing not written: {err}").into(),
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

    /// Counts the ending events written, and fails the writes while `failing` is set.
    #[derive(Default)]
    struct Timing {
        written: AtomicUsize,
        failing: AtomicBool,
    }

    #[async_trait]
    impl Flush for Timing {
        async fn flush(&self) -> Result<()> {
            Ok(())
        }

        async fn write_now(&self, events: Vec<TimingEvent>) -> Result<()> {
            if self.failing.load(Ordering::SeqCst) {
                return Err(heimdex_core::Error::Unavailable {
                    adapter: "test",
                    source: "store down".into(),
                });
            }
            self.written.fetch_add(events.len(), Ordering::SeqCst);
            Ok(())
        }
    }

    fn end(job: &ClaimedJob) -> TimingEvent {
        TimingEvent::JobFinished {
            video: job.job.video,
            attempt: job.job.attempt,
            at: heimdex_core::time::now(),
            elapsed: Duration::from_millis(5),
            outcome: JobOutcome::Succeeded,
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
    async fn a_job_is_finished_only_after_its_ending_event_is_written() {
        let queue = Arc::new(MemoryQueue::new(RetryPolicy::default()));
        let timing = Arc::new(Timing::default());
        let (finisher, _task) = Finisher::start(queue.clone(), timing.clone());
        let job = claimed_job(&queue).await;
        let last = end(&job);
        let done = finisher
            .finish(job, JobOutcome::Succeeded, last)
            .await
            .unwrap();
        assert_eq!(done, FinishOutcome::Done);
        assert_eq!(timing.written.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_failed_write_finishes_nothing_so_the_job_is_redelivered() {
        let queue = Arc::new(MemoryQueue::new(RetryPolicy::default()));
        let timing = Arc::new(Timing::default());
        timing.failing.store(true, Ordering::SeqCst);
        let (finisher, _task) = Finisher::start(queue.clone(), timing.clone());
        let job = claimed_job(&queue).await;
        let err = finisher
            .finish(job.clone(), JobOutcome::Succeeded, end(&job))
            .await
            .unwrap_err();
        assert!(format!("{err:?}").contains("timing not written"), "{err:?}");
        // Not finished: the lease still holds it, and a heartbeat with that lease still works.
        assert!(queue
            .claim(&WorkerId::new("other"), Duration::from_secs(60))
            .await
            .unwrap()
            .is_none());
        assert!(queue.heartbeat(&job, Duration::from_secs(60)).await.is_ok());
    }
}
