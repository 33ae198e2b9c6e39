//! Reading rows of `videos` and `video_stage_timings` into the core's records.

use heimdex_core::record::{StageTimingRecord, VideoRecord};
use heimdex_core::Error;
use heimdex_core::{Result, StageName, UserId, VideoId, VideoStatus};
use sqlx::postgres::PgRow;
use sqlx::Row;

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
    let status: String = row.try_get("status").map_err(db)?;
    let status = status
        .parse::<VideoStatus>()
        .map_err(|_| Error::corrupt(ADAPTER, format!("unknown video status {status:?}")))?;
    Ok(VideoRecord {
        id: VideoId(row.try_get("id").map_err(db)?),
        owner_id: UserId(row.try_get("owner_id").map_err(db)?),
        storage_path: row.try_get("storage_path").map_err(db)?,
        filename: row.try_get("filename").map_err(db)?,
        status,
        duration_s: row.try_get("duration_s").map_err(db)?,
        frame_rate: row.try_get("frame_rate").map_err(db)?,
        width: row.try_get("width").map_err(db)?,
        height: row.try_get("height").map_err(db)?,
        error_message: row.try_get("error_message").map_err(db)?,
        created_at: row.try_get("created_at").map_err(db)?,
        updated_at: row.try_get("updated_at").map_err(db)?,
        queued_at: row.try_get("queued_at").map_err(db)?,
        processing_started_at: row.try_get("processing_started_at").map_err(db)?,
        processing_finished_at: row.try_get("processing_finished_at").map_err(db)?,
        processing_duration_ms: row.try_get("processing_duration_ms").map_err(db)?,
        processing_stage: row.try_get("processing_stage").map_err(db)?,
        processing_attempt: row.try_get("processing_attempt").map_err(db)?,
    })
}

/// A `video_stage_timings` row selected with [`STAGE_COLUMNS`].
pub(crate) fn stage_timing(row: &PgRow) -> Result<StageTimingRecord> {
    let stage: String = row.try_get("stage").map_err(db)?;
    Ok(StageTimingRecord {
        video_id: VideoId(row.try_get("video_id").map_err(db)?),
        attempt: row.try_get("attempt").map_err(db)?,
        stage: StageName::new(stage).map_err(|e| Error::corrupt(ADAPTER, e.to_string()))?,
        started_at: row.try_get("started_at").map_err(db)?,
        finished_at: row.try_get("finished_at").map_err(db)?,
        duration_ms: row.try_get("duration_ms").map_err(db)?,
        outcome: row.try_get("outcome").map_err(db)?,
        error: row.try_get("error").map_err(db)?,
    })
}
