//! [`SceneIndex`] for the PostgreSQL store: the `video_scenes` table, replaced per video in one
//! transaction (the video row is locked first, so two concurrent re-runs cannot interleave). A
//! pipeline's write is fenced: an attempt older than the row's or the queue's latest is refused.

use async_trait::async_trait;
use heimdex_core::scenes::SceneWrite;
use heimdex_core::{Error, PerceptualHash, Result, SceneIndex, SceneRecord, VideoId};
use sqlx::{Postgres, QueryBuilder};

use super::error::db;
use super::PgStore;
use crate::rows::Cols;
use heimdex_sql::decode;

/// Scenes per `INSERT` (10 parameters each, far below PostgreSQL's 65,535).
const SCENES_PER_STATEMENT: usize = 1_000;

#[async_trait]
impl SceneIndex for PgStore {
    /// Replaces the scenes in one transaction, refused for an `attempt` older than the row's or
    /// the queue's latest claim.
    async fn write_scenes<'a>(&self, write: SceneWrite<'a>) -> Result<()> {
        let SceneWrite { video, scenes, .. } = write;
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
        write.check(newest.map(i64::from))?;
        sqlx::query("DELETE FROM video_scenes WHERE video_id = $1")
            .bind(video.0)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        let indices = scenes
            .iter()
            .map(|scene| {
                i32::try_from(scene.index).map_err(|_| {
                    Error::invalid(format!("scene index {} is too large", scene.index))
                })
            })
            .collect::<Result<Vec<i32>>>()?;
        // A few statements for any number of scenes: the server is a round trip away.
        let rows: Vec<(i32, &SceneRecord)> = indices.into_iter().zip(scenes).collect();
        for chunk in rows.chunks(SCENES_PER_STATEMENT) {
            let mut insert = QueryBuilder::<Postgres>::new(
                "INSERT INTO video_scenes (video_id, scene_index, start_s, end_s, transcript, \
                 keyframes, quality, embedding, image_embedding, perceptual_hash) ",
            );
            insert.push_values(chunk, |mut values, (index, scene)| {
                values
                    .push_bind(video.0)
                    .push_bind(*index)
                    .push_bind(scene.start_s)
                    .push_bind(scene.end_s)
                    .push_bind(&scene.transcript)
                    .push_bind(&scene.keyframes)
                    .push_bind(scene.quality)
                    .push_bind(scene.embedding.as_deref())
                    .push_bind(scene.image_embedding.as_deref())
                    .push_bind(scene.perceptual_hash.map(PerceptualHash::to_i64));
            });
            insert.build().execute(&mut *tx).await.map_err(db)?;
        }
        tx.commit().await.map_err(db)
    }

    async fn scenes(&self, video: VideoId) -> Result<Vec<SceneRecord>> {
        let query = sqlx::query(
            "SELECT scene_index, start_s, end_s, transcript, keyframes, quality, embedding, \
             image_embedding, perceptual_hash \
             FROM video_scenes WHERE video_id = $1 ORDER BY scene_index",
        )
        .bind(video.0);
        heimdex_sql::fetch_all(&self.pool, query, db, |row| decode::scene(&Cols(row))).await
    }
}
