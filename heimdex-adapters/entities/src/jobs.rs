//! The table `jobs`: the durable job queue, one row per video.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A row of `jobs`. A job goes `queued → running → done | queued (retry) | dead`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "jobs")]
pub struct Model {
    /// `video_id uuid PRIMARY KEY`: the video (no foreign key in the schema).
    #[sea_orm(primary_key, auto_increment = false)]
    pub video_id: Uuid,
    /// `state text NOT NULL DEFAULT 'queued'`: `queued`, `running`, `done` or `dead`.
    pub state: String,
    /// `source text`: where the source lives.
    pub source: Option<String>,
    /// `owner_id uuid`: the video's owner, when known.
    pub owner_id: Option<Uuid>,
    /// `attempt integer NOT NULL DEFAULT 0`: claims so far (the running attempt's number).
    pub attempt: i32,
    /// `tries integer NOT NULL DEFAULT 0`: attempts counted against the retry policy.
    pub tries: i32,
    /// `lease_token uuid`: proves the holder's ownership on heartbeat and finish.
    pub lease_token: Option<Uuid>,
    /// `lease_expires_at timestamptz`: when a running job becomes claimable again.
    pub lease_expires_at: Option<DateTimeUtc>,
    /// `worker_id text`: the worker holding or last holding the job.
    pub worker_id: Option<String>,
    /// `available_at timestamptz NOT NULL DEFAULT now()`: when a queued job may be claimed.
    pub available_at: DateTimeUtc,
    /// `last_error text`: the last failure's message.
    pub last_error: Option<String>,
    /// `enqueued_at timestamptz NOT NULL DEFAULT now()`.
    pub enqueued_at: DateTimeUtc,
    /// `finished_at timestamptz`: when the job became done or dead.
    pub finished_at: Option<DateTimeUtc>,
    /// `created_at timestamptz NOT NULL DEFAULT now()`.
    pub created_at: DateTimeUtc,
    /// `updated_at timestamptz NOT NULL DEFAULT now()`.
    pub updated_at: DateTimeUtc,
}

/// The relations of `jobs`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The video (`video_id`; no foreign key in the schema).
    #[sea_orm(
        belongs_to = "super::videos::Entity",
        from = "Column::VideoId",
        to = "super::videos::Column::Id"
    )]
    Video,
}

impl Related<super::videos::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Video.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
