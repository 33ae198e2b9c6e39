//! [`SceneIndex`] for the embedded store: the `video_scenes` table, replaced per video in one
//! transaction. A pipeline's write is fenced: an attempt older than the row's or the queue's
//! latest is refused.

use async_trait::async_trait;
use heimdex_core::scenes::SceneWrite;
use heimdex_core::{Error, PerceptualHash, Result, SceneIndex, SceneRecord, VideoId};

use super::error::db;
use super::rows::{embedding_bytes, uuid_text, Cols};
use super::EmbeddedStore;
use heimdex_sql::decode;

#[async_trait]
impl SceneIndex for EmbeddedStore {
    /// Replaces the scenes in one transaction, refused for an `attempt` older than the row's or
    /// the queue's latest claim.
    async fn write_scenes<'a>(&self, write: SceneWrite<'a>) -> Result<()> {
        let SceneWrite { video, scenes, .. } = write;
        let id = uuid_text(video.0);
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
        let newest: Option<Option<i64>> = sqlx::query_scalar(
            "SELECT max(coalesce(v.processing_attempt, 0), \
             coalesce((SELECT j.attempt FROM jobs AS j WHERE j.video_id = v.id), 0)) \
             FROM videos AS v WHERE v.id = ?1",
        )
        .bind(&id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        let Some(newest) = newest else {
            return Err(Error::not_found(format!("video {video}")));
        };
        write.check(newest)?;
        sqlx::query("DELETE FROM video_scenes WHERE video_id = ?1")
            .bind(&id)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        for scene in scenes {
            let keyframes = serde_json::to_string(&scene.keyframes)
                .map_err(|e| Error::invalid(format!("keyframes: {e}")))?;
            sqlx::query(
                "INSERT INTO video_scenes (video_id, scene_index, start_s, end_s, transcript, \
                 keyframes, quality, embedding, image_embedding, perceptual_hash) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )
            .bind(&id)
            .bind(i64::from(scene.index))
            .bind(scene.start_s)
            .bind(scene.end_s)
            .bind(&scene.transcript)
            .bind(keyframes)
            .bind(scene.quality)
            .bind(scene.embedding.as_deref().map(embedding_bytes))
            .bind(scene.image_embedding.as_deref().map(embedding_bytes))
            .bind(scene.perceptual_hash.map(PerceptualHash::to_i64))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        tx.commit().await.map_err(db)
    }

    async fn scenes(&self, video: VideoId) -> Result<Vec<SceneRecord>> {
        let query = sqlx::query(
            "SELECT scene_index, start_s, end_s, transcript, keyframes, quality, embedding, \
             image_embedding, perceptual_hash \
             FROM video_scenes WHERE video_id = ?1 ORDER BY scene_index",
        )
        .bind(uuid_text(video.0));
        heimdex_sql::fetch_all(&self.pool, query, db, |row| decode::scene(&Cols(row))).await
    }
}
