//! The [`Catalog`] port: profiles, videos and searches, and the [`Store`] that combines every port
//! a storage backend implements.

use std::fmt;

use async_trait::async_trait;

use crate::error::Result;
use crate::ids::{SearchId, VideoId};
use crate::query::MetricsQuery;
use crate::record::{MediaInfo, NewProfile, NewSearch, NewVideo, StageTimingRecord, VideoRecord};
use crate::scenes::SceneIndex;
use crate::timing::DurableSink;

/// Creates and reads the rows the metrics are computed from.
#[cfg_attr(any(test, feature = "mock"), mockall::automock)]
#[async_trait]
pub trait Catalog: Send + Sync + fmt::Debug {
    /// Creates a profile, or renames an existing one.
    async fn upsert_profile(&self, profile: NewProfile) -> Result<()>;
    /// Creates a PENDING video. An owner without a profile gets one with an empty name (an
    /// existing profile is left as it is), so recording timings needs no profile set-up first.
    async fn create_video(&self, video: NewVideo) -> Result<VideoId>;
    /// One video row.
    async fn video(&self, id: VideoId) -> Result<Option<VideoRecord>>;
    /// Writes what the metadata stage learned; `NotFound` for an unknown video.
    async fn set_media_info(&self, id: VideoId, info: MediaInfo) -> Result<()>;
    /// Logs a search once: a second call with the same id changes nothing.
    async fn record_search(&self, search: NewSearch) -> Result<SearchId>;
    /// The per-stage timings of a video, by attempt then start time.
    async fn stage_timings(&self, id: VideoId) -> Result<Vec<StageTimingRecord>>;
}

/// Everything a storage backend provides: rows, timing, metrics over them, and scenes.
pub trait Store: Catalog + MetricsQuery + DurableSink + SceneIndex {}

impl<T: Catalog + MetricsQuery + DurableSink + SceneIndex + ?Sized> Store for T {}
