//! The table `video_stage_timings`: one row per stage per attempt.

use heimdex_core::record::StageTimingRecord;
use heimdex_core::{StageName, VideoId};
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A row of `video_stage_timings`; the primary key is `(video_id, attempt, stage)`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "video_stage_timings")]
pub struct Model {
    /// `video_id uuid NOT NULL REFERENCES videos (id) ON DELETE CASCADE`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub video_id: Uuid,
    /// `attempt integer NOT NULL CHECK (attempt >= 1)`: the attempt the stage ran in.
    #[sea_orm(primary_key, auto_increment = false)]
    pub attempt: i32,
    /// `stage text NOT NULL` (`[a-z0-9_]{1,64}`): the stage name.
    #[sea_orm(primary_key, auto_increment = false)]
    pub stage: String,
    /// `started_at timestamptz NOT NULL`: wall-clock start of the stage.
    pub started_at: DateTimeUtc,
    /// `finished_at timestamptz`: wall-clock end (none while the stage runs).
    pub finished_at: Option<DateTimeUtc>,
    /// `duration_ms integer CHECK (duration_ms >= 0)`: from a monotonic clock (none while it runs).
    pub duration_ms: Option<i32>,
    /// `outcome text`: `ok`, `failed` or `cancelled` (none while the stage runs).
    pub outcome: Option<String>,
    /// `error text`: a failed stage's message.
    pub error: Option<String>,
}

/// The relations of `video_stage_timings`.
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

impl TryFrom<Model> for StageTimingRecord {
    type Error = heimdex_core::Error;

    /// Fails only for a stage name outside `[a-z0-9_]{1,64}`, which the table's check rules out.
    fn try_from(row: Model) -> Result<Self, Self::Error> {
        Ok(Self {
            video_id: VideoId(row.video_id),
            attempt: row.attempt,
            stage: StageName::new(row.stage)?,
            started_at: row.started_at,
            finished_at: row.finished_at,
            duration_ms: row.duration_ms,
            outcome: row.outcome,
            error: row.error,
        })
    }
}
