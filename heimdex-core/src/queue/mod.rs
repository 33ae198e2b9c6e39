//! The [`JobQueue`] port: durable, at-least-once delivery of processing jobs with leases and retries.

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::Result;
use crate::ids::{UserId, VideoId, WorkerId};
use crate::job::{Job, JobOutcome};
use crate::time::Timestamp;

mod claim;
mod policy;
mod replay;

pub use claim::{claim_runnable, Claimed};
pub use policy::{RetryPolicy, Verdict};
pub use replay::replayed_finish;

/// What to enqueue: one video and where its source lives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewJob {
    /// The video (its row must exist).
    pub video: VideoId,
    /// Where the source lives.
    pub source: String,
    /// The owner, when known.
    pub owner: Option<UserId>,
}

/// How long a worker may hold a job before it becomes claimable again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    /// Proves ownership on heartbeat and finish; a new claim gets a new token.
    pub token: Uuid,
    /// When the job becomes claimable again unless the worker heartbeats.
    pub expires_at: Timestamp,
}

/// A job a worker holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimedJob {
    /// The attempt to run (its `attempt` counts every claim, expired leases included).
    pub job: Job,
    /// The lease that must be shown on heartbeat and finish.
    pub lease: Lease,
    /// Who holds it.
    pub worker: WorkerId,
    /// Tries of the job since it was last enqueued, this one included: what the
    /// [`RetryPolicy`] counts. It cannot change while the lease is held.
    pub tries: u32,
}

/// What `enqueue` did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnqueueOutcome {
    /// A new job is waiting.
    Enqueued,
    /// The video already has a queued or running job; nothing was added.
    AlreadyActive,
}

/// What `finish` did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum FinishOutcome {
    /// The job succeeded and is done.
    Done,
    /// The attempt failed; the job runs again once `at` has passed.
    RetryScheduled {
        /// When it becomes claimable.
        at: Timestamp,
    },
    /// The attempt failed and no retry is left: the job is dead until re-enqueued.
    Dead,
}

/// A job that used up its retries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeadJob {
    /// The video.
    pub video: VideoId,
    /// Attempts made.
    pub attempts: u32,
    /// The last failure's message.
    pub reason: String,
    /// When it died.
    pub died_at: Timestamp,
}

/// A durable queue of processing jobs shared by any number of workers.
#[cfg_attr(any(test, feature = "mock"), mockall::automock)]
#[async_trait]
pub trait JobQueue: Send + Sync + fmt::Debug {
    /// Puts a job on the queue and records `queued_at` (a failed timing write is logged, and the
    /// job is still enqueued). A video with a queued or running job is not enqueued twice.
    async fn enqueue(&self, job: NewJob) -> Result<EnqueueOutcome>;
    /// Takes the oldest claimable job, if any, under a lease of `lease`.
    async fn claim(&self, worker: &WorkerId, lease: Duration) -> Result<Option<ClaimedJob>>;
    /// Extends the lease; `Conflict` when the lease was lost to another claim.
    async fn heartbeat(&self, job: &ClaimedJob, lease: Duration) -> Result<Lease>;
    /// Ends the attempt; `Conflict` when the lease was lost (a newer attempt is not overwritten).
    async fn finish(&self, job: &ClaimedJob, outcome: &JobOutcome) -> Result<FinishOutcome>;
    /// Gives the job back unrun (shutdown): claimable again at once.
    async fn release(&self, job: &ClaimedJob) -> Result<()>;
    /// Jobs that used up their retries.
    async fn dead_jobs(&self) -> Result<Vec<DeadJob>>;
    /// Puts a dead job back on the queue with a fresh retry budget.
    async fn requeue_dead(&self, video: VideoId) -> Result<()>;

