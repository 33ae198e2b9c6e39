//! Putting jobs on the queue (enqueue, batches, re-enqueue of dead jobs) and listing dead jobs.

use chrono::{DateTime, Utc};
use heimdex_core::queue::{DeadJob, EnqueueOutcome, NewJob};
use heimdex_core::{Error, Result, VideoId};
use sqlx::Row;
use uuid::Uuid;

use super::error::db;
use super::PgJobQueue;
use crate::rows::Cols;
use heimdex_sql::decode;

/// Inserts the job, or revives a finished one, keeping `attempt` so stage timings of every attempt
/// stay apart. A queued or running job is left alone (no row is returned).
const UPSERT: &str = "
INSERT INTO jobs AS j (video_id, source, owner_id)
SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[])
ON CONFLICT (video_id) DO UPDATE
SET state = 'queued', source = EXCLUDED.source, owner_id = EXCLUDED.owner_id, tries = 0,
    lease_token = NULL, lease_expires_at = NULL, worker_id = NULL, last_error = NULL,
    available_at = now(), enqueued_at = now(), finished_at = NULL, updated_at = now()
WHERE j.state IN ('done', 'dead')
RETURNING j.video_id, j.available_at";

/// Writes the contract's enqueue timing on the videos just enqueued (`job` is the CTE above).
const TIMING: &str = "
, timing AS (
    UPDATE videos AS v
    SET queued_at = job.available_at, processing_stage = 'queued', updated_at = now()
    FROM job WHERE v.id = job.video_id
    RETURNING v.id
)
SELECT job.video_id, job.available_at FROM job";

/// Puts a dead job back with a fresh retry budget.
const REVIVE: &str = "
UPDATE jobs
SET state = 'queued', tries = 0, lease_token = NULL, lease_expires_at = NULL, worker_id = NULL,
    last_error = NULL, available_at = now(), enqueued_at = now(), finished_at = NULL,
    updated_at = now()
WHERE video_id = $1 AND state = 'dead'
RETURNING video_id, available_at";

const DEAD: &str = "
SELECT video_id, tries, coalesce(last_error, '') AS reason, coalesce(finished_at, updated_at) AS died_at
FROM jobs WHERE state = 'dead' ORDER BY died_at, video_id";

impl PgJobQueue {
    pub(super) async fn enqueue_one(&self, job: &NewJob) -> Result<EnqueueOutcome> {
        let enqueued = self.enqueue_batch(std::slice::from_ref(job)).await?;
        Ok(if enqueued.is_empty() {
            EnqueueOutcome::AlreadyActive
        } else {
            EnqueueOutcome::Enqueued
        })
    }

    /// Enqueues many jobs in one statement (bulk imports, benchmarks) and returns the videos that
    /// were enqueued; the others already had a queued or running job. Same rules as
    /// [`heimdex_core::JobQueue::enqueue`].
    pub async fn enqueue_batch(&self, jobs: &[NewJob]) -> Result<Vec<VideoId>> {
        if jobs.is_empty() {
            return Ok(Vec::new());
        }
        // One row per video per statement (ON CONFLICT cannot touch a row twice): first one wins.
        let mut seen = std::collections::HashSet::with_capacity(jobs.len());
        let jobs: Vec<&NewJob> = jobs.iter().filter(|j| seen.insert(j.video)).collect();
        let videos: Vec<Uuid> = jobs.iter().map(|j| j.video.as_uuid()).collect();
        let sources: Vec<&str> = jobs.iter().map(|j| j.source.as_str()).collect();
        let owners: Vec<Option<Uuid>> = jobs.iter().map(|j| j.owner.map(|o| o.0)).collect();
        let with_timing = format!("WITH job AS ({UPSERT}){TIMING}");
        let rows = match sqlx::query(&with_timing)
            .bind(&videos)
            .bind(&sources)
            .bind(&owners)
            .fetch_all(&self.pool)
            .await
        {
            Ok(rows) => rows,
            Err(err) => {
                // Timing never blocks work: enqueue without it (a real queue failure fails again).
                tracing::warn!(error = %err, "enqueue with queued_at failed; enqueueing without it");
                sqlx::query(UPSERT)
                    .bind(&videos)
                    .bind(&sources)
                    .bind(&owners)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db)?
            }
        };
        self.enqueued(rows)
    }

    fn enqueued(&self, rows: Vec<sqlx::postgres::PgRow>) -> Result<Vec<VideoId>> {
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let video = VideoId(row.try_get("video_id").map_err(db)?);
            let at: DateTime<Utc> = row.try_get("available_at").map_err(db)?;
            self.reports.queued(video, at);
            out.push(video);
        }
        Ok(out)
    }

    pub(super) async fn revive(&self, video: VideoId) -> Result<()> {
        let with_timing = format!("WITH job AS ({REVIVE}){TIMING}");
        let rows = match sqlx::query(&with_timing)
            .bind(video.as_uuid())
            .fetch_all(&self.pool)
            .await
        {
            Ok(rows) => rows,
            Err(err) => {
                tracing::warn!(%video, error = %err, "requeue with queued_at failed; requeueing without it");
                sqlx::query(REVIVE)
                    .bind(video.as_uuid())
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db)?
            }
        };
        if self.enqueued(rows)?.is_empty() {
            return Err(Error::not_found(format!("dead job for video {video}")));
        }
        Ok(())
    }

    pub(super) async fn list_dead(&self) -> Result<Vec<DeadJob>> {
        heimdex_sql::fetch_all(&self.pool, sqlx::query(DEAD), db, |row| {
            decode::dead_job(&Cols(row))
        })
        .await
    }
}
