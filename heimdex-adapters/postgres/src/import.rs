//! Bulk import of a [`Dataset`]: one transaction, one `INSERT … SELECT FROM UNNEST(arrays)` per
//! table and chunk, so 10,000 videos take a couple of round trips.

use async_trait::async_trait;
use heimdex_core::record::Dataset;
use heimdex_core::testkit::Import;
use heimdex_core::{Error, Result};
use sqlx::error::ErrorKind;
use sqlx::PgConnection;
use uuid::Uuid;

use super::error;
use super::PgStore;

/// Like [`error::db`], but a row that references a missing profile or video is `NotFound` (as the
/// in-memory store reports it).
fn db(err: sqlx::Error) -> Error {
    if let sqlx::Error::Database(e) = &err {
        if e.kind() == ErrorKind::ForeignKeyViolation {
            let what = match e.constraint() {
                Some(c) if c.contains("video_id") => "video",
                _ => "user",
            };
            return Error::not_found(format!("{what} referenced by an imported row"));
        }
    }
    error::db(err)
}

/// Rows per statement: each column travels as one array parameter.
const CHUNK: usize = 5_000;

#[async_trait]
impl Import for PgStore {
    /// One transaction, one multi-row insert per table and chunk. Rows are inserted exactly as
    /// given; a row whose key already exists is `Conflict` and nothing is imported.
    async fn import(&self, data: &Dataset) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        profiles(&mut tx, data).await?;
        videos(&mut tx, data).await?;
        searches(&mut tx, data).await?;
        stage_timings(&mut tx, data).await?;
        tx.commit().await.map_err(db)
    }
}

async fn profiles(conn: &mut PgConnection, data: &Dataset) -> Result<()> {
    for chunk in data.profiles.chunks(CHUNK) {
        sqlx::query(
            "INSERT INTO user_profiles (user_id, full_name, created_at, updated_at) \
             SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::timestamptz[], $4::timestamptz[])",
        )
        .bind(chunk.iter().map(|p| p.user_id.0).collect::<Vec<Uuid>>())
        .bind(
            chunk
                .iter()
                .map(|p| p.full_name.clone())
                .collect::<Vec<_>>(),
        )
        .bind(chunk.iter().map(|p| p.created_at).collect::<Vec<_>>())
        .bind(chunk.iter().map(|p| p.updated_at).collect::<Vec<_>>())
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    }
    Ok(())
}

async fn videos(conn: &mut PgConnection, data: &Dataset) -> Result<()> {
    for chunk in data.videos.chunks(CHUNK) {
        sqlx::query(
            "INSERT INTO videos (id, owner_id, storage_path, filename, status, duration_s, \
             frame_rate, width, height, error_message, created_at, updated_at, queued_at, \
             processing_started_at, processing_finished_at, processing_duration_ms, \
             processing_stage, processing_attempt) \
             SELECT id, owner_id, storage_path, filename, status::video_status, duration_s, \
             frame_rate, width, height, error_message, created_at, updated_at, queued_at, \
             processing_started_at, processing_finished_at, processing_duration_ms, \
             processing_stage, processing_attempt \
             FROM UNNEST($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], \
             $6::float8[], $7::float8[], $8::int4[], $9::int4[], $10::text[], \
             $11::timestamptz[], $12::timestamptz[], $13::timestamptz[], $14::timestamptz[], \
             $15::timestamptz[], $16::int4[], $17::text[], $18::int4[]) \
             AS v(id, owner_id, storage_path, filename, status, duration_s, frame_rate, width, \
             height, error_message, created_at, updated_at, queued_at, processing_started_at, \
             processing_finished_at, processing_duration_ms, processing_stage, processing_attempt)",
        )
        .bind(chunk.iter().map(|v| v.id.0).collect::<Vec<Uuid>>())
        .bind(chunk.iter().map(|v| v.owner_id.0).collect::<Vec<Uuid>>())
        .bind(
            chunk
                .iter()
                .map(|v| v.storage_path.clone())
                .collect::<Vec<_>>(),
        )
        .bind(chunk.iter().map(|v| v.filename.clone()).collect::<Vec<_>>())
        .bind(chunk.iter().map(|v| v.status.as_str()).collect::<Vec<_>>())
        .bind(chunk.iter().map(|v| v.duration_s).collect::<Vec<_>>())
        .bind(chunk.iter().map(|v| v.frame_rate).collect::<Vec<_>>())
        .bind(chunk.iter().map(|v| v.width).collect::<Vec<_>>())
        .bind(chunk.iter().map(|v| v.height).collect::<Vec<_>>())
        .bind(
            chunk
                .iter()
                .map(|v| v.error_message.clone())
                .collect::<Vec<_>>(),
        )
        .bind(chunk.iter().map(|v| v.created_at).collect::<Vec<_>>())
        .bind(chunk.iter().map(|v| v.updated_at).collect::<Vec<_>>())
        .bind(chunk.iter().map(|v| v.queued_at).collect::<Vec<_>>())
        .bind(
            chunk
                .iter()
                .map(|v| v.processing_started_at)
                .collect::<Vec<_>>(),
        )
        .bind(
            chunk
                .iter()
                .map(|v| v.processing_finished_at)
                .collect::<Vec<_>>(),
        )
        .bind(
            chunk
                .iter()
                .map(|v| v.processing_duration_ms)
                .collect::<Vec<_>>(),
        )
        .bind(
            chunk
                .iter()
                .map(|v| v.processing_stage.clone())
                .collect::<Vec<_>>(),
        )
        .bind(
            chunk
                .iter()
                .map(|v| v.processing_attempt)
                .collect::<Vec<_>>(),
        )
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    }
    Ok(())
}

