//! Heartbeat, finish and release: every one checks the lease token, so a worker that lost its lease
//! can never overwrite a newer attempt.

use heimdex_sql::{decode, lease_held};
use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use heimdex_core::job::JobOutcome;
use heimdex_core::queue::{ClaimedJob, FinishOutcome, Lease};
use heimdex_core::Error;
use heimdex_core::Result;
use sqlx::postgres::PgArguments;
use sqlx::query::Query;
use sqlx::Postgres;
use sqlx::Row;
use uuid::Uuid;

use super::error::db;
use super::{micros, PgJobQueue};
use crate::rows::Cols;

const HEARTBEAT: &str = "
UPDATE jobs
SET lease_expires_at = now() + $3 * interval '1 microsecond',
    available_at = now() + $3 * interval '1 microsecond', updated_at = now()
WHERE video_id = $1 AND lease_token = $2 AND state = 'running'
RETURNING lease_expires_at";

/// The token is kept after a finish so that a replay of the same finish can be recognised.
const SUCCEED: &str = "
UPDATE jobs
SET state = 'done', last_error = NULL, lease_expires_at = NULL, finished_at = now(),
    available_at = now(), updated_at = now()
WHERE video_id = ANY($1) AND lease_token = ANY($2) AND state = 'running'
RETURNING video_id, lease_token";

/// `$3` is `queued` (retry after `$4` µs) or `dead`.
const FAIL: &str = "
UPDATE jobs
SET state = $3, last_error = $5, lease_expires_at = NULL,
    available_at = now() + $4 * interval '1 microsecond',
    finished_at = CASE WHEN $3 = 'dead' THEN now() END, updated_at = now()
WHERE video_id = $1 AND lease_token = $2 AND state = 'running'
RETURNING available_at";

const RELEASE: &str = "
UPDATE jobs
SET state = 'queued', tries = greatest(tries - 1, 0), lease_token = NULL,
    lease_expires_at = NULL, worker_id = NULL, available_at = now(), updated_at = now()
WHERE video_id = $1 AND lease_token = $2 AND state = 'running'";

/// What the attempt holding `$2` ended as, for recognising a replayed finish.
const ENDED: &str = "
SELECT state, available_at FROM jobs WHERE video_id = $1 AND lease_token = $2";

impl PgJobQueue {
    pub(super) async fn extend(&self, job: &ClaimedJob, lease: Duration) -> Result<Lease> {
        let row = fenced(HEARTBEAT, job)
            .bind(micros(lease))
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?
            .ok_or_else(|| Error::lease_lost(job.job.video))?;
        Ok(Lease {
            token: job.lease.token,
            expires_at: row.try_get("lease_expires_at").map_err(db)?,
        })
    }

    pub(super) async fn finish_one(
        &self,
        job: &ClaimedJob,
        outcome: &JobOutcome,
    ) -> Result<FinishOutcome> {
        let video = job.job.video.as_uuid();
        let token = job.lease.token;
        let Some((message, kind)) = outcome.failure() else {
            let done = self.succeed_batch(&[(video, token)]).await?;
            return match done.is_empty() {
                false => Ok(FinishOutcome::Done),
                true => self.replay(job, outcome).await,
            };
        };
        // The lease fences the write, and the job's tries cannot change while it is held.
        let verdict = self.policy.verdict(job.tries, kind);
        let at: Option<DateTime<Utc>> = sqlx::query_scalar(FAIL)
            .bind(video)
            .bind(token)
            .bind(verdict.state())
            .bind(micros(verdict.wait()))
            .bind(&message)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        match at {
            Some(at) => Ok(verdict.finished(at)),
            None => self.replay(job, outcome).await,
        }
    }

    /// Successes in one statement (the ones it did not change are checked one by one, as a
    /// replay or a lost lease); failures one by one.
    pub(super) async fn finish_many(
        &self,
        jobs: &[(ClaimedJob, JobOutcome)],
    ) -> Vec<Result<FinishOutcome>> {
        let pairs: Vec<(Uuid, Uuid)> = jobs
            .iter()
            .filter(|(_, outcome)| outcome.is_success())
            .map(|(j, _)| (j.job.video.as_uuid(), j.lease.token))
            .collect();
        let done = match self.succeed_batch(&pairs).await {
            Ok(done) => Some(done),
            Err(err) => {
                tracing::warn!(error = %err, "batch finish failed; finishing one by one");
                None
            }
        };
        let mut results = Vec::with_capacity(jobs.len());
        for (job, outcome) in jobs {
            let key = (job.job.video.as_uuid(), job.lease.token);
            results.push(match (&done, outcome.is_success()) {
                (Some(done), true) if done.contains(&key) => Ok(FinishOutcome::Done),
                (Some(_), true) => self.replay(job, outcome).await,
                _ => self.finish_one(job, outcome).await,
            });
        }
        results
    }

    async fn succeed_batch(&self, pairs: &[(Uuid, Uuid)]) -> Result<HashSet<(Uuid, Uuid)>> {
        if pairs.is_empty() {
            return Ok(HashSet::new());
        }
        let (videos, tokens): (Vec<Uuid>, Vec<Uuid>) = pairs.iter().copied().unzip();
        // `video_id = ANY AND token = ANY` is exact because every claim has its own random token.
        let rows = sqlx::query(SUCCEED)
            .bind(&videos)
            .bind(&tokens)
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.iter()
            .map(|r| Ok((r.try_get(0).map_err(db)?, r.try_get(1).map_err(db)?)))
            .collect()
    }

    /// A finish that changed nothing: the same finish replayed gets its outcome again; anything
    /// else lost the lease.
    async fn replay(&self, job: &ClaimedJob, outcome: &JobOutcome) -> Result<FinishOutcome> {
        let decode = |row: &_| decode::job_ended(&Cols(row));
        heimdex_sql::replay(&self.pool, fenced(ENDED, job), db, decode, job, outcome).await
    }

    pub(super) async fn release_one(&self, job: &ClaimedJob) -> Result<()> {
        let released = fenced(RELEASE, job).execute(&self.pool).await.map_err(db)?;
        lease_held(released.rows_affected(), job)?;
        Ok(())
    }
}

/// `sql` with `job`'s video and lease token bound as `$1` and `$2`: a statement fenced by the lease.
fn fenced<'q>(sql: &'q str, job: &ClaimedJob) -> Query<'q, Postgres, PgArguments> {
    sqlx::query(sql)
        .bind(job.job.video.as_uuid())
        .bind(job.lease.token)
}
