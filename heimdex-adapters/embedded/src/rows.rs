//! How core records are stored in SQLite, and read back.
//!
//! Encoding (the decision, kept in one place):
//! - Timestamps are `INTEGER` microseconds since the Unix epoch, UTC. That is PostgreSQL's
//!   precision, so a value round-trips exactly, compares and sorts as a plain integer, and the
//!   window filters are integer range scans. Sub-microsecond parts are truncated on write (the core
//!   keeps microseconds everywhere; see `heimdex_core::time`).
//! - UUIDs are `TEXT` in lowercase hyphenated form, as PostgreSQL prints them.
//! - `video_status` is `TEXT` with a `CHECK` on the four names.
//!
//! A stored value that does not decode (only possible for rows written by hand) is a
//! [`heimdex_core::Error::Backend`] naming the column, never a panic.

use std::str::FromStr;

use chrono::DateTime;
use heimdex_core::record::{SearchRecord, StageTimingRecord, VideoRecord};
use heimdex_core::time::Timestamp;
use heimdex_core::Error;
use heimdex_core::{Result, StageName, VideoStatus};
use sqlx::sqlite::SqliteRow;
use sqlx::Row;
use uuid::Uuid;

use super::error::{db, ADAPTER};

/// The columns of `videos`, in the order [`video`] reads them.
pub(crate) const VIDEO_COLUMNS: &str = "id, owner_id, storage_path, filename, status, duration_s, \
     frame_rate, width, height, error_message, created_at, updated_at, queued_at, \
     processing_started_at, processing_finished_at, processing_duration_ms, processing_stage, \
     processing_attempt";

/// The columns of `search_queries`.
pub(crate) const SEARCH_COLUMNS: &str =
    "id, user_id, video_id, query_text, results_count, latency_ms, created_at";

/// The columns of `video_stage_timings`.
pub(crate) const STAGE_COLUMNS: &str =
    "video_id, attempt, stage, started_at, finished_at, duration_ms, outcome, error";

/// A timestamp as stored: microseconds since the epoch.
pub(crate) fn micros(ts: Timestamp) -> i64 {
    ts.timestamp_micros()
}

/// An optional timestamp as stored.
pub(crate) fn opt_micros(ts: Option<Timestamp>) -> Option<i64> {
    ts.map(micros)
}

/// A uuid as stored.
pub(crate) fn uuid_text(id: Uuid) -> String {
    id.hyphenated().to_string()
}

pub(crate) fn get<'r, T>(row: &'r SqliteRow, column: &str) -> Result<T>
where
    T: sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
{
    row.try_get(column).map_err(db)
}

pub(crate) fn ts(row: &SqliteRow, column: &str) -> Result<Timestamp> {
    let v: i64 = get(row, column)?;
    DateTime::from_timestamp_micros(v)
        .ok_or_else(|| Error::corrupt(ADAPTER, format!("{column}: {v} is not a valid timestamp")))
}

pub(crate) fn opt_ts(row: &SqliteRow, column: &str) -> Result<Option<Timestamp>> {
    let v: Option<i64> = get(row, column)?;
    v.map(|v| {
        DateTime::from_timestamp_micros(v).ok_or_else(|| {
            Error::corrupt(ADAPTER, format!("{column}: {v} is not a valid timestamp"))
        })
    })
    .transpose()
}

fn parse_uuid(column: &str, text: &str) -> Result<Uuid> {
    Uuid::parse_str(text)
        .map_err(|_| Error::corrupt(ADAPTER, format!("{column}: {text:?} is not a uuid")))
}

pub(crate) fn id<T: From<Uuid>>(row: &SqliteRow, column: &str) -> Result<T> {
    let text: &str = get(row, column)?;
    parse_uuid(column, text).map(T::from)
}

pub(crate) fn opt_id<T: From<Uuid>>(row: &SqliteRow, column: &str) -> Result<Option<T>> {
    let text: Option<&str> = get(row, column)?;
    text.map(|t| parse_uuid(column, t).map(T::from)).transpose()
}