async fn searches(conn: &mut PgConnection, data: &Dataset) -> Result<()> {
    for chunk in data.searches.chunks(CHUNK) {
        sqlx::query(
            "INSERT INTO search_queries \
             (id, user_id, video_id, query_text, results_count, latency_ms, created_at) \
             SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::int4[], \
             $6::int4[], $7::timestamptz[])",
        )
        .bind(chunk.iter().map(|s| s.id.0).collect::<Vec<Uuid>>())
        .bind(
            chunk
                .iter()
                .map(|s| s.user_id.map(|u| u.0))
                .collect::<Vec<_>>(),
        )
        .bind(
            chunk
                .iter()
                .map(|s| s.video_id.map(|v| v.0))
                .collect::<Vec<_>>(),
        )
        .bind(
            chunk
                .iter()
                .map(|s| s.query_text.clone())
                .collect::<Vec<_>>(),
        )
        .bind(chunk.iter().map(|s| s.results_count).collect::<Vec<_>>())
        .bind(chunk.iter().map(|s| s.latency_ms).collect::<Vec<_>>())
        .bind(chunk.iter().map(|s| s.created_at).collect::<Vec<_>>())
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    }
    Ok(())
}

async fn stage_timings(conn: &mut PgConnection, data: &Dataset) -> Result<()> {
    for chunk in data.stage_timings.chunks(CHUNK) {
        sqlx::query(
            "INSERT INTO video_stage_timings \
             (video_id, attempt, stage, started_at, finished_at, duration_ms, outcome, error) \
             SELECT * FROM UNNEST($1::uuid[], $2::int4[], $3::text[], $4::timestamptz[], \
             $5::timestamptz[], $6::int4[], $7::text[], $8::text[])",
        )
        .bind(chunk.iter().map(|t| t.video_id.0).collect::<Vec<Uuid>>())
        .bind(chunk.iter().map(|t| t.attempt).collect::<Vec<_>>())
        .bind(
            chunk
                .iter()
                .map(|t| t.stage.as_str().to_owned())
                .collect::<Vec<_>>(),
        )
        .bind(chunk.iter().map(|t| t.started_at).collect::<Vec<_>>())
        .bind(chunk.iter().map(|t| t.finished_at).collect::<Vec<_>>())
        .bind(chunk.iter().map(|t| t.duration_ms).collect::<Vec<_>>())
        .bind(chunk.iter().map(|t| t.outcome.clone()).collect::<Vec<_>>())
        .bind(chunk.iter().map(|t| t.error.clone()).collect::<Vec<_>>())
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    }
    Ok(())
}
