//! Putting jobs on the queue (enqueue, re-enqueue of dead jobs) and listing dead jobs.

use heimdex_core::queue::{DeadJob, EnqueueOutcome, NewJob};
use heimdex_core::{Error, Result, VideoId};

use super::video::mark_queued;
use super::{micros, EmbeddedJobQueue};
use crate::error::db;
use crate::rows::Cols;
use heimdex_sql::decode;

/// Inserts the job, or revives a finished one (keeping `attempt`); a queued or running job is left
/// alone and no row comes back.
const UPSERT: &str = "
INSERT INTO jobs (video_id, source, owner_id, available_at, queued_written_at, enqueued_at,
                  created_at, updated_at)
VALUES (?1, ?2, ?3, ?4, ?4, ?4, ?4, ?4)
ON CONFLICT (video_id) DO UPDATE
SET state = 'queued', source = excluded.source, owner_id = excluded.owner_id, tries = 0,
    lease_token = NULL, lease_expires_at = NULL, worker_id = NULL, last_error = NULL,
    available_at = ?4, queued_written_at = ?4, enqueued_at = ?4, finished_at = NULL,
    updated_at = ?4
WHERE jobs.state IN ('done', 'dead')
RETURNING video_id";

const REVIVE: &str = "
UPDATE jobs
SET state = 'queued', tries = 0, lease_token = NULL, lease_expires_at = NULL, worker_id = NULL,
    last_error = NULL, available_at = ?2, queued_written_at = ?2, enqueued_at = ?2,
    finished_at = NULL, updated_at = ?2
WHERE video_id = ?1 AND state = 'dead'
RETURNING video_id";

const DEAD: &str = "
SELECT video_id, tries, coalesce(last_error, '') AS reason,
       coalesce(finished_at, updated_at) AS died_at
FROM jobs WHERE state = 'dead' ORDER BY died_at, video_id";

impl EmbeddedJobQueue {
    pub(super) async fn enqueue_one(&self, job: &NewJob) -> Result<EnqueueOutcome> {
        let now = heimdex_core::time::now();
        let mut tx = self.pool.begin().await.map_err(db)?;
        // The write comes first, so this transaction takes the write lock at once.
        let inserted = sqlx::query(UPSERT)
            .bind(job.video.to_string())
            .bind(&job.source)
            .bind(job.owner.map(|o| o.to_string()))
            .bind(micros(now))
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
        if inserted.is_none() {
            return Ok(EnqueueOutcome::AlreadyActive);
        }
        // In the same transaction: no worker can start the job before its queued_at is written.
        mark_queued(&mut tx, job.video, now).await;
        tx.commit().await.map_err(db)?;
        self.reports.queued(job.video, now);
        self.announcer.announce();
        Ok(EnqueueOutcome::Enqueued)
    }

    pub(super) async fn revive(&self, video: VideoId) -> Result<()> {
        let now = heimdex_core::time::now();
        let mut tx = self.pool.begin().await.map_err(db)?;
        let revived = sqlx::query(REVIVE)
            .bind(video.to_string())
            .bind(micros(now))
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
        if revived.is_none() {
            return Err(Error::not_found(format!("dead job for video {video}")));
        }
        mark_queued(&mut tx, video, now).await;
        tx.commit().await.map_err(db)?;
        self.reports.queued(video, now);
        self.announcer.announce();
        Ok(())
    }

    pub(super) async fn list_dead(&self) -> Result<Vec<DeadJob>> {
        heimdex_sql::fetch_all(&self.pool, sqlx::query(DEAD), db, |row| {
            decode::dead_job(&Cols(row))
        })
        .await
    }
}
