//! The PostgreSQL enum type `video_status` (`PENDING → PROCESSING → READY | FAILED`).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A value of the `video_status` enum type, the column `videos.status`. sea-orm reads it as text
/// and binds it as `CAST($1 AS video_status)`, so filters on the column work as written.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "Enum", enum_name = "video_status")]
#[serde(rename_all = "UPPERCASE")]
pub enum VideoStatus {
    /// `PENDING`: created, not yet picked up.
    #[sea_orm(string_value = "PENDING")]
    Pending,
    /// `PROCESSING`: a worker is running the pipeline on it.
    #[sea_orm(string_value = "PROCESSING")]
    Processing,
    /// `READY`: processed successfully.
    #[sea_orm(string_value = "READY")]
    Ready,
    /// `FAILED`: the last attempt failed.
    #[sea_orm(string_value = "FAILED")]
    Failed,
}

impl From<VideoStatus> for heimdex_core::VideoStatus {
    fn from(status: VideoStatus) -> Self {
        match status {
            VideoStatus::Pending => Self::Pending,
            VideoStatus::Processing => Self::Processing,
            VideoStatus::Ready => Self::Ready,
            VideoStatus::Failed => Self::Failed,
        }
    }
}

impl From<heimdex_core::VideoStatus> for VideoStatus {
    fn from(status: heimdex_core::VideoStatus) -> Self {
        match status {
            heimdex_core::VideoStatus::Pending => Self::Pending,
            heimdex_core::VideoStatus::Processing => Self::Processing,
            heimdex_core::VideoStatus::Ready => Self::Ready,
            heimdex_core::VideoStatus::Failed => Self::Failed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Iterable;

    #[test]
    fn every_status_has_the_core_spelling_and_converts_both_ways() {
        for status in VideoStatus::iter() {
            let core = heimdex_core::VideoStatus::from(status);
            assert_eq!(status.to_value(), core.as_str());
            assert_eq!(VideoStatus::from(core), status);
        }
        assert_eq!(VideoStatus::iter().count(), 4);
        assert_eq!(VideoStatus::name().to_string(), "video_status");
    }
}
