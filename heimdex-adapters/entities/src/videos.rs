//! The table `videos`: one row per video, with the timing of its last processing attempt.

use heimdex_core::record::VideoRecord;
use heimdex_core::{UserId, VideoId};
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::video_status::VideoStatus;

/// A row of `videos`, timing columns included (all nullable: rows from before timing existed
/// have none).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "videos")]
pub struct Model {
    /// `id uuid PRIMARY KEY DEFAULT gen_random_uuid()`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `owner_id uuid NOT NULL REFERENCES user_profiles (user_id)`.
    pub owner_id: Uuid,
    /// `storage_path text NOT NULL`: where the source file lives (local path or URI).
    pub storage_path: String,
    /// `filename text`: the original file name.
    pub filename: Option<String>,
    /// `status video_status NOT NULL DEFAULT 'PENDING'`.
    pub status: VideoStatus,
    /// `duration_s float8`: media duration in seconds, from the metadata stage.
    pub duration_s: Option<f64>,
    /// `frame_rate float8`: frames per second, from the metadata stage.
    pub frame_rate: Option<f64>,
    /// `width integer`: width in pixels, from the metadata stage.
    pub width: Option<i32>,
    /// `height integer`: height in pixels, from the metadata stage.
    pub height: Option<i32>,
    /// `error_message text`: set on failure (at most 500 characters), cleared on a new attempt.
    pub error_message: Option<String>,
    /// `created_at timestamptz NOT NULL DEFAULT now()`.
    pub created_at: DateTimeUtc,
    /// `updated_at timestamptz NOT NULL DEFAULT now()`: moves on every write.
    pub updated_at: DateTimeUtc,
    /// `queued_at timestamptz`: when the job was (last) enqueued.
    pub queued_at: Option<DateTimeUtc>,
    /// `processing_started_at timestamptz`: when the current or last attempt started.
    pub processing_started_at: Option<DateTimeUtc>,
    /// `processing_finished_at timestamptz`: when the last attempt ended, success or failure.
    pub processing_finished_at: Option<DateTimeUtc>,
    /// `processing_duration_ms integer`: the last attempt's duration, from a monotonic clock.
    pub processing_duration_ms: Option<i32>,
    /// `processing_stage text`: the last stage entered; on failure, the stage that failed.
    pub processing_stage: Option<String>,
    /// `processing_attempt integer`: the attempt the timing columns describe.
    pub processing_attempt: Option<i32>,
}

/// The relations of `videos` to what it names; the rows that name a video (stage timings, scenes,
/// the job, searches) reach it through theirs, and `crate::relations` makes the way back.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The owner's profile (`owner_id`, a foreign key).
    #[sea_orm(
        belongs_to = "super::user_profiles::Entity",
        from = "Column::OwnerId",
        to = "super::user_profiles::Column::UserId"
    )]
    Owner,
}

impl Related<super::user_profiles::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Owner.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

impl From<Model> for VideoRecord {
    fn from(row: Model) -> Self {
        Self {
            id: VideoId(row.id),
            owner_id: UserId(row.owner_id),
            storage_path: row.storage_path,
            filename: row.filename,
            status: row.status.into(),
            duration_s: row.duration_s,
            frame_rate: row.frame_rate,
            width: row.width,
            height: row.height,
            error_message: row.error_message,
            created_at: row.created_at,
            updated_at: row.updated_at,
            queued_at: row.queued_at,
            processing_started_at: row.processing_started_at,
            processing_finished_at: row.processing_finished_at,
            processing_duration_ms: row.processing_duration_ms,
            processing_stage: row.processing_stage,
            processing_attempt: row.processing_attempt,
        }
    }
}
