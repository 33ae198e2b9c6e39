//! [`EmbeddedJobQueue`]: the job queue of the embedded (SQLite) store, for one machine.
//!
//! The same rules as `heimdex_postgres::queue::PgJobQueue`, checked by the same conformance
//! suite: one row per video in `jobs`, leases with tokens, every claim counts an attempt, retries
//! after the [`RetryPolicy`] backoff, then `dead` until re-enqueued; enqueue writes `queued_at` and
//! `processing_stage = 'queued'` on the video in the same transaction (a failed timing write is
//! logged and the job is still enqueued). An expired lease spends a try; a release spends none.
//!
//! SQLite has one writer at a time, so each claim is a single `UPDATE … WHERE video_id = (SELECT …
//! LIMIT 1) RETURNING …` statement, which no other claim can interleave with. Idle workers in this
//! process are woken through [`WorkSignal`] when a job becomes claimable; workers in other
//! processes sharing the file find it by polling.

mod claim;
mod enqueue;
mod finish;
mod video;

use std::sync::Arc;
use std::time::Duration;

use chrono::DateTime;
use heimdex_core::queue::RetryPolicy;
use heimdex_core::time::Timestamp;
use heimdex_core::TimingSink;
use heimdex_sql::QueuedReports;

use sqlx::SqlitePool;
use tokio::sync::watch;

use heimdex_core::{Announcer, WorkSignal};

/// The embedded job queue. Cheap to clone (the pool and the announcer are shared).
#[derive(Clone, Debug)]
pub struct EmbeddedJobQueue {
    pool: SqlitePool,
    policy: RetryPolicy,
    reports: QueuedReports,
    announcer: Arc<Announcer>,
}

impl EmbeddedJobQueue {
    /// A queue over the embedded store's `pool` (migrated), retrying by `policy`.
    pub fn new(pool: SqlitePool, policy: RetryPolicy) -> Self {
        Self {
            pool,
            policy,
            reports: QueuedReports::default(),
            announcer: Arc::new(Announcer::new()),
        }
    }

    /// Also reports every `queued_at` the queue writes as [`TimingEvent::JobQueued`](heimdex_core::TimingEvent::JobQueued) to `sink`;
    /// see `heimdex_postgres::queue::PgJobQueue::with_sink`.
    pub fn with_sink(mut self, sink: Arc<dyn TimingSink>) -> Self {
        self.reports = QueuedReports::to(sink);
        self
    }

    /// The retry policy.
    pub fn policy(&self) -> RetryPolicy {
        self.policy
    }
}

impl WorkSignal for EmbeddedJobQueue {
    fn subscribe(&self) -> watch::Receiver<u64> {
        self.announcer.subscribe()
    }
}

/// An instant as stored in `jobs`: microseconds since the Unix epoch.
fn micros(at: Timestamp) -> i64 {
    at.timestamp_micros()
}

/// The inverse of [`micros`].
fn instant(us: i64) -> Timestamp {
    DateTime::from_timestamp_micros(us).unwrap_or_default()
}

/// `now + d`, saturating.
fn after(now: Timestamp, d: Duration) -> i64 {
    micros(now).saturating_add(i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
}

heimdex_sql::job_queue_via_parts!(EmbeddedJobQueue {});
