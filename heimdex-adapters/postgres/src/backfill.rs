//! The backfill on the PostgreSQL store (see [`heimdex_core::backfill`]).
//!
//! READY and FAILED rows without `processing_finished_at` get it from `updated_at`, one batch per
//! transaction (the partial index `idx_videos_backfill` finds them). Nothing else changes: not
//! start times, durations or queue times (never invented), and not `updated_at` either, because a
//! repair is not activity and must not move a user's `last_activity`. A second run finds no
//! candidates and changes nothing; a dry run only counts.

use heimdex_core::Result;
use sqlx::PgPool;

use super::error::db;
use heimdex_core::backfill::{BackfillOptions, BackfillProgress, BackfillReport};

const CANDIDATES: &str = "status IN ('READY', 'FAILED') AND processing_finished_at IS NULL";

/// Runs the backfill (or, with `dry_run`, only counts), reporting progress after each batch.
pub(crate) async fn run(
    pool: &PgPool,
    options: BackfillOptions,
    progress: &(dyn Fn(BackfillProgress) + Send + Sync),
) -> Result<BackfillReport> {
    let total: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM videos WHERE {CANDIDATES}"))
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
    // The outer condition is checked again on the locked row, so a row another writer finished
    // meanwhile keeps its own processing_finished_at.
    let update = format!(
        "UPDATE videos SET processing_finished_at = updated_at \
         WHERE id IN (SELECT id FROM videos WHERE {CANDIDATES} LIMIT $1) AND {CANDIDATES}"
    );
    let batch = i64::from(options.batch_size.max(1));
    loop {
        let done = sqlx::query(&update)
            .bind(batch)
            .execute(pool)
            .await
            .map_err(db)?
            .rows_affected();
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
