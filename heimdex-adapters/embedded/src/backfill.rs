//! The backfill on the embedded store (see [`heimdex_core::backfill`]).
//!
//! READY and FAILED rows without `processing_finished_at` get it from `updated_at`, one batch per
//! transaction. Nothing else changes: not start times, durations or queue times (never invented),
//! and not `updated_at` either, because a repair is not activity and must not move a user's
//! `last_activity`. A second run finds no candidates and changes nothing.

use heimdex_core::Result;
use sqlx::SqlitePool;

use super::error::db;
use heimdex_core::backfill::{BackfillOptions, BackfillProgress, BackfillReport};

const CANDIDATES: &str = "status IN ('READY', 'FAILED') AND processing_finished_at IS NULL";

/// Runs the backfill (or, with `dry_run`, only counts), reporting progress after each batch.
pub(crate) async fn run(
    pool: &SqlitePool,
    options: BackfillOptions,
    progress: &(dyn Fn(BackfillProgress) + Send + Sync),
) -> Result<BackfillReport> {
    let count_sql = format!("SELECT count(*) FROM videos WHERE {CANDIDATES}");
    let total: i64 = sqlx::query_scalar(&count_sql)
        .fetch_one(pool)
        .await
        .map_err(db)?;
    let candidates = u64::try_from(total).unwrap_or(0);
    let mut report = BackfillReport {
        candidates,
        updated: 0,
        batches: 0,
        dry_run: options.dry_run,
    };
    if options.dry_run || candidates == 0 {
        return Ok(report);
    }
    let update_sql = format!(
        "UPDATE videos SET processing_finished_at = updated_at \
         WHERE id IN (SELECT id FROM videos WHERE {CANDIDATES} LIMIT ?1)"
    );
    let batch = i64::from(options.batch_size.max(1));
    loop {
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
        let done = sqlx::query(&update_sql)
            .bind(batch)
            .execute(&mut *tx)
            .await
            .map_err(db)?
            .rows_affected();
        tx.commit().await.map_err(db)?;
        if done == 0 {
            break;
        }
        report.updated += done;
        report.batches += 1;
        progress(BackfillProgress {
            total: candidates,
            done: report.updated,
        });
    }
    Ok(report)
}
