//! [`Catalog`] for the PostgreSQL store: profiles, videos, searches and stage timings.
//!
//! Times the catalog writes (`created_at`, `updated_at`) are the server's `now()`, the same clock
//! the metric functions' windows use.

use async_trait::async_trait;
use heimdex_core::record::{
    MediaInfo, NewProfile, NewSearch, NewVideo, StageTimingRecord, VideoRecord,
};
use heimdex_core::{Catalog, Error, Result, SearchId, VideoId};
use sqlx::error::ErrorKind;
use sqlx::PgPool;

use super::error::db;
use super::rows::{self, STAGE_COLUMNS, VIDEO_COLUMNS};
use super::PgStore;
use heimdex_sql::{bind, conflict_as, found};

/// True when `err` is a foreign-key violation (the referenced profile does not exist).
fn is_missing_parent(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(e) if e.kind() == ErrorKind::ForeignKeyViolation)
}

#[async_trait]
impl Catalog for PgStore {
    async fn upsert_profile(&self, profile: NewProfile) -> Result<()> {
        let query = sqlx::query(
            "INSERT INTO user_profiles (user_id, full_name) VALUES ($1, $2) \
             ON CONFLICT (user_id) DO UPDATE SET full_name = excluded.full_name, updated_at = now()",
        )
        .bind(profile.user_id.0)
        .bind(profile.full_name);
        heimdex_sql::execute(&self.pool, query, db).await
    }

    /// An owner without a profile gets one with an empty name; `Conflict` when the given id is
    /// taken.
    async fn create_video(&self, video: NewVideo) -> Result<VideoId> {
        let id = video.id.unwrap_or_else(VideoId::new_v4);
        // One statement: the profile's row is there when the foreign key is checked at its end,
        // and a taken id leaves no profile behind.
        sqlx::query(
            "WITH owner AS (INSERT INTO user_profiles (user_id, full_name) VALUES ($2, '') \
             ON CONFLICT (user_id) DO NOTHING) \
             INSERT INTO videos (id, owner_id, storage_path, filename, status) \
             VALUES ($1, $2, $3, $4, 'PENDING')",
        )
        .bind(id.0)
        .bind(video.owner_id.0)
        .bind(video.storage_path)
        .bind(video.filename)
        .execute(&self.pool)
        .await
        .map_err(conflict_as(db, format!("video {id} already exists")))?;
        Ok(id)
    }

    async fn video(&self, id: VideoId) -> Result<Option<VideoRecord>> {
        fetch_video(&self.pool, id).await
    }

    async fn set_media_info(&self, id: VideoId, info: MediaInfo) -> Result<()> {
        let query = sqlx::query(
            "UPDATE videos SET duration_s = $2, frame_rate = $3, width = $4, height = $5, \
             updated_at = now() WHERE id = $1",
        )
        .bind(id.0);
        let done = bind::media_info(query, &info)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        found(done.rows_affected(), || format!("video {id}"))
    }

    /// Stored once per id (`ON CONFLICT (id) DO NOTHING`); `NotFound` for a user with no profile.
    async fn record_search(&self, search: NewSearch) -> Result<SearchId> {
        let user = search.user_id;
        sqlx::query(
            "INSERT INTO search_queries \
             (id, user_id, video_id, query_text, results_count, latency_ms) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
        )
        .bind(search.id.0)
        .bind(search.user_id.map(|u| u.0))
        .bind(search.video_id.map(|v| v.0))
        .bind(search.query_text)
        .bind(search.results_count)
        .bind(search.latency_ms)
        .execute(&self.pool)
        .await
        .map_err(|e| match user {
            Some(user) if is_missing_parent(&e) => Error::not_found(format!("user {user}")),
            _ => db(e),
        })?;
        Ok(search.id)
    }

    async fn stage_timings(&self, id: VideoId) -> Result<Vec<StageTimingRecord>> {
        let sql = format!(
            "SELECT {STAGE_COLUMNS} FROM video_stage_timings WHERE video_id = $1 \
             ORDER BY attempt, started_at, stage COLLATE \"C\""
        );
        let query = sqlx::query(&sql).bind(id.0);
        heimdex_sql::fetch_all(&self.pool, query, db, rows::stage_timing).await
    }
}

/// One video row, if it exists.
pub(crate) async fn fetch_video(pool: &PgPool, id: VideoId) -> Result<Option<VideoRecord>> {
    let sql = format!("SELECT {VIDEO_COLUMNS} FROM videos WHERE id = $1");
    let query = sqlx::query(&sql).bind(id.0);
    heimdex_sql::fetch_optional(pool, query, db, rows::video).await
}
