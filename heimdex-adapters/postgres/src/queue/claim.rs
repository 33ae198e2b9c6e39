//! Claiming: `FOR UPDATE SKIP LOCKED` over the claimable rows, a fresh lease per claim, and the
//! burial of rows that cannot run.

use std::time::Duration;

use chrono::{DateTime, Utc};
use heimdex_core::queue::{Claimed, ClaimedJob, Lease};
use heimdex_core::record::clip_error_message;
use heimdex_core::{Job, Result, UserId, VideoId, WorkerId};
use uuid::Uuid;

use super::error::db;
use super::{micros, PgJobQueue};

/// Leases up to `$3` claimable jobs, oldest first. While running, `available_at` is the lease
/// expiry, so one index serves both queued jobs and expired leases.
const CLAIM: &str = "
WITH next AS (
    SELECT video_id, state AS prev_state, available_at AS ready_at
    FROM jobs
    WHERE state IN ('queued', 'running') AND available_at <= now()
    ORDER BY available_at
    LIMIT $3
    FOR UPDATE SKIP LOCKED
)
UPDATE jobs AS j
SET state = 'running', attempt = j.attempt + 1, tries = j.tries + 1,
    lease_token = gen_random_uuid(),
    lease_expires_at = now() + $2 * interval '1 microsecond',
    available_at = now() + $2 * interval '1 microsecond',
    worker_id = $1, updated_at = now()
FROM next
WHERE j.video_id = next.video_id
RETURNING j.video_id, j.source, j.owner_id, j.attempt, j.tries, j.lease_token,
          j.lease_expires_at, next.prev_state, next.ready_at,
          (SELECT v.queued_at IS DISTINCT FROM next.ready_at FROM videos AS v
           WHERE v.id = j.video_id) AS stale_queued_at";

const REQUEUED_AT: &str = "
UPDATE videos SET queued_at = $2, updated_at = now()
WHERE id = $1 AND queued_at IS DISTINCT FROM $2";

/// Buries a claimed row; the claim never ran, so it does not count as an attempt.
const BURY: &str = "
UPDATE jobs
SET state = 'dead', last_error = $3, attempt = attempt - 1, tries = tries - 1, finished_at = now(), lease_expires_at = NULL,
    worker_id = NULL, updated_at = now()
WHERE video_id = $1 AND lease_token = $2 AND state = 'running'";

/// Marks the video of a buried job FAILED; its `processing_stage` is kept. The duration of an
/// attempt nobody finished is unknown, so it is cleared rather than left from an older attempt.
const BURY_VIDEO: &str = "
UPDATE videos
SET status = 'FAILED', error_message = $2, processing_finished_at = coalesce($3, now()),
    processing_duration_ms = NULL, updated_at = now()
WHERE id = $1 AND status IN ('PENDING', 'PROCESSING')";

#[derive(sqlx::FromRow)]
struct ClaimRow {
    video_id: Uuid,
    source: Option<String>,
    owner_id: Option<Uuid>,
    attempt: i32,
    tries: i32,
    lease_token: Uuid,
    lease_expires_at: DateTime<Utc>,
    prev_state: String,
    ready_at: DateTime<Utc>,
    /// Whether the video's `queued_at` differs from `ready_at` (NULL: no video row).
    stale_queued_at: Option<bool>,
}

impl PgJobQueue {
    /// One claim statement; see [`claim_runnable`](heimdex_core::queue::claim_runnable).
    pub(super) async fn claim_next(&self, worker: &WorkerId, lease: Duration) -> Result<Claimed> {
        let rows = self.claim_rows(worker, lease, 1).await?;
        match rows.into_iter().next() {
            Some(row) => self.accept(row, worker).await.map(Claimed::from),
            None => Ok(Claimed::Nothing),
        }
    }