/// Reads a video status column.
pub(crate) fn status(row: &SqliteRow, column: &str) -> Result<VideoStatus> {
    let text: &str = get(row, column)?;
    VideoStatus::from_str(text)
        .map_err(|_| Error::corrupt(ADAPTER, format!("{column}: {text:?} is not a video status")))
}

/// Reads a count column (SQLite integers are signed).
pub(crate) fn count(row: &SqliteRow, column: &str) -> Result<u64> {
    let n: i64 = get(row, column)?;
    u64::try_from(n).map_err(|_| Error::corrupt(ADAPTER, format!("{column}: {n} is not a count")))
}

/// Reads a `videos` row selected with [`VIDEO_COLUMNS`].
pub(crate) fn video(row: &SqliteRow) -> Result<VideoRecord> {
    Ok(VideoRecord {
        id: id(row, "id")?,
        owner_id: id(row, "owner_id")?,
        storage_path: get(row, "storage_path")?,
        filename: get(row, "filename")?,
        status: status(row, "status")?,
        duration_s: get(row, "duration_s")?,
        frame_rate: get(row, "frame_rate")?,
        width: get(row, "width")?,
        height: get(row, "height")?,
        error_message: get(row, "error_message")?,
        created_at: ts(row, "created_at")?,
        updated_at: ts(row, "updated_at")?,
        queued_at: opt_ts(row, "queued_at")?,
        processing_started_at: opt_ts(row, "processing_started_at")?,
        processing_finished_at: opt_ts(row, "processing_finished_at")?,
        processing_duration_ms: get(row, "processing_duration_ms")?,
        processing_stage: get(row, "processing_stage")?,
        processing_attempt: get(row, "processing_attempt")?,
    })
}

/// Reads a `search_queries` row selected with [`SEARCH_COLUMNS`].
pub(crate) fn search(row: &SqliteRow) -> Result<SearchRecord> {
    Ok(SearchRecord {
        id: id(row, "id")?,
        user_id: opt_id(row, "user_id")?,
        video_id: opt_id(row, "video_id")?,
        query_text: get(row, "query_text")?,
        results_count: get(row, "results_count")?,
        latency_ms: get(row, "latency_ms")?,
        created_at: ts(row, "created_at")?,
    })
}

/// Reads a `video_stage_timings` row selected with [`STAGE_COLUMNS`].
pub(crate) fn stage_timing(row: &SqliteRow) -> Result<StageTimingRecord> {
    let stage: String = get(row, "stage")?;
    Ok(StageTimingRecord {
        video_id: id(row, "video_id")?,
        attempt: get(row, "attempt")?,
        stage: StageName::new(stage.clone()).map_err(|_| {
            Error::corrupt(ADAPTER, format!("stage: {stage:?} is not a stage name"))
        })?,
        started_at: ts(row, "started_at")?,
        finished_at: opt_ts(row, "finished_at")?,
        duration_ms: get(row, "duration_ms")?,
        outcome: get(row, "outcome")?,
        error: get(row, "error")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn timestamps_round_trip_through_microseconds_and_keep_their_order() {
        let a = chrono::Utc
            .with_ymd_and_hms(2025, 12, 23, 10, 30, 0)
            .unwrap()
            + chrono::TimeDelta::microseconds(123_456);
        let b = a + chrono::TimeDelta::microseconds(1);
        assert_eq!(DateTime::from_timestamp_micros(micros(a)), Some(a));
        assert!(micros(a) < micros(b));
        let before_epoch = chrono::Utc.with_ymd_and_hms(1960, 1, 1, 0, 0, 0).unwrap()
            + chrono::TimeDelta::microseconds(7);
        assert_eq!(
            DateTime::from_timestamp_micros(micros(before_epoch)),
            Some(before_epoch)
        );
    }

    #[test]
    fn uuids_are_stored_lowercase_hyphenated() {
        let id = Uuid::from_u128(0xABCDEF);
        assert_eq!(uuid_text(id), "00000000-0000-0000-0000-000000abcdef");
    }
}
