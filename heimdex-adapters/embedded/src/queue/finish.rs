//! Heartbeat, finish and release: every one checks the lease token, so a worker that lost its lease
//! can never overwrite a newer attempt.

use heimdex_sql::{decode, lease_held};
use std::time::Duration;

use heimdex_core::job::JobOutcome;
use heimdex_core::queue::{ClaimedJob, FinishOutcome, Lease};
use heimdex_core::Result;
use sqlx::query::Query;
use sqlx::sqlite::SqliteArguments;
use sqlx::Sqlite;

use super::{after, instant, micros, EmbeddedJobQueue};
use crate::error::db;
use crate::rows::Cols;

const HEARTBEAT: &str = "
UPDATE jobs SET lease_expires_at = ?3, available_at = ?3, updated_at = ?4
WHERE video_id = ?1 AND lease_token = ?2 AND state = 'running'";

/// The token is kept after a finish so that a replay of the same finish can be recognised.
const SUCCEED: &str = "
UPDATE jobs
SET state = 'done', last_error = NULL, lease_expires_at = NULL, finished_at = ?3,
    available_at = ?3, updated_at = ?3
WHERE video_id = ?1 AND lease_token = ?2 AND state = 'running'";

/// `?3` is `queued` (claimable again at `?4`) or `dead`.
const FAIL: &str = "
UPDATE jobs
SET state = ?3, last_error = ?5, lease_expires_at = NULL, available_at = ?4,
    finished_at = CASE WHEN ?3 = 'dead' THEN ?6 END, updated_at = ?6
WHERE video_id = ?1 AND lease_token = ?2 AND state = 'running'";

const RELEASE: &str = "
UPDATE jobs
SET state = 'queued', tries = max(tries - 1, 0), lease_token = NULL, lease_expires_at = NULL,
    worker_id = NULL, available_at = ?3, updated_at = ?3
WHERE video_id = ?1 AND lease_token = ?2 AND state = 'running'";

/// What the attempt holding `?2` ended as, for recognising a replayed finish.
const ENDED: &str = "SELECT state, available_at FROM jobs WHERE video_id = ?1 AND lease_token = ?2";

impl EmbeddedJobQueue {
    pub(super) async fn extend(&self, job: &ClaimedJob, lease: Duration) -> Result<Lease> {
        let now = heimdex_core::time::now();
        let expires = after(now, lease);
        let extended = fenced(HEARTBEAT, job)
            .bind(expires)
            .bind(micros(now))
            .execute(&self.pool)
            .await
            .map_err(db)?;
        lease_held(extended.rows_affected(), job)?;
        Ok(Lease {
            token: job.lease.token,
            expires_at: instant(expires),
        })
    }

    pub(super) async fn finish_one(
        &self,
        job: &ClaimedJob,
        outcome: &JobOutcome,
    ) -> Result<FinishOutcome> {
        let now = heimdex_core::time::now();
        let Some((message, kind)) = outcome.failure() else {
            let done = fenced(SUCCEED, job)
                .bind(micros(now))
                .execute(&self.pool)
                .await
                .map_err(db)?;
            return match done.rows_affected() {
                0 => self.replay(job, outcome).await,
                _ => Ok(FinishOutcome::Done),
            };
        };
        // The lease fences the write, and the job's tries cannot change while it is held.
        let verdict = self.policy.verdict(job.tries, kind);
        let at = after(now, verdict.wait());
        let failed = fenced(FAIL, job)
            .bind(verdict.state())
            .bind(at)
            .bind(&message)
            .bind(micros(now))
            .execute(&self.pool)
            .await
            .map_err(db)?;
        match failed.rows_affected() {
            0 => self.replay(job, outcome).await,
            _ => Ok(verdict.finished(instant(at))),
        }
    }

    /// A finish that changed nothing: the same finish replayed gets its outcome again; anything
    /// else lost the lease.
    async fn replay(&self, job: &ClaimedJob, outcome: &JobOutcome) -> Result<FinishOutcome> {
        let decode = |row: &_| decode::job_ended(&Cols(row));
        heimdex_sql::replay(&self.pool, fenced(ENDED, job), db, decode, job, outcome).await
    }

    pub(super) async fn release_one(&self, job: &ClaimedJob) -> Result<()> {
        let released = fenced(RELEASE, job)
            .bind(micros(heimdex_core::time::now()))
            .execute(&self.pool)
            .await
            .map_err(db)?;
        lease_held(released.rows_affected(), job)?;
        self.announcer.announce();
        Ok(())
    }
}

/// `sql` with `job`'s video and lease token bound as `?1` and `?2`: a statement fenced by the lease.
fn fenced<'q>(sql: &'q str, job: &ClaimedJob) -> Query<'q, Sqlite, SqliteArguments<'q>> {
    sqlx::query(sql)
        .bind(job.job.video.to_string())
        .bind(job.lease.token.to_string())
}
