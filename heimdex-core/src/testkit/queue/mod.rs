//! The job queue conformance suite: the [`JobQueue`] rules every queue must keep, runnable
//! against any implementation (in memory, embedded, PostgreSQL).
//!
//! # Examples
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use std::time::Duration;
//! use heimdex_core::memory::MemoryQueue;
//! use heimdex_core::queue::RetryPolicy;
//! use heimdex_core::testkit::queue::queue_conformance;
//!
//! let policy = RetryPolicy { max_retries: 2, base_delay: Duration::ZERO, max_delay: Duration::ZERO };
//! let queue = MemoryQueue::new(policy);
//! queue_conformance(&queue, policy.max_retries, &|d| Box::pin(tokio::time::sleep(d))).await;
//! # }
//! ```

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::error::Error;
use crate::ids::{VideoId, WorkerId};
use crate::job::JobOutcome;
use crate::queue::{ClaimedJob, EnqueueOutcome, FinishOutcome, JobQueue, NewJob};
use crate::stage::{FailureKind, StageName};

/// Sleeps for a while on the caller's runtime (the core has none), e.g.
/// `&|d| Box::pin(tokio::time::sleep(d))`.
pub type Sleep = dyn Fn(Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync;

/// A lease long enough never to expire during the suite.
const LONG: Duration = Duration::from_secs(60);
/// A lease meant to expire.
const SHORT: Duration = Duration::from_millis(50);
/// Comfortably past a [`SHORT`] lease.
const PAST_SHORT: Duration = Duration::from_millis(100);

mod checks;
mod permanent;

struct Suite<'a> {
    q: &'a dyn JobQueue,
    max_retries: u32,
    sleep: &'a Sleep,
    w: WorkerId,
}

/// Checks every rule of [`JobQueue`] on `queue`, panicking with a message naming the rule broken.
///
/// Preconditions: `queue` starts with nothing claimable, and its retry policy has a zero delay
/// (`base_delay = 0`, so a retry is claimable at once) and `max_retries` retries, at least 1.
/// Each check leaves nothing claimable behind, so the suite runs on one queue (a store's database
/// need not be fresh for each check). It takes about a second: leases of 50 ms are left to expire,
/// waiting with `sleep`.
///
/// The rules: enqueue/claim/finish with replayed finishes; one active job per video
/// ([`EnqueueOutcome::AlreadyActive`]), done jobs revived by a new enqueue; oldest first;
/// heartbeats keep a lease; an expired lease is redelivered as a new attempt with a new token and
/// the old holder gets [`Error::Conflict`] on heartbeat, finish and release; `max_retries` retries,
/// then dead, listed with the attempts and `"<stage>: <message>"`; a permanent failure
/// ([`FailureKind::is_permanent`]) dead at once; `requeue_dead` with a fresh
/// budget (attempt numbers keep counting) and `NotFound` for a job that is not dead; an expired
/// lease spends a try, and with none left the job dies with
/// `lease expired on attempt N, no retry left`; release gives the job back at once without
/// spending a try; a forged token is refused; `claim_batch` and `finish_batch`.
pub async fn queue_conformance(queue: &dyn JobQueue, max_retries: u32, sleep: &Sleep) {
    assert!(max_retries >= 1, "queue conformance needs max_retries >= 1");
    let s = Suite {
        q: queue,
        max_retries,
        sleep,
        w: WorkerId::new("conformance"),
    };
    assert!(
        s.claim(LONG).await.is_none(),
        "precondition: nothing claimable at the start"
    );
    s.enqueue_claim_finish().await;
    s.one_active_job_per_video().await;
    s.oldest_first().await;
    s.heartbeat_keeps_the_lease().await;
    s.expired_lease_is_redelivered().await;
    s.retries_then_dead_then_requeued().await;
    s.permanent_failures_are_dead_at_once().await;
    s.expired_leases_spend_tries().await;
    s.release_spends_no_try().await;
    s.batches().await;
    assert!(
        s.claim(LONG).await.is_none(),
        "the suite left a job claimable"
    );
}

fn failed(message: &str) -> JobOutcome {
    JobOutcome::Failed {
        stage: StageName::TRANSCRIPTION,
        kind: FailureKind::Decode,
        message: message.into(),
    }
}

fn is_conflict<T: std::fmt::Debug>(r: &crate::Result<T>) -> bool {
    matches!(r, Err(Error::Conflict(_)))
}

impl Suite<'_> {
    async fn enqueue(&self, video: VideoId) -> EnqueueOutcome {
        let job = NewJob {
            video,
            source: format!("/videos/{video}.mp4"),
            owner: None,
        };
        self.q.enqueue(job).await.expect("enqueue")
    }

    async fn claim(&self, lease: Duration) -> Option<ClaimedJob> {
        self.q.claim(&self.w, lease).await.expect("claim")
    }

    async fn claim_one(&self, video: VideoId, lease: Duration, why: &str) -> ClaimedJob {
        let job = self
            .claim(lease)
            .await
            .unwrap_or_else(|| panic!("{why}: nothing claimable"));
        assert_eq!(job.job.video, video, "{why}: claimed another job");
        job
    }

    async fn finish(&self, job: &ClaimedJob, outcome: &JobOutcome) -> FinishOutcome {
        self.q.finish(job, outcome).await.expect("finish")
    }
}
