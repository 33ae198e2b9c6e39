//! Claiming: one atomic `UPDATE … RETURNING` per claim, and the burial of rows that cannot run.

use std::time::Duration;

use heimdex_core::queue::{Claimed, ClaimedJob, Lease};
use heimdex_core::{Job, Result, UserId, VideoId, WorkerId};
use uuid::Uuid;

use super::video::{mark_failed, move_queued_at};
use super::{after, instant, micros, EmbeddedJobQueue};
use crate::error::db;

/// Leases the oldest claimable job. `claimed_from` and `ready_at` keep what the claim found (SET
/// expressions read the row as it was).
const CLAIM: &str = "
UPDATE jobs
SET state = 'running', attempt = attempt + 1, tries = tries + 1, lease_token = ?1,
    lease_expires_at = ?2, available_at = ?2, worker_id = ?3, updated_at = ?4,
    claimed_from = state, ready_at = available_at
WHERE video_id = (
    SELECT video_id FROM jobs
    WHERE state IN ('queued', 'running') AND available_at <= ?4
    ORDER BY available_at LIMIT 1)
RETURNING video_id, source, owner_id, attempt, tries, lease_expires_at, claimed_from, ready_at,
          queued_written_at";

/// Buries a claimed row; the claim never ran, so it does not count as an attempt.
const BURY: &str = "
UPDATE jobs
SET state = 'dead', last_error = ?3, attempt = attempt - 1, tries = tries - 1,
    finished_at = ?4, lease_expires_at = NULL, worker_id = NULL, updated_at = ?4
WHERE video_id = ?1 AND lease_token = ?2 AND state = 'running'";

#[derive(sqlx::FromRow)]
struct ClaimRow {
    video_id: String,
    source: Option<String>,
    owner_id: Option<String>,
    attempt: i64,
    tries: i64,
    lease_expires_at: i64,
    claimed_from: String,
    ready_at: i64,
    queued_written_at: Option<i64>,
}

impl EmbeddedJobQueue {
    /// One claim statement; see [`claim_runnable`](heimdex_core::queue::claim_runnable).
    pub(super) async fn claim_next(&self, worker: &WorkerId, lease: Duration) -> Result<Claimed> {
        let now = heimdex_core::time::now();
        let token = Uuid::new_v4();
        let row = sqlx::query_as::<_, ClaimRow>(CLAIM)
            .bind(token.to_string())
            .bind(after(now, lease))
            .bind(&worker.0)
            .bind(micros(now))
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        match row {
            Some(row) => self.accept(row, token, worker).await.map(Claimed::from),
            None => Ok(Claimed::Nothing),
        }
    }

    /// Turns a claimed row into a job, or buries it with the reason when it cannot run.
    async fn accept(
        &self,
        row: ClaimRow,
        token: Uuid,
        worker: &WorkerId,
    ) -> Result<Option<ClaimedJob>> {
        let Ok(video) = row.video_id.parse::<VideoId>() else {
            let reason = format!("undecodable job: malformed video id {:?}", row.video_id);
            self.bury(&row.video_id, None, token, &reason, None).await?;
            return Ok(None);
        };
        let owner = match row.owner_id.as_deref().map(str::parse::<UserId>) {
            Some(Err(_)) => {
                let reason = "undecodable job: malformed owner id";
                self.bury(&row.video_id, Some(video), token, reason, None)
                    .await?;
                return Ok(None);
            }
            Some(Ok(owner)) => Some(owner),
            None => None,
        };
        let Some(source) = row.source.filter(|s| !s.trim().is_empty()) else {
            let reason = "undecodable job: no source";
            self.bury(&row.video_id, Some(video), token, reason, None)
                .await?;
            return Ok(None);
        };
        let ready_at = instant(row.ready_at);
        let refused = (row.claimed_from == "running")
            .then(|| self.policy.refuse_redelivery(row.tries, row.attempt))
            .flatten();
        if let Some(reason) = refused {
            self.bury(&row.video_id, Some(video), token, &reason, Some(ready_at))
                .await?;
            return Ok(None);
        }
        if row.queued_written_at != Some(row.ready_at) {
            let mut conn = self.pool.acquire().await.map_err(db)?;
            if move_queued_at(&mut conn, video, ready_at).await {
                self.reports.queued(video, ready_at);
            }
        }
        let job = Job {
            video,
            attempt: u32::try_from(row.attempt).unwrap_or(1),
            source,
            owner,
        };
        tracing::debug!(%video, attempt = job.attempt, "claimed job");
        Ok(Some(ClaimedJob {
            job,
            lease: Lease {
                token,
                expires_at: instant(row.lease_expires_at),
            },
            worker: worker.clone(),
            tries: u32::try_from(row.tries).unwrap_or(0),
        }))
    }

    async fn bury(
        &self,
        key: &str,
        video: Option<VideoId>,
        token: Uuid,
        reason: &str,
        at: Option<heimdex_core::time::Timestamp>,
    ) -> Result<()> {
        tracing::warn!(video = key, reason, "job buried as dead");
        let now = heimdex_core::time::now();
        sqlx::query(BURY)
            .bind(key)
            .bind(token.to_string())
            .bind(reason)
            .bind(micros(now))
            .execute(&self.pool)
            .await
            .map_err(db)?;
        if let Some(video) = video {
            let mut conn = self.pool.acquire().await.map_err(db)?;
            mark_failed(&mut conn, video, reason, at.unwrap_or(now)).await;
        }
        Ok(())
    }
}
