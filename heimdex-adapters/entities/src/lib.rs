//! sea-orm entities of Heimdex's PostgreSQL tables (docs/spec.md#data-model), for services that
//! query Heimdex data with sea-orm on the store's own pool.
//!
//! One module per table, named like the table: [`user_profiles`], [`videos`],
//! [`video_stage_timings`], [`search_queries`], [`jobs`] and [`video_scenes`]; the `video_status`
//! enum type is [`video_status::VideoStatus`]. The [`prelude`] names each entity after its table.
//!
//! The entities are for reading. Heimdex writes its rows through its ports (`Catalog`,
//! `TimingSink`, `SceneIndex`, `JobQueue`), which keep the invariants the metrics rely on (a
//! late event of an older attempt is ignored, `updated_at` moves on every write, a video's
//! scenes are replaced as a whole); a sea-orm write would bypass them.
//!
//! ```no_run
//! use heimdex_entities::{connect, videos, video_status::VideoStatus};
//! use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
//!
//! # async fn example(pool: sea_orm::sqlx::PgPool) -> Result<(), sea_orm::DbErr> {
//! // `pool` is the store's: `heimdex_postgres::PgStore::pool().clone()`.
//! let db = connect(pool);
//! let failed = videos::Entity::find()
//!     .filter(videos::Column::Status.eq(VideoStatus::Failed))
//!     .all(&db)
//!     .await?;
//! # let _ = failed;
//! # Ok(())
//! # }
//! ```
//!
//! Each row converts into the core's record of the same table where there is one
//! (`VideoRecord::from(videos::Model)`, `StageTimingRecord::try_from(...)`, ...), so the core's
//! metric math and types apply to what a query returns.

pub mod jobs;
mod relations;
pub mod search_queries;
pub mod user_profiles;
pub mod video_scenes;
pub mod video_stage_timings;
pub mod video_status;
pub mod videos;

/// The sea-orm these entities are built on (1.1, on sqlx 0.8), for services that take it from here.
pub use sea_orm;

use sea_orm::{DatabaseConnection, SqlxPostgresConnector};

/// A sea-orm connection on `pool`, which stays shared: pass the store's pool
/// (`heimdex_postgres::PgStore::pool().clone()`, a cheap handle) and sea-orm's queries run on the
/// same connections, with the same role and `search_path`, as the store's.
pub fn connect(pool: sea_orm::sqlx::PgPool) -> DatabaseConnection {
    SqlxPostgresConnector::from_sqlx_postgres_pool(pool)
}

/// Every entity under its table's name in upper camel case (`Videos`, `VideoStageTimings`, ...),
/// with [`video_status::VideoStatus`], as sea-orm's generated preludes have them.
pub mod prelude {
    pub use crate::jobs::Entity as Jobs;
    pub use crate::search_queries::Entity as SearchQueries;
    pub use crate::user_profiles::Entity as UserProfiles;
    pub use crate::video_scenes::Entity as VideoScenes;
    pub use crate::video_stage_timings::Entity as VideoStageTimings;
    pub use crate::video_status::VideoStatus;
    pub use crate::videos::Entity as Videos;
}
