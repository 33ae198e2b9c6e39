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

use chrono::DateTime;
use heimdex_core::record::{SearchRecord, StageTimingRecord, VideoRecord};
use heimdex_core::time::Timestamp;
use heimdex_core::Error;
use heimdex_core::Result;
use heimdex_sql::{decode, Columns};
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

pub(crate) fn opt_id<T: From<Uuid>>(row: &SqliteRow, column: &str) -> Result<Option<T>> {
    let text: Option<&str> = get(row, column)?;
    text.map(|t| parse_uuid(column, t).map(T::from)).transpose()
}

/// Reads a `videos` row selected with [`VIDEO_COLUMNS`].
pub(crate) fn video(row: &SqliteRow) -> Result<VideoRecord> {
    decode::video(&Cols(row))
}

/// Reads a `search_queries` row selected with [`SEARCH_COLUMNS`].
pub(crate) fn search(row: &SqliteRow) -> Result<SearchRecord> {
    decode::search(&Cols(row))
}

/// Reads a `video_stage_timings` row selected with [`STAGE_COLUMNS`].
pub(crate) fn stage_timing(row: &SqliteRow) -> Result<StageTimingRecord> {
    decode::stage_timing(&Cols(row))
}

/// A SQLite row read through [`Columns`], decoding the storage described in the module docs:
/// keyframes as a JSON array, embeddings as little-endian `f32` bytes.
pub(crate) struct Cols<'r>(pub(crate) &'r SqliteRow);

impl Columns for Cols<'_> {
    const ADAPTER: &'static str = ADAPTER;

    fn opt_int(&self, column: &str) -> Result<Option<i64>> {
        get(self.0, column)
    }

    fn opt_float(&self, column: &str) -> Result<Option<f64>> {
        get(self.0, column)
    }

    fn opt_text(&self, column: &str) -> Result<Option<String>> {
        get(self.0, column)
    }

    fn opt_uuid(&self, column: &str) -> Result<Option<Uuid>> {
        opt_id(self.0, column)
    }

    fn opt_time(&self, column: &str) -> Result<Option<Timestamp>> {
        opt_ts(self.0, column)
    }

    fn opt_floats(&self, column: &str) -> Result<Option<Vec<f32>>> {
        let bytes: Option<Vec<u8>> = get(self.0, column)?;
        bytes.map(|b| embedding_from(column, &b)).transpose()
    }

    fn texts(&self, column: &str) -> Result<Vec<String>> {
        let Some(json) = get::<Option<String>>(self.0, column)? else {
            return Ok(Vec::new());
        };
        serde_json::from_str(&json).map_err(|e| Error::corrupt(ADAPTER, format!("{column}: {e}")))
    }
}

/// An embedding (text or image) as stored: little-endian `f32` bytes.
pub(crate) fn embedding_bytes(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

fn embedding_from(column: &str, bytes: &[u8]) -> Result<Vec<f32>> {
    if !bytes.len().is_multiple_of(4) {
        return Err(Error::corrupt(
            ADAPTER,
            format!("{column}: an embedding of {} bytes", bytes.len()),
        ));
    }
    Ok(bytes
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect())
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
