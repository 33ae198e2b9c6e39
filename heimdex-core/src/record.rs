//! Rows as the stores keep them (docs/spec.md#data-model). The metric math reads these.

use serde::{Deserialize, Serialize};

use crate::ids::{SearchId, UserId, VideoId};
use crate::stage::StageName;
use crate::status::VideoStatus;
use crate::time::Timestamp;

/// Longest `error_message` kept (docs/spec.md#data-model).
pub const MAX_ERROR_MESSAGE_CHARS: usize = 500;

/// Cuts `message` to [`MAX_ERROR_MESSAGE_CHARS`] characters (never inside a character).
pub fn clip_error_message(message: &str) -> String {
    message.chars().take(MAX_ERROR_MESSAGE_CHARS).collect()
}

/// A row of `user_profiles`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserProfile {
    /// Primary key.
    pub user_id: UserId,
    /// Display name.
    pub full_name: String,
    /// When the profile was created.
    pub created_at: Timestamp,
    /// Last write.
    pub updated_at: Timestamp,
}

/// A row of `videos`, timing columns included.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VideoRecord {
    /// Primary key.
    pub id: VideoId,
    /// Owner (a `user_profiles` row).
    pub owner_id: UserId,
    /// Where the source lives.
    pub storage_path: String,
    /// Original file name.
    pub filename: Option<String>,
    /// Lifecycle state.
    pub status: VideoStatus,
    /// Media duration in seconds, from the metadata stage.
    pub duration_s: Option<f64>,
    /// Frames per second.
    pub frame_rate: Option<f64>,
    /// Width in pixels.
    pub width: Option<i32>,
    /// Height in pixels.
    pub height: Option<i32>,
    /// Set on failure (at most 500 characters), cleared on a new attempt.
    pub error_message: Option<String>,
    /// Creation time.
    pub created_at: Timestamp,
    /// Moves on every write.
    pub updated_at: Timestamp,
    /// When the job was (last) enqueued.
    pub queued_at: Option<Timestamp>,
    /// When the current/last attempt started.
    pub processing_started_at: Option<Timestamp>,
    /// When the last attempt ended.
    pub processing_finished_at: Option<Timestamp>,
    /// Duration of the last attempt, from a monotonic clock.
    pub processing_duration_ms: Option<i32>,
    /// Last stage entered; on failure, the stage that failed.
    pub processing_stage: Option<String>,
    /// The attempt the timing columns describe (additive column; guards against late writes).
    pub processing_attempt: Option<i32>,
}

impl VideoRecord {
    /// A PENDING video with no timing, created and updated at `at`.
    pub fn pending(
        id: VideoId,
        owner_id: UserId,
        storage_path: impl Into<String>,
        at: Timestamp,
    ) -> Self {
        Self {
            id,
            owner_id,
            storage_path: storage_path.into(),
            filename: None,
            status: VideoStatus::Pending,
            duration_s: None,
            frame_rate: None,
            width: None,
            height: None,
            error_message: None,
            created_at: at,
            updated_at: at,
            queued_at: None,
            processing_started_at: None,
            processing_finished_at: None,
            processing_duration_ms: None,
            processing_stage: None,
            processing_attempt: None,
        }
    }

    /// When the video was completed for throughput purposes: `coalesce(processing_finished_at, updated_at)`.
    pub fn completed_at(&self) -> Timestamp {
        self.processing_finished_at.unwrap_or(self.updated_at)
    }
}

/// A row of `search_queries`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchRecord {
    /// Primary key.
    pub id: SearchId,
    /// Who searched (none for anonymous or deleted users).
    pub user_id: Option<UserId>,
    /// Video the search was scoped to, if any.
    pub video_id: Option<VideoId>,
    /// The query.
    pub query_text: String,
    /// How many results it returned.
    pub results_count: Option<i32>,
    /// How long it took.
    pub latency_ms: Option<i32>,
    /// When it ran.
    pub created_at: Timestamp,
}

/// A row of `video_stage_timings`: one stage of one attempt.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StageTimingRecord {
    /// The video.
    pub video_id: VideoId,
    /// The attempt (1-based).
    pub attempt: i32,
    /// The stage.
    pub stage: StageName,
    /// When the stage started.
    pub started_at: Timestamp,
    /// When it ended (none while running).
    pub finished_at: Option<Timestamp>,
    /// Its duration from a monotonic clock.
    pub duration_ms: Option<i32>,
    /// `ok` or `failed` (none while running).
    pub outcome: Option<String>,
    /// The failure message, for failed stages.
    pub error: Option<String>,
}

/// What a caller gives to create a video.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewVideo {
    /// Id to use; a random one when `None`.
    pub id: Option<VideoId>,
    /// Owner; the profile must exist.
    pub owner_id: UserId,
    /// Where the source lives.
    pub storage_path: String,
    /// Original file name.
    pub filename: Option<String>,
}

/// What a caller gives to create or rename a profile.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewProfile {
    /// Primary key.
    pub user_id: UserId,
    /// Display name.
    pub full_name: String,
}

/// What a caller gives to log a search. The id makes logging idempotent: a retried call with the
/// same id is stored once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewSearch {
    /// Idempotency key and primary key.
    pub id: SearchId,
    /// Who searched.
    pub user_id: Option<UserId>,
    /// Video the search was scoped to.
    pub video_id: Option<VideoId>,
    /// The query.
    pub query_text: String,
    /// Result count.
    pub results_count: Option<i32>,
    /// Latency.
    pub latency_ms: Option<i32>,
}

/// Media facts the metadata stage writes to the video row.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MediaInfo {
    /// Duration in seconds.
    pub duration_s: f64,
    /// Frames per second.
    pub frame_rate: Option<f64>,
    /// Width in pixels.
    pub width: Option<i32>,
    /// Height in pixels.
    pub height: Option<i32>,
}

/// A set of rows loaded as they are, for fixtures, imports from an existing database, and tests.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    /// `user_profiles` rows.
    pub profiles: Vec<UserProfile>,
    /// `videos` rows.
    pub videos: Vec<VideoRecord>,
    /// `search_queries` rows.
    pub searches: Vec<SearchRecord>,
    /// `video_stage_timings` rows.
    pub stage_timings: Vec<StageTimingRecord>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_messages_are_clipped_on_character_boundaries() {
        let long = "é".repeat(600);
        let clipped = clip_error_message(&long);
        assert_eq!(clipped.chars().count(), 500);
        assert_eq!(clip_error_message("short"), "short");
    }
}
