//! Candidate rows for the metrics: SQL narrows by window and status where an index helps, and
//! `heimdex_core::stats` then computes every number from the rows (and re-applies its own
//! filters). Each query here therefore returns a superset of the rows its metric counts, never
//! fewer: that is the one rule this file must keep.

use heimdex_core::record::{SearchRecord, StageTimingRecord, VideoRecord};
use heimdex_core::time::Timestamp;
use heimdex_core::{Result, VideoStatus};
use sqlx::sqlite::SqliteRow;
use sqlx::SqlitePool;

use super::error::db;
use super::rows::{self, micros, SEARCH_COLUMNS, STAGE_COLUMNS, VIDEO_COLUMNS};

/// `status IN (…)` for a set of statuses (the names are the enum's own spellings, never input).
fn status_in(statuses: &[VideoStatus]) -> String {
    let names: Vec<String> = statuses
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect();
    format!("status IN ({})", names.join(", "))
}

async fn fetch<T>(
    pool: &SqlitePool,
    sql: &str,
    since: Timestamp,
    decode: fn(&SqliteRow) -> Result<T>,
) -> Result<Vec<T>> {
    let found = sqlx::query(sql)
        .bind(micros(since))
        .fetch_all(pool)
        .await
        .map_err(db)?;
    found.iter().map(decode).collect()
}

/// Videos of `statuses` with `processing_finished_at >= since` (latency, RTF, queue, failures).
pub(crate) async fn finished_since(
    pool: &SqlitePool,
    statuses: &[VideoStatus],
    since: Timestamp,
) -> Result<Vec<VideoRecord>> {
    let sql = format!(
        "SELECT {VIDEO_COLUMNS} FROM videos WHERE processing_finished_at >= ?1 AND {}",
        status_in(statuses)
    );
    fetch(pool, &sql, since, rows::video).await
}

/// Videos of `statuses` with `coalesce(processing_finished_at, updated_at) >= since`
/// (throughput v1 and v2; the expression index covers READY and FAILED rows).
pub(crate) async fn completed_since(
    pool: &SqlitePool,
    statuses: &[VideoStatus],
    since: Timestamp,
) -> Result<Vec<VideoRecord>> {
    let sql = format!(
        "SELECT {VIDEO_COLUMNS} FROM videos \
         WHERE coalesce(processing_finished_at, updated_at) >= ?1 AND {}",
        status_in(statuses)
    );
    fetch(pool, &sql, since, rows::video).await
}

/// Searches with `created_at >= since` (search series).
pub(crate) async fn searches_since(
    pool: &SqlitePool,
    since: Timestamp,
) -> Result<Vec<SearchRecord>> {
    let sql = format!("SELECT {SEARCH_COLUMNS} FROM search_queries WHERE created_at >= ?1");
    fetch(pool, &sql, since, rows::search).await
}

/// Stage runs that started or finished at or after `since` (stage latency).
pub(crate) async fn stage_timings_since(
    pool: &SqlitePool,
    since: Timestamp,
) -> Result<Vec<StageTimingRecord>> {
    let sql = format!(
        "SELECT {STAGE_COLUMNS} FROM video_stage_timings WHERE finished_at >= ?1 OR started_at >= ?1"
    );
    fetch(pool, &sql, since, rows::stage_timing).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_filters_use_the_stored_spellings() {
        assert_eq!(
            status_in(&[VideoStatus::Ready, VideoStatus::Failed]),
            "status IN ('READY', 'FAILED')"
        );
    }
}
