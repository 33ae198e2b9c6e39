//! The backfill's SQL, the same on both stores (see [`heimdex_core::backfill`]).
//!
//! READY and FAILED rows without `processing_finished_at` get it from `updated_at`. Nothing else
//! changes: not start times, durations or queue times (never invented), and not `updated_at`
//! either, because a repair is not activity and must not move a user's `last_activity`. A second
//! run finds no candidates and changes nothing.

use heimdex_core::{Error, Result};
use sqlx::{Database, Decode, Executor, IntoArguments, Pool, Type};

/// The rows the backfill repairs.
const CANDIDATES: &str = "status IN ('READY', 'FAILED') AND processing_finished_at IS NULL";

/// How many rows the backfill would repair.
pub async fn candidates<DB>(pool: &Pool<DB>, db: impl Fn(sqlx::Error) -> Error) -> Result<u64>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'r> i64: Decode<'r, DB> + Type<DB>,
    usize: sqlx::ColumnIndex<DB::Row>,
{
    crate::count(
        pool,
        &format!("SELECT count(*) FROM videos WHERE {CANDIDATES}"),
        db,
    )
    .await
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
