//! One batch of timing events in one transaction, with the core's one definition of what each
//! event does to a row (`heimdex_core::timing::apply`).
//!
//! Each event's video row is read once per batch (inside the transaction, which holds SQLite's
//! write lock from its first statement: `BEGIN IMMEDIATE`), every event is applied to the row in
//! memory in order, and each changed row is written back once. An event for an unknown video, one
//! the core rejects (absurd duration or attempt, end before start, …), and a stale job event (an
//! older attempt) leave the row untouched and are counted; they never abort the batch. A stale
//! *stage* event still writes its attempt's `video_stage_timings` row, as the core prescribes, and
//! is not counted — the same rules as `heimdex_core::memory::MemoryStore`, applied by
//! `Unapplied::apply`. An event of an attempt
//! older than the queue's latest claim of the video (`jobs.attempt`) is stale too
//! (`apply_fenced`): a worker that lost its lease never overwrites the newer attempt.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use heimdex_core::record::{StageTimingRecord, VideoRecord};
use heimdex_core::time::Timestamp;
use heimdex_core::timing::buffered::{HeldRow, Unapplied};
use heimdex_core::{TimingEvent, VideoId};
use sqlx::SqliteConnection;
use sqlx::SqlitePool;

use crate::rows::{self, micros, opt_micros, uuid_text, VIDEO_COLUMNS};

/// Applies `events` in order in one transaction; any database error rolls the whole batch back.
pub(super) async fn write(
    pool: &SqlitePool,
    events: &[TimingEvent],
    written_at: Timestamp,
) -> Result<Unapplied, sqlx::Error> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let mut rows: HashMap<VideoId, Option<HeldRow>> = HashMap::new();
    let mut out = Unapplied::default();
    for event in events {
        let held = match rows.entry(event.video()) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(first) => {
                let loaded = load(&mut tx, event.video()).await?;
                first.insert(loaded.map(|(row, newest_claim)| HeldRow::new(row, newest_claim)))
            }
        };
        if let Some(stage) = out.apply(held.as_mut(), event, written_at) {
            upsert_stage(&mut tx, &stage).await?;
        }
    }
    for loaded in rows.values().flatten().filter(|l| l.dirty) {
        update_video(&mut tx, &loaded.row).await?;
    }
    tx.commit().await?;
    Ok(out)
}

/// The row and the queue's latest attempt for it (`jobs.attempt`), `None` when the video does not
/// exist. A row that does not decode (written by hand with bad values) is treated as absent, so
/// the sink leaves it alone.
async fn load(
    conn: &mut SqliteConnection,
    video: VideoId,
) -> Result<Option<(VideoRecord, Option<i32>)>, sqlx::Error> {
    let sql = format!(
        "SELECT {VIDEO_COLUMNS}, \
         (SELECT j.attempt FROM jobs AS j WHERE j.video_id = videos.id) AS newest_claim \
         FROM videos WHERE id = ?1"
    );
    let found = sqlx::query(&sql)
        .bind(uuid_text(video.0))
        .fetch_optional(conn)
        .await?;
    let newest_claim = match &found {
        Some(row) => sqlx::Row::try_get::<Option<i64>, _>(row, "newest_claim")?
            .and_then(|a| i32::try_from(a).ok()),
        None => None,
    };
    match found.as_ref().map(rows::video).transpose() {
        Ok(row) => Ok(row.map(|row| (row, newest_claim))),
        Err(err) => {
            tracing::warn!(%video, error = %err, "video row does not decode; timing left out");
            Ok(None)
        }
    }
}

async fn update_video(conn: &mut SqliteConnection, row: &VideoRecord) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE videos SET status = ?2, duration_s = ?3, frame_rate = ?4, width = ?5, height = ?6, \
         error_message = ?7, updated_at = ?8, queued_at = ?9, processing_started_at = ?10, \
         processing_finished_at = ?11, processing_duration_ms = ?12, processing_stage = ?13, \
         processing_attempt = ?14 WHERE id = ?1",
    )
    .bind(uuid_text(row.id.0))
    .bind(row.status.as_str())
    .bind(row.duration_s)
    .bind(row.frame_rate)
    .bind(row.width)
    .bind(row.height)
    .bind(row.error_message.as_deref())
    .bind(micros(row.updated_at))
    .bind(opt_micros(row.queued_at))
    .bind(opt_micros(row.processing_started_at))
    .bind(opt_micros(row.processing_finished_at))
    .bind(row.processing_duration_ms)
    .bind(row.processing_stage.as_deref())
    .bind(row.processing_attempt)
    .execute(conn)
    .await?;
    Ok(())
}

async fn upsert_stage(
    conn: &mut SqliteConnection,
    stage: &StageTimingRecord,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO video_stage_timings \
         (video_id, attempt, stage, started_at, finished_at, duration_ms, outcome, error) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
         ON CONFLICT (video_id, attempt, stage) DO UPDATE SET \
         started_at = excluded.started_at, finished_at = excluded.finished_at, \
         duration_ms = excluded.duration_ms, outcome = excluded.outcome, error = excluded.error",
    )
    .bind(uuid_text(stage.video_id.0))
    .bind(stage.attempt)
    .bind(stage.stage.as_str())
    .bind(micros(stage.started_at))
    .bind(opt_micros(stage.finished_at))
    .bind(stage.duration_ms)
    .bind(stage.outcome.as_deref())
    .bind(stage.error.as_deref())
    .execute(conn)
    .await?;
    Ok(())
}
