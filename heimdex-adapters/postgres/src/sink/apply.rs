//! One batch of timing events in one transaction, with the core's one definition of what each
//! event does to a row (`heimdex_core::timing::apply`).
//!
//! The batch's video rows are read once with `SELECT … FOR UPDATE` (in id order, so two writers
//! never deadlock), every event is applied to its row in memory in order, and each changed row is
//! written back once with `UPDATE … FROM UNNEST(…)`; the stage rows go in with one
//! `INSERT … ON CONFLICT (video_id, attempt, stage) DO UPDATE`. Three round trips per batch,
//! whatever its size. `updated_at` is the server's `now()` (the transaction's start), the clock
//! every other writer and the metric windows use.
//!
//! An event for an unknown video, one the core rejects (absurd duration, an end before its start,
//! …) or a job event of an older attempt leaves the row untouched and is counted (as the in-memory
//! store counts them); it never aborts the batch. A stage event of an older attempt still writes
//! that attempt's stage row. The core's function refuses before it writes, so a refused event
//! never leaves half a change. An event of an attempt older than the queue's latest claim of the
//! video (`jobs.attempt`) is stale too (`apply_fenced`): a worker that lost its lease never
//! overwrites the newer attempt. The row lock means a
//! concurrent writer (the queue, the catalog) is never overwritten with stale values.

use std::collections::{BTreeMap, HashMap};

use heimdex_core::record::{StageTimingRecord, VideoRecord};
use heimdex_core::time::Timestamp;
use heimdex_core::timing::buffered::{HeldRow, Unapplied};
use heimdex_core::{TimingEvent, VideoId};
use sqlx::{PgConnection, PgPool, Row};
use uuid::Uuid;

use crate::rows::{self, VIDEO_COLUMNS};

/// Applies `events` in order in one transaction; any database error rolls the whole batch back.
pub(super) async fn write(pool: &PgPool, events: &[TimingEvent]) -> Result<Unapplied, sqlx::Error> {
    let mut out = Unapplied::default();
    let mut ids: Vec<Uuid> = events.iter().map(|e| e.video().0).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut tx = pool.begin().await?;
    let (mut loaded, now) = load(&mut tx, &ids, &mut out).await?;
    let mut stages: BTreeMap<(Uuid, i32, String), StageTimingRecord> = BTreeMap::new();
    // The transaction's `now()`, read with the rows; without rows no event is applied.
    let now = now.unwrap_or_default();
    for event in events {
        if let Some(stage) = out.apply(loaded.get_mut(&event.video()), event, now) {
            let key = (
                stage.video_id.0,
                stage.attempt,
                stage.stage.as_str().to_owned(),
            );
            stages.insert(key, stage);
        }
    }
    let dirty: Vec<&VideoRecord> = loaded
        .values()
        .filter(|l| l.dirty)
        .map(|l| &l.row)
        .collect();
    update_videos(&mut tx, &dirty).await?;
    upsert_stages(&mut tx, &stages.values().collect::<Vec<_>>()).await?;
    tx.commit().await?;
    Ok(out)
}

/// Locks and reads the rows of `ids` that exist, with the transaction's `now()`. A row that does
/// not decode (written by hand with bad values) is treated as absent and counted as rejected.
async fn load(
    conn: &mut PgConnection,
    ids: &[Uuid],
    out: &mut Unapplied,
) -> Result<(HashMap<VideoId, HeldRow>, Option<Timestamp>), sqlx::Error> {
    let sql = format!(
        "SELECT {VIDEO_COLUMNS}, now() AS written_at, \
         (SELECT j.attempt FROM jobs AS j WHERE j.video_id = videos.id) AS newest_claim \
         FROM videos WHERE id = ANY($1) ORDER BY id FOR UPDATE OF videos"
    );
    let found = sqlx::query(&sql).bind(ids).fetch_all(conn).await?;
    let mut now = None;
    let mut loaded = HashMap::with_capacity(found.len());
    for row in &found {
        now = Some(row.try_get::<Timestamp, _>("written_at")?);
        match rows::video(row) {
            Ok(record) => {
                let newest_claim = row.try_get("newest_claim")?;
                loaded.insert(record.id, HeldRow::new(record, newest_claim));
            }
            Err(err) => {
                let id: Uuid = row.try_get("id")?;
                tracing::warn!(video = %id, error = %err, "video row does not decode; timing left out");
                out.rejected += 1;
            }
        }
    }
    Ok((loaded, now))
}

