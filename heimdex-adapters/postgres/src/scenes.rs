//! [`SceneIndex`] for the PostgreSQL store: the `video_scenes` table, replaced per video in one
//! transaction (the video row is locked first, so two concurrent re-runs cannot interleave). A
//! pipeline's write is fenced: an attempt older than the row's or the queue's latest is refused.

use async_trait::async_trait;
use heimdex_core::scenes::{check_attempt, validate_scenes};
use heimdex_core::{Error, PerceptualHash, Result, SceneIndex, SceneRecord, VideoId};

use super::error::db;
use super::PgStore;
use crate::rows::Cols;
use heimdex_sql::decode;

#[async_trait]
impl SceneIndex for PgStore {
    /// Replaces the scenes in one transaction, refused for an `attempt` older than the row's or
    /// the queue's latest claim.
    async fn replace_scenes_fenced(
        &self,
        video: VideoId,
        attempt: Option<u32>,
        scenes: &[SceneRecord],
    ) -> Result<()> {
        validate_scenes(scenes)?;
        let mut tx = self.pool.begin().await.map_err(db)?;
        let newest: Option<Option<i32>> = sqlx::query_scalar(
            "SELECT greatest(v.processing_attempt, \
             (SELECT j.attempt FROM jobs AS j WHERE j.video_id = v.id)) \
             FROM videos AS v WHERE v.id = $1 FOR UPDATE OF v",
        )
        .bind(video.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        let Some(newest) = newest else {
            return Err(Error::not_found(format!("video {video}")));
        };
        check_attempt(video, attempt, newest.map(i64::from))?;
        sqlx::query("DELETE FROM video_scenes WHERE video_id = $1")
            .bind(video.0)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        for scene in scenes {
            sqlx::query(
                "INSERT INTO video_scenes (video_id, scene_index, start_s, end_s, transcript, \
                 keyframes, quality, embedding, image_embedding, perceptual_hash) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(video.0)
            .bind(
                i32::try_from(scene.index).map_err(|_| {
                    Error::invalid(format!("scene index {} is too large", scene.index))
                })?,
            )
            .bind(scene.start_s)
            .bind(scene.end_s)
            .bind(&scene.transcript)
            .bind(&scene.keyframes)
            .bind(scene.quality)
            .bind(scene.embedding.as_deref())
            .bind(scene.image_embedding.as_deref())
            .bind(scene.perceptual_hash.map(PerceptualHash::to_i64))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        tx.commit().await.map_err(db)
    }

    async fn scenes(&self, video: VideoId) -> Result<Vec<SceneRecord>> {
        let rows = sqlx::query(
            "SELECT scene_index, start_s, end_s, transcript, keyframes, quality, embedding, \
             image_embedding, perceptual_hash \
             FROM video_scenes WHERE video_id = $1 ORDER BY scene_index",
        )
        .bind(video.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(|row| decode::scene(&Cols(row))).collect()
    }
}
