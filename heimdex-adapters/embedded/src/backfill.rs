//! The backfill on the embedded store: [`heimdex_sql::backfill`]'s statement, one batch per
//! write transaction.

use async_trait::async_trait;
use heimdex_core::backfill::Backfill;
use heimdex_core::Result;
use heimdex_sql::backfill;

use super::error::db;
use super::EmbeddedStore;

#[async_trait]
impl Backfill for EmbeddedStore {
    async fn backfill_candidates(&self) -> Result<u64> {
        heimdex_sql::count(&self.pool, &backfill::count_statement(), db).await
    }

    async fn backfill_batch(&self, limit: u32) -> Result<u64> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
        let done = sqlx::query(&backfill::repair_statement("?1"))
            .bind(i64::from(limit))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(done.rows_affected())
    }
}
