//! The table `search_queries`: one row per search, logged once.

use heimdex_core::record::SearchRecord;
use heimdex_core::{SearchId, UserId, VideoId};
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A row of `search_queries`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "search_queries")]
pub struct Model {
    /// `id uuid PRIMARY KEY DEFAULT gen_random_uuid()`: also the idempotency key of the search.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `user_id uuid REFERENCES user_profiles (user_id) ON DELETE SET NULL`: who searched (none
    /// for anonymous searches and deleted users).
    pub user_id: Option<Uuid>,
    /// `video_id uuid`: the video the search was scoped to (no foreign key).
    pub video_id: Option<Uuid>,
    /// `query_text text NOT NULL`.
    pub query_text: String,
    /// `results_count integer`: how many results the search returned.
    pub results_count: Option<i32>,
    /// `latency_ms integer`: how long the search took, in milliseconds.
    pub latency_ms: Option<i32>,
    /// `created_at timestamptz NOT NULL DEFAULT now()`: when the search ran.
    pub created_at: DateTimeUtc,
}

/// The relations of `search_queries`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// Who searched (`user_id`, a foreign key, `ON DELETE SET NULL`).
    #[sea_orm(
        belongs_to = "super::user_profiles::Entity",
        from = "Column::UserId",
        to = "super::user_profiles::Column::UserId",
        on_delete = "SetNull"
    )]
    User,
    /// The video the search was scoped to (`video_id`; no foreign key in the schema, so the
    /// video may be gone).
    #[sea_orm(
        belongs_to = "super::videos::Entity",
        from = "Column::VideoId",
        to = "super::videos::Column::Id"
    )]
    Video,
}

impl Related<super::user_profiles::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl Related<super::videos::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Video.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

impl From<Model> for SearchRecord {
    fn from(row: Model) -> Self {
        Self {
            id: SearchId(row.id),
            user_id: row.user_id.map(UserId),
            video_id: row.video_id.map(VideoId),
            query_text: row.query_text,
            results_count: row.results_count,
            latency_ms: row.latency_ms,
            created_at: row.created_at,
        }
    }
}