    /// Claims up to `max` jobs at once, oldest first, each with its own lease (a worker with
    /// several free slots). The default claims one at a time; a store may do it in one round trip.
    /// A claim that fails part-way gives back what it had claimed (claimable again at once)
    /// before it returns the error, so no job waits for a lease nobody holds.
    async fn claim_batch(
        &self,
        worker: &WorkerId,
        lease: Duration,
        max: usize,
    ) -> Result<Vec<ClaimedJob>> {
        let mut jobs = Vec::new();
        while jobs.len() < max {
            match self.claim(worker, lease).await {
                Ok(Some(job)) => jobs.push(job),
                Ok(None) => break,
                Err(err) => {
                    for job in &jobs {
                        // Should this fail too, the job is redelivered when its lease expires.
                        let _ = self.release(job).await;
                    }
                    return Err(err);
                }
            }
        }
        Ok(jobs)
    }

    /// Ends several attempts at once: one result per job, in order, each exactly what
    /// [`JobQueue::finish`] would return. The default finishes one at a time; a store may do it in
    /// one round trip.
    async fn finish_batch(&self, jobs: &[(ClaimedJob, JobOutcome)]) -> Vec<Result<FinishOutcome>> {
        let mut results = Vec::with_capacity(jobs.len());
        for (job, outcome) in jobs {
            results.push(self.finish(job, outcome).await);
        }
        results
    }
}

/// A claimed job of a new video, for unit tests of the queue's pieces.
#[cfg(test)]
pub(crate) fn claimed_for_tests() -> ClaimedJob {
    ClaimedJob {
        job: Job::new(VideoId::new_v4(), "a.mp4"),
        lease: Lease {
            token: Uuid::new_v4(),
            expires_at: crate::time::now(),
        },
        worker: WorkerId::new("w"),
        tries: 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    /// Claims one job, then fails; records what is released.
    #[derive(Debug, Default)]
    struct FailsOnSecondClaim {
        claims: std::sync::Mutex<u32>,
        released: std::sync::Mutex<Vec<ClaimedJob>>,
    }

    #[async_trait]
    impl JobQueue for FailsOnSecondClaim {
        async fn enqueue(&self, _: NewJob) -> Result<EnqueueOutcome> {
            unimplemented!("not used")
        }
        async fn claim(&self, worker: &WorkerId, _: Duration) -> Result<Option<ClaimedJob>> {
            let mut claims = self.claims.lock().unwrap();
            *claims += 1;
            if *claims > 1 {
                return Err(Error::Unavailable {
                    adapter: "test",
                    source: "connection lost".into(),
                });
            }
            Ok(Some(ClaimedJob {
                job: Job::new(VideoId::new_v4(), "a.mp4"),
                lease: Lease {
                    token: Uuid::new_v4(),
                    expires_at: crate::time::now(),
                },
                worker: worker.clone(),
                tries: 1,
            }))
        }
        async fn heartbeat(&self, _: &ClaimedJob, _: Duration) -> Result<Lease> {
            unimplemented!("not used")
        }
        async fn finish(&self, _: &ClaimedJob, _: &JobOutcome) -> Result<FinishOutcome> {
            unimplemented!("not used")
        }
        async fn release(&self, job: &ClaimedJob) -> Result<()> {
            self.released.lock().unwrap().push(job.clone());
            Ok(())
        }
        async fn dead_jobs(&self) -> Result<Vec<DeadJob>> {
            unimplemented!("not used")
        }
        async fn requeue_dead(&self, _: VideoId) -> Result<()> {
            unimplemented!("not used")
        }
    }

    #[tokio::test]
    async fn a_batch_claim_that_fails_part_way_gives_back_what_it_claimed() {
        let queue = FailsOnSecondClaim::default();
        let got = queue
            .claim_batch(&WorkerId::new("w"), Duration::from_secs(60), 3)
            .await;
        assert!(matches!(got, Err(Error::Unavailable { .. })), "{got:?}");
        let released = queue.released.lock().unwrap();
        assert_eq!(released.len(), 1, "the one job claimed is given back");
    }
}