/// Writes back every column an event may change, for all changed rows in one statement.
async fn update_videos(conn: &mut PgConnection, rows: &[&VideoRecord]) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "UPDATE videos AS v SET status = u.status::video_status, error_message = u.error_message, \
         updated_at = u.updated_at, queued_at = u.queued_at, \
         processing_started_at = u.processing_started_at, \
         processing_finished_at = u.processing_finished_at, \
         processing_duration_ms = u.processing_duration_ms, \
         processing_stage = u.processing_stage, processing_attempt = u.processing_attempt, \
         duration_s = u.duration_s \
         FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], \
         $6::timestamptz[], $7::timestamptz[], $8::int4[], $9::text[], $10::int4[], $11::float8[]) \
         AS u(id, status, error_message, updated_at, queued_at, processing_started_at, \
         processing_finished_at, processing_duration_ms, processing_stage, processing_attempt, \
         duration_s) \
         WHERE v.id = u.id",
    )
    .bind(rows.iter().map(|r| r.id.0).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.status.as_str()).collect::<Vec<_>>())
    .bind(
        rows.iter()
            .map(|r| r.error_message.clone())
            .collect::<Vec<_>>(),
    )
    .bind(rows.iter().map(|r| r.updated_at).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.queued_at).collect::<Vec<_>>())
    .bind(
        rows.iter()
            .map(|r| r.processing_started_at)
            .collect::<Vec<_>>(),
    )
    .bind(
        rows.iter()
            .map(|r| r.processing_finished_at)
            .collect::<Vec<_>>(),
    )
    .bind(
        rows.iter()
            .map(|r| r.processing_duration_ms)
            .collect::<Vec<_>>(),
    )
    .bind(
        rows.iter()
            .map(|r| r.processing_stage.clone())
            .collect::<Vec<_>>(),
    )
    .bind(
        rows.iter()
            .map(|r| r.processing_attempt)
            .collect::<Vec<_>>(),
    )
    .bind(rows.iter().map(|r| r.duration_s).collect::<Vec<_>>())
    .execute(conn)
    .await?;
    Ok(())
}

/// Inserts or replaces the stage rows (one per key: the batch's last event for it wins).
async fn upsert_stages(
    conn: &mut PgConnection,
    all: &[&StageTimingRecord],
) -> Result<(), sqlx::Error> {
    if all.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO video_stage_timings \
         (video_id, attempt, stage, started_at, finished_at, duration_ms, outcome, error) \
         SELECT * FROM UNNEST($1::uuid[], $2::int4[], $3::text[], $4::timestamptz[], \
         $5::timestamptz[], $6::int4[], $7::text[], $8::text[]) \
         ON CONFLICT (video_id, attempt, stage) DO UPDATE SET \
         started_at = excluded.started_at, finished_at = excluded.finished_at, \
         duration_ms = excluded.duration_ms, outcome = excluded.outcome, error = excluded.error",
    )
    .bind(all.iter().map(|t| t.video_id.0).collect::<Vec<_>>())
    .bind(all.iter().map(|t| t.attempt).collect::<Vec<_>>())
    .bind(
        all.iter()
            .map(|t| t.stage.as_str().to_owned())
            .collect::<Vec<_>>(),
    )
    .bind(all.iter().map(|t| t.started_at).collect::<Vec<_>>())
    .bind(all.iter().map(|t| t.finished_at).collect::<Vec<_>>())
    .bind(all.iter().map(|t| t.duration_ms).collect::<Vec<_>>())
    .bind(all.iter().map(|t| t.outcome.clone()).collect::<Vec<_>>())
    .bind(all.iter().map(|t| t.error.clone()).collect::<Vec<_>>())
    .execute(conn)
    .await?;
    Ok(())
}
