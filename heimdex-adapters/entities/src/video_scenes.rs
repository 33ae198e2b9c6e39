//! The table `video_scenes`: the scenes a video was cut into, replaced as a whole on every run.

use heimdex_core::{PerceptualHash, SceneRecord};
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A row of `video_scenes`; the primary key is `(video_id, scene_index)`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "video_scenes")]
pub struct Model {
    /// `video_id uuid NOT NULL REFERENCES videos (id) ON DELETE CASCADE`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub video_id: Uuid,
    /// `scene_index integer NOT NULL CHECK (scene_index >= 0)`: 0-based position in the video.
    #[sea_orm(primary_key, auto_increment = false)]
    pub scene_index: i32,
    /// `start_s double precision NOT NULL`: seconds from the beginning of the video.
    pub start_s: f64,
    /// `end_s double precision NOT NULL` (`>= start_s`): seconds from the beginning of the video.
    pub end_s: f64,
    /// `transcript text NOT NULL DEFAULT ''`: what is said during the scene.
    pub transcript: String,
    /// `keyframes text[] NOT NULL DEFAULT '{}'`: paths of the scene's keyframe images.
    pub keyframes: Vec<String>,
    /// `quality double precision`: frame quality score, when computed.
    pub quality: Option<f64>,
    /// `embedding real[]`: text embedding of the transcript, when computed.
    pub embedding: Option<Vec<f32>>,
    /// `image_embedding real[]`: image embedding of the best keyframe, when computed.
    pub image_embedding: Option<Vec<f32>>,
    /// `perceptual_hash bigint`: the best keyframe's 64-bit hash, its bits as a signed integer
    /// ([`PerceptualHash::from_i64`]).
    pub perceptual_hash: Option<i64>,
}

/// The relations of `video_scenes`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The video (`video_id`, a foreign key).
    #[sea_orm(
        belongs_to = "super::videos::Entity",
        from = "Column::VideoId",
        to = "super::videos::Column::Id",
        on_delete = "Cascade"
    )]
    Video,
}

impl Related<super::videos::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Video.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

impl TryFrom<Model> for SceneRecord {
    type Error = heimdex_core::Error;

    /// Fails only for a negative `scene_index`, which the table's check rules out.
    fn try_from(row: Model) -> Result<Self, Self::Error> {
        let index = u32::try_from(row.scene_index).map_err(|_| {
            heimdex_core::Error::invalid(format!("negative scene index {}", row.scene_index))
        })?;
        Ok(Self {
            index,
            start_s: row.start_s,
            end_s: row.end_s,
            transcript: row.transcript,
            keyframes: row.keyframes,
            quality: row.quality,
            embedding: row.embedding,
            image_embedding: row.image_embedding,
            perceptual_hash: row.perceptual_hash.map(PerceptualHash::from_i64),
        })
    }
}
