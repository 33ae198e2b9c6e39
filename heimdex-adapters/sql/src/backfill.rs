//! The backfill's SQL, the same on both stores (see [`heimdex_core::backfill`]).
//!
//! READY and FAILED rows without `processing_finished_at` get it from `updated_at`. Nothing else
//! changes: not start times, durations or queue times (never invented), and not `updated_at`
//! either, because a repair is not activity and must not move a user's `last_activity`. A second
//! run finds no candidates and changes nothing.

/// The rows the backfill repairs.
const CANDIDATES: &str = "status IN ('READY', 'FAILED') AND processing_finished_at IS NULL";

/// The statement that counts the rows the backfill would repair (for [`count`](crate::count)).
pub fn count_statement() -> String {
    format!("SELECT count(*) FROM videos WHERE {CANDIDATES}")
}

/// The statement that repairs at most `limit` rows, `limit` being the dialect's first parameter
/// (`$1`, `?1`). The condition is checked again on the row being updated, so a row another writer
/// finished meanwhile keeps its own `processing_finished_at`.
pub fn repair_statement(limit: &str) -> String {
    format!(
        "UPDATE videos SET processing_finished_at = updated_at \
         WHERE id IN (SELECT id FROM videos WHERE {CANDIDATES} LIMIT {limit}) AND {CANDIDATES}"
    )
}
