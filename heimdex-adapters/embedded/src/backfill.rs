//! The backfill on the embedded store (see [`heimdex_core::backfill`]).
//!
//! READY and FAILED rows without `processing_finished_at` get it from `updated_at`, one batch per
//! transaction. Nothing else changes: not start times, durations or queue times (never invented),
//! and not `updated_at` either, because a repair is not activity and must not move a user's
//! `last_activity`. A second run finds no candidates and changes nothing.

use async_trait::async_trait;
use heimdex_core::backfill::Backfill;
use heimdex_core::Result;

use super::error::db;
use super::EmbeddedStore;

const CANDIDATES: &str = "status IN ('READY', 'FAILED') AND processing_finished_at IS NULL";

#[async_trait]
impl Backfill for EmbeddedStore {
    async fn backfill_candidates(&self) -> Result<u64> {
        let count = format!("SELECT count(*) FROM videos WHERE {CANDIDATES}");
        let total: i64 = sqlx::query_scalar(&count)
            .fetch_one(&self.pool)
            .await
            .map_err(db)?;
        Ok(u64::try_from(total).unwrap_or(0))
    }

    async fn backfill_batch(&self, limit: u32) -> Result<u64> {
        let update = format!(
            "UPDATE videos SET processing_finished_at = updated_at \
             WHERE id IN (SELECT id FROM videos WHERE {CANDIDATES} LIMIT ?1)"
        );
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
        let done = sqlx::query(&update)
            .bind(i64::from(limit))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(done.rows_affected())
    }
}
