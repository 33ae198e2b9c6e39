//! The backfill on the PostgreSQL store (see [`heimdex_core::backfill`]).
//!
//! READY and FAILED rows without `processing_finished_at` get it from `updated_at`, one batch per
//! transaction (the partial index `idx_videos_backfill` finds them). Nothing else changes: not
//! start times, durations or queue times (never invented), and not `updated_at` either, because a
//! repair is not activity and must not move a user's `last_activity`. A second run finds no
//! candidates and changes nothing; a dry run only counts.

use async_trait::async_trait;
use heimdex_core::backfill::Backfill;
use heimdex_core::Result;

use super::error::db;
use super::PgStore;

const CANDIDATES: &str = "status IN ('READY', 'FAILED') AND processing_finished_at IS NULL";

#[async_trait]
impl Backfill for PgStore {
    async fn backfill_candidates(&self) -> Result<u64> {
        let total: i64 =
            sqlx::query_scalar(&format!("SELECT count(*) FROM videos WHERE {CANDIDATES}"))
                .fetch_one(&self.pool)
                .await
                .map_err(db)?;
        Ok(u64::try_from(total).unwrap_or(0))
    }

    /// The outer condition is checked again on the locked row, so a row another writer finished
    /// meanwhile keeps its own `processing_finished_at`.
    async fn backfill_batch(&self, limit: u32) -> Result<u64> {
        let update = format!(
            "UPDATE videos SET processing_finished_at = updated_at \
             WHERE id IN (SELECT id FROM videos WHERE {CANDIDATES} LIMIT $1) AND {CANDIDATES}"
        );
        let done = sqlx::query(&update)
            .bind(i64::from(limit))
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(done.rows_affected())
    }
}