    /// Claims up to `max` jobs in one statement; rows that cannot run are buried as in `claim`.
    pub(super) async fn claim_many(
        &self,
        worker: &WorkerId,
        lease: Duration,
        max: usize,
    ) -> Result<Vec<ClaimedJob>> {
        let max = u32::try_from(max.max(1)).unwrap_or(u32::MAX);
        let mut rows = self.claim_rows(worker, lease, max).await?;
        rows.sort_by_key(|r| (r.ready_at, r.video_id));
        let mut jobs = Vec::with_capacity(rows.len());
        let mut rows = rows.into_iter();
        while let Some(row) = rows.next() {
            let held = (
                VideoId(row.video_id),
                row.lease_token,
                row.lease_expires_at,
                row.tries,
            );
            match self.accept(row, worker).await {
                Ok(Some(job)) => jobs.push(job),
                Ok(None) => {}
                Err(err) => {
                    // Everything this claim holds goes back, so no job waits for its lease.
                    let rest = rows.map(|r| {
                        (
                            VideoId(r.video_id),
                            r.lease_token,
                            r.lease_expires_at,
                            r.tries,
                        )
                    });
                    let held = std::iter::once(held).chain(rest).map(
                        |(video, token, expires_at, tries)| ClaimedJob {
                            job: Job::new(video, ""),
                            lease: Lease { token, expires_at },
                            worker: worker.clone(),
                            tries: u32::try_from(tries).unwrap_or(0),
                        },
                    );
                    for job in jobs.into_iter().chain(held) {
                        if let Err(release) = self.release_one(&job).await {
                            tracing::warn!(video = %job.job.video, error = %release,
                                "could not give back a job of a failed claim; redelivered after its lease");
                        }
                    }
                    return Err(err);
                }
            }
        }
        Ok(jobs)
    }

    async fn claim_rows(
        &self,
        worker: &WorkerId,
        lease: Duration,
        max: u32,
    ) -> Result<Vec<ClaimRow>> {
        sqlx::query_as::<_, ClaimRow>(CLAIM)
            .bind(&worker.0)
            .bind(micros(lease))
            .bind(i64::from(max))
            .fetch_all(&self.pool)
            .await
            .map_err(db)
    }

    /// Turns a claimed row into a job, or buries it with the reason when it cannot run.
    async fn accept(&self, row: ClaimRow, worker: &WorkerId) -> Result<Option<ClaimedJob>> {
        let video = VideoId(row.video_id);
        let redelivered = row.prev_state == "running";
        let source = row.source.filter(|s| !s.trim().is_empty());
        let Some(source) = source else {
            let reason = "undecodable job: no source".to_string();
            self.bury(video, row.lease_token, &reason, None).await?;
            return Ok(None);
        };
        let refused = redelivered
            .then(|| {
                self.policy
                    .refuse_redelivery(row.tries.into(), row.attempt.into())
            })
            .flatten();
        if let Some(reason) = refused {
            self.bury(video, row.lease_token, &reason, Some(row.ready_at))
                .await?;
            return Ok(None);
        }
        if row.stale_queued_at == Some(true) {
            // A retry, release or redelivery: queue time counts from when it became claimable.
            self.write_queued_at(video, row.ready_at).await;
        }
        let job = Job {
            video,
            attempt: u32::try_from(row.attempt).unwrap_or(1),
            source,
            owner: row.owner_id.map(UserId),
        };
        tracing::debug!(%video, attempt = job.attempt, redelivered, "claimed job");
        Ok(Some(ClaimedJob {
            job,
            lease: Lease {
                token: row.lease_token,
                expires_at: row.lease_expires_at,
            },
            worker: worker.clone(),
            tries: u32::try_from(row.tries).unwrap_or(0),
        }))
    }

    async fn write_queued_at(&self, video: VideoId, at: DateTime<Utc>) {
        let written = sqlx::query(REQUEUED_AT)
            .bind(video.as_uuid())
            .bind(at)
            .execute(&self.pool)
            .await;
        match written {
            Ok(_) => self.reports.queued(video, at),
            Err(err) => {
                tracing::warn!(%video, error = %err, "could not write queued_at of a retry")
            }
        }
    }

    async fn bury(
        &self,
        video: VideoId,
        token: Uuid,
        reason: &str,
        at: Option<DateTime<Utc>>,
    ) -> Result<()> {
        tracing::warn!(%video, reason, "job buried as dead");
        sqlx::query(BURY)
            .bind(video.as_uuid())
            .bind(token)
            .bind(reason)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        let failed = sqlx::query(BURY_VIDEO)
            .bind(video.as_uuid())
            .bind(clip_error_message(reason))
            .bind(at)
            .execute(&self.pool)
            .await;
        if let Err(err) = failed {
            tracing::warn!(%video, error = %err, "could not mark the video of a dead job FAILED");
        }
        Ok(())
    }
}
