//! The backfill on the PostgreSQL store: [`heimdex_sql::backfill`]'s statement, one batch per
//! statement (the partial index `idx_videos_backfill` finds the rows).

use async_trait::async_trait;
use heimdex_core::backfill::Backfill;
use heimdex_core::Result;
use heimdex_sql::backfill;

use super::error::db;
use super::PgStore;

#[async_trait]
impl Backfill for PgStore {
    async fn backfill_candidates(&self) -> Result<u64> {
        heimdex_sql::count(&self.pool, &backfill::count_statement(), db).await
    }

    async fn backfill_batch(&self, limit: u32) -> Result<u64> {
        let done = sqlx::query(&backfill::repair_statement("$1"))
            .bind(i64::from(limit))
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(done.rows_affected())
    }
}
