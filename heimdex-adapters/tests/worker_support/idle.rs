//! [`IdleWatch`]: a queue that tells when a worker has gone idle, instead of sleeping for it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use heimdex_core::queue::{
    ClaimedJob, DeadJob, EnqueueOutcome, FinishOutcome, JobQueue, Lease, NewJob,
};
use heimdex_core::{JobOutcome, Result, VideoId, WorkerId};

/// Forwards every call to the queue it wraps and counts the claims that found nothing: once a
/// worker has made one, it is waiting for a signal or its next poll.
#[derive(Debug)]
pub struct IdleWatch {
    inner: Arc<dyn JobQueue>,
    empty_claims: AtomicUsize,
}

impl IdleWatch {
    /// Watches `inner`.
    pub fn new(inner: Arc<dyn JobQueue>) -> Arc<Self> {
        Arc::new(Self {
            inner,
            empty_claims: AtomicUsize::new(0),
        })
    }

    /// Claims (single or batch) that came back empty so far.
    pub fn empty_claims(&self) -> usize {
        self.empty_claims.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl JobQueue for IdleWatch {
    async fn enqueue(&self, job: NewJob) -> Result<EnqueueOutcome> {
        self.inner.enqueue(job).await
    }

    async fn claim(&self, worker: &WorkerId, lease: Duration) -> Result<Option<ClaimedJob>> {
        let claimed = self.inner.claim(worker, lease).await;
        if matches!(claimed, Ok(None)) {
            self.empty_claims.fetch_add(1, Ordering::SeqCst);
        }
        claimed
    }

    async fn claim_batch(
        &self,
        worker: &WorkerId,
        lease: Duration,
        max: usize,
    ) -> Result<Vec<ClaimedJob>> {
        let claimed = self.inner.claim_batch(worker, lease, max).await;
        if matches!(&claimed, Ok(jobs) if jobs.is_empty()) {
            self.empty_claims.fetch_add(1, Ordering::SeqCst);
        }
        claimed
    }

    async fn heartbeat(&self, job: &ClaimedJob, lease: Duration) -> Result<Lease> {
        self.inner.heartbeat(job, lease).await
    }

    async fn finish(&self, job: &ClaimedJob, outcome: &JobOutcome) -> Result<FinishOutcome> {
        self.inner.finish(job, outcome).await
    }

    async fn finish_batch(&self, jobs: &[(ClaimedJob, JobOutcome)]) -> Vec<Result<FinishOutcome>> {
        self.inner.finish_batch(jobs).await
    }

    async fn release(&self, job: &ClaimedJob) -> Result<()> {
        self.inner.release(job).await
    }

    async fn dead_jobs(&self) -> Result<Vec<DeadJob>> {
        self.inner.dead_jobs().await
    }

    async fn requeue_dead(&self, video: VideoId) -> Result<()> {
        self.inner.requeue_dead(video).await
    }
}
