//! [`PgJobQueue`]: the durable job queue on PostgreSQL, shared by any number of workers on any
//! number of machines.
//!
//! One row per video in `jobs` (migration `0100_job_queue.sql`):
//!
//! - **enqueue** inserts the row (or revives a `done`/`dead` one) and, in the same statement, writes
//!   `queued_at` and `processing_stage = 'queued'` on the video (docs/spec.md#stages). If that
//!   timing write fails, the job is enqueued without it and the failure is logged. A video whose
//!   job is queued or running is not enqueued twice ([`EnqueueOutcome::AlreadyActive`](heimdex_core::queue::EnqueueOutcome::AlreadyActive)).
//! - **claim** takes the oldest claimable row with `FOR UPDATE SKIP LOCKED` and leases it: claimable
//!   means queued and due, or running with an expired lease. Every claim counts an attempt.
//!   `claim_batch` takes several in the same statement, and `finish_batch` marks every success
//!   of a batch done in one statement.
//! - **heartbeat / finish / release** must show the lease token; a worker that lost its lease gets
//!   [`Error::Conflict`](heimdex_core::Error::Conflict) and changes nothing. Replaying the finish that already ended the attempt
//!   returns the same outcome, so a finish retried after a lost reply is harmless.
//! - a failed attempt is retried after the [`RetryPolicy`] backoff, then the job is `dead` until an
//!   operator calls [`JobQueue::requeue_dead`](heimdex_core::JobQueue::requeue_dead). An expired lease spends a try like a failure (a
//!   video that kills its worker every time ends up dead); a release at shutdown spends none.
//! - `jobs` has no foreign key to `videos`, so rows written by other producers are accepted; a job
//!   whose video row is missing still runs, and the store's sink drops its timing (counted).
//! - a trigger sends `NOTIFY heimdex_jobs` whenever a job becomes claimable now, which
//!   [`PgJobListener`] turns into a wake-up for idle workers.
//!
//! Queue time measures waiting: when a claim takes a retried, released or redelivered job, the
//! video's `queued_at` is moved to the moment the job became claimable again.
//!
//! A claimed row that cannot be turned into a job (no source) is buried as dead with the reason,
//! and so is a job whose lease expired with no retry left; in both cases the video is marked
//! `FAILED` with that reason (its `processing_stage` is kept, so the failure stays attributed).

mod claim;
mod enqueue;
mod error;
mod finish;
mod listen;

use std::sync::Arc;
use std::time::Duration;

use heimdex_core::job::JobOutcome;
use heimdex_core::queue::{ClaimedJob, FinishOutcome, RetryPolicy};
use heimdex_core::{Result, TimingSink, WorkerId};
use heimdex_sql::QueuedReports;
use sqlx::PgPool;

pub use listen::PgJobListener;

/// The NOTIFY channel the `jobs` trigger announces claimable jobs on.
pub const JOBS_CHANNEL: &str = "heimdex_jobs";

/// The PostgreSQL job queue. Cheap to clone (the pool is shared).
#[derive(Clone, Debug)]
pub struct PgJobQueue {
    pool: PgPool,
    policy: RetryPolicy,
    reports: QueuedReports,
}

impl PgJobQueue {
    /// A queue over `pool` (migrated with the PostgreSQL migrations) retrying by `policy`.
    pub fn new(pool: PgPool, policy: RetryPolicy) -> Self {
        Self {
            pool,
            policy,
            reports: QueuedReports::default(),
        }
    }

    /// Also reports every `queued_at` the queue writes as [`TimingEvent::JobQueued`](heimdex_core::TimingEvent::JobQueued) to `sink`
    /// (a metrics exporter, a [`heimdex_core::timing::FanoutSink`], a test's `MemorySink`).
    ///
    /// The queue writes `queued_at` itself, in the enqueue statement, whether or not a sink is set;
    /// the event carries the exact value written, so a sink that writes the same column again
    /// changes nothing.
    pub fn with_sink(mut self, sink: Arc<dyn TimingSink>) -> Self {
        self.reports = QueuedReports::to(sink);
        self
    }

    /// The retry policy.
    pub fn policy(&self) -> RetryPolicy {
        self.policy
    }

    /// The pool the queue runs on.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Starts listening for claimable-job announcements (one dedicated connection).
    pub async fn listen(&self) -> Result<PgJobListener> {
        PgJobListener::start(&self.pool).await
    }
}

/// A `Duration` as whole microseconds, bound as `$n * interval '1 microsecond'`.
fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

heimdex_sql::job_queue_via_parts!(PgJobQueue {
    async fn claim_batch(
        &self,
        worker: &WorkerId,
        lease: Duration,
        max: usize,
    ) -> Result<Vec<ClaimedJob>> {
        self.claim_many(worker, lease, max).await
    }

    async fn finish_batch(&self, jobs: &[(ClaimedJob, JobOutcome)]) -> Vec<Result<FinishOutcome>> {
        self.finish_many(jobs).await
    }
});
