//! Reading PostgreSQL rows into the core's records through [`heimdex_sql::decode`].

use heimdex_core::record::{StageTimingRecord, VideoRecord};
use heimdex_core::time::Timestamp;
use heimdex_core::{Error, Result};
use heimdex_sql::{decode, Columns};
use sqlx::postgres::PgRow;
use sqlx::{Postgres, Row, TypeInfo, ValueRef};
use uuid::Uuid;

use super::error::{db, ADAPTER};

/// The `videos` columns [`video`] reads, in its order (`status` as text).
pub(crate) const VIDEO_COLUMNS: &str =
    "id, owner_id, storage_path, filename, status::text AS status, \
    duration_s, frame_rate, width, height, error_message, created_at, updated_at, queued_at, \
    processing_started_at, processing_finished_at, processing_duration_ms, processing_stage, \
    processing_attempt";

/// The `video_stage_timings` columns [`stage_timing`] reads.
pub(crate) const STAGE_COLUMNS: &str =
    "video_id, attempt, stage, started_at, finished_at, duration_ms, outcome, error";

/// A `videos` row selected with [`VIDEO_COLUMNS`].
pub(crate) fn video(row: &PgRow) -> Result<VideoRecord> {
    decode::video(&Cols(row))
}

/// A `video_stage_timings` row selected with [`STAGE_COLUMNS`].
pub(crate) fn stage_timing(row: &PgRow) -> Result<StageTimingRecord> {
    decode::stage_timing(&Cols(row))
}

/// A PostgreSQL row read through [`Columns`]: integers and floats of any width, uuids native or
/// as text (the origin's functions return ids as text), `timestamptz`, `real[]` and `text[]`.
pub(crate) struct Cols<'r>(pub(crate) &'r PgRow);

impl Cols<'_> {
    /// The column's type name (`INT4`, `UUID`, ...).
    fn type_name(&self, column: &str) -> Result<String> {
        let raw = self.0.try_get_raw(column).map_err(db)?;
        Ok(raw.type_info().name().to_owned())
    }

    fn get<'r, T>(&'r self, column: &str) -> Result<T>
    where
        T: sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres>,
    {
        self.0.try_get(column).map_err(db)
    }
}

impl Columns for Cols<'_> {
    const ADAPTER: &'static str = ADAPTER;

    fn opt_int(&self, column: &str) -> Result<Option<i64>> {
        Ok(match self.type_name(column)?.as_str() {
            "INT2" => self.get::<Option<i16>>(column)?.map(i64::from),
            "INT4" => self.get::<Option<i32>>(column)?.map(i64::from),
            _ => self.get(column)?,
        })
    }

    fn opt_float(&self, column: &str) -> Result<Option<f64>> {
        Ok(match self.type_name(column)?.as_str() {
            "FLOAT4" => self.get::<Option<f32>>(column)?.map(f64::from),
            _ => self.get(column)?,
        })
    }

    fn opt_text(&self, column: &str) -> Result<Option<String>> {
        self.get(column)
    }

    fn opt_uuid(&self, column: &str) -> Result<Option<Uuid>> {
        if self.type_name(column)? == "UUID" {
            return self.get(column);
        }
        self.get::<Option<String>>(column)?
            .map(|text| {
                text.parse().map_err(|_| {
                    Error::corrupt(ADAPTER, format!("{column}: {text:?} is not a uuid"))
                })
            })
            .transpose()
    }

    fn opt_time(&self, column: &str) -> Result<Option<Timestamp>> {
        self.get(column)
    }

    fn opt_floats(&self, column: &str) -> Result<Option<Vec<f32>>> {
        self.get(column)
    }

    fn texts(&self, column: &str) -> Result<Vec<String>> {
        Ok(self.get::<Option<Vec<String>>>(column)?.unwrap_or_default())
    }
}
