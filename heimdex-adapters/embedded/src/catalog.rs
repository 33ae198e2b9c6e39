//! [`Catalog`] for the embedded store: profiles, videos, searches and stage timings.

use async_trait::async_trait;
use heimdex_core::record::{
    MediaInfo, NewProfile, NewSearch, NewVideo, StageTimingRecord, VideoRecord,
};
use heimdex_core::{Catalog, Error, Result, SearchId, UserId, VideoId};
use sqlx::{SqliteConnection, SqlitePool};

use super::error::db;
use super::rows::{self, micros, uuid_text, STAGE_COLUMNS, VIDEO_COLUMNS};
use super::EmbeddedStore;
use heimdex_sql::{bind, conflict_as, found};

#[async_trait]
impl Catalog for EmbeddedStore {
    async fn upsert_profile(&self, profile: NewProfile) -> Result<()> {
        let now = micros(self.now());
        let query = sqlx::query(
            "INSERT INTO user_profiles (user_id, full_name, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?3) \
             ON CONFLICT (user_id) DO UPDATE SET full_name = excluded.full_name, \
             updated_at = excluded.updated_at",
        )
        .bind(uuid_text(profile.user_id.0))
        .bind(profile.full_name)
        .bind(now);
        heimdex_sql::execute(&self.pool, query, db).await
    }

    /// An owner without a profile gets one with an empty name; `Conflict` when the given id is
    /// taken.
    async fn create_video(&self, video: NewVideo) -> Result<VideoId> {
        let id = video.id.unwrap_or_else(VideoId::new_v4);
        let now = micros(self.now());
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
        ensure_profile(&mut tx, video.owner_id, now).await?;
        sqlx::query(
            "INSERT INTO videos (id, owner_id, storage_path, filename, status, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, 'PENDING', ?5, ?5)",
        )
        .bind(uuid_text(id.0))
        .bind(uuid_text(video.owner_id.0))
        .bind(video.storage_path)
        .bind(video.filename)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(conflict_as(db, format!("video {id} already exists")))?;
        tx.commit().await.map_err(db)?;
        Ok(id)
    }

    async fn video(&self, id: VideoId) -> Result<Option<VideoRecord>> {
        fetch_video(&self.pool, id).await
    }

    async fn set_media_info(&self, id: VideoId, info: MediaInfo) -> Result<()> {
        let query = sqlx::query(
            "UPDATE videos SET duration_s = ?2, frame_rate = ?3, width = ?4, height = ?5, \
             updated_at = ?6 WHERE id = ?1",
        )
        .bind(uuid_text(id.0));
        let done = bind::media_info(query, &info)
            .bind(micros(self.now()))
            .execute(&self.pool)
            .await
            .map_err(db)?;
        found(done.rows_affected(), || format!("video {id}"))
    }

    /// Stored once per id (`ON CONFLICT (id) DO NOTHING`); `NotFound` for a user with no profile.
    async fn record_search(&self, search: NewSearch) -> Result<SearchId> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
        if let Some(user) = search.user_id {
            require_profile(&mut tx, user).await?;
        }
        sqlx::query(
            "INSERT INTO search_queries \
             (id, user_id, video_id, query_text, results_count, latency_ms, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (id) DO NOTHING",
        )
        .bind(uuid_text(search.id.0))
        .bind(search.user_id.map(|u| uuid_text(u.0)))
        .bind(search.video_id.map(|v| uuid_text(v.0)))
        .bind(search.query_text)
        .bind(search.results_count)
        .bind(search.latency_ms)
        .bind(micros(self.now()))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(search.id)
    }

    async fn stage_timings(&self, id: VideoId) -> Result<Vec<StageTimingRecord>> {
        let sql = format!(
            "SELECT {STAGE_COLUMNS} FROM video_stage_timings WHERE video_id = ?1 \
             ORDER BY attempt, started_at, stage"
        );
        let query = sqlx::query(&sql).bind(uuid_text(id.0));
        heimdex_sql::fetch_all(&self.pool, query, db, rows::stage_timing).await
    }
}

/// One video row, if it exists.
pub(crate) async fn fetch_video(pool: &SqlitePool, id: VideoId) -> Result<Option<VideoRecord>> {
    let sql = format!("SELECT {VIDEO_COLUMNS} FROM videos WHERE id = ?1");
    let query = sqlx::query(&sql).bind(uuid_text(id.0));
    heimdex_sql::fetch_optional(pool, query, db, rows::video).await
}

async fn ensure_profile(conn: &mut SqliteConnection, user: UserId, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO user_profiles (user_id, full_name, created_at, updated_at) \
         VALUES (?1, '', ?2, ?2) ON CONFLICT (user_id) DO NOTHING",
    )
    .bind(uuid_text(user.0))
    .bind(now)
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}

async fn require_profile(conn: &mut SqliteConnection, user: UserId) -> Result<()> {
    let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM user_profiles WHERE user_id = ?1")
        .bind(uuid_text(user.0))
        .fetch_optional(conn)
        .await
        .map_err(db)?;
    match found {
        Some(_) => Ok(()),
        None => Err(Error::not_found(format!("user {user}"))),
    }
}
