//! The table `user_profiles`: one row per user.

use heimdex_core::record::UserProfile;
use heimdex_core::UserId;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A row of `user_profiles`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "user_profiles")]
pub struct Model {
    /// `user_id uuid PRIMARY KEY`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    /// `full_name text NOT NULL`: the display name (empty for a profile a video's creation made).
    pub full_name: String,
    /// `created_at timestamptz NOT NULL DEFAULT now()`.
    pub created_at: DateTimeUtc,
    /// `updated_at timestamptz NOT NULL DEFAULT now()`: moves on every write.
    pub updated_at: DateTimeUtc,
}

/// The relations of `user_profiles`: none leave it; the rows that name a profile (videos,
/// searches) reach it through theirs, and `crate::relations` makes the way back.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl From<Model> for UserProfile {
    fn from(row: Model) -> Self {
        Self {
            user_id: UserId(row.user_id),
            full_name: row.full_name,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}
