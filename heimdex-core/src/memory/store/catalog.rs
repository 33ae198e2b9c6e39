//! [`Catalog`] for the [`MemoryStore`]: the same rules as the embedded and PostgreSQL stores.

use async_trait::async_trait;

use super::MemoryStore;
use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::ids::{SearchId, VideoId};
use crate::record::{
    MediaInfo, NewProfile, NewSearch, NewVideo, SearchRecord, StageTimingRecord, UserProfile,
    VideoRecord,
};
use crate::time;

#[async_trait]
impl Catalog for MemoryStore {
    async fn upsert_profile(&self, profile: NewProfile) -> Result<()> {
        let now = time::now();
        let mut tables = self.tables();
        match tables.profile_mut(profile.user_id) {
            Some(existing) => {
                existing.full_name = profile.full_name;
                existing.updated_at = now;
            }
            None => tables.push_profile(UserProfile {
                user_id: profile.user_id,
                full_name: profile.full_name,
                created_at: now,
                updated_at: now,
            }),
        }
        Ok(())
    }

    /// An owner without a profile gets one with an empty name; `Conflict` when the given id is
    /// taken.
    async fn create_video(&self, video: NewVideo) -> Result<VideoId> {
        let id = video.id.unwrap_or_else(VideoId::new_v4);
        let mut tables = self.tables();
        if tables.video(id).is_some() {
            return Err(Error::Conflict(format!("video {id} already exists")));
        }
        if tables.profile(video.owner_id).is_none() {
            let now = time::now();
            tables.push_profile(UserProfile {
                user_id: video.owner_id,
                full_name: String::new(),
                created_at: now,
                updated_at: now,
            });
        }
        let mut row = VideoRecord::pending(id, video.owner_id, video.storage_path, time::now());
        row.filename = video.filename;
        tables.push_video(row);
        Ok(id)
    }

    async fn video(&self, id: VideoId) -> Result<Option<VideoRecord>> {
        Ok(self.tables().video(id).cloned())
    }

    async fn set_media_info(&self, id: VideoId, info: MediaInfo) -> Result<()> {
        let now = time::now();
        let mut tables = self.tables();
        let video = tables
            .video_mut(id)
            .ok_or_else(|| Error::not_found(format!("video {id}")))?;
        video.duration_s = Some(info.duration_s);
        video.frame_rate = info.frame_rate;
        video.width = info.width;
        video.height = info.height;
        video.updated_at = now;
        Ok(())
    }

    /// Stored once per id (a repeated id changes nothing); `NotFound` for a user with no profile.
    async fn record_search(&self, search: NewSearch) -> Result<SearchId> {
        let mut tables = self.tables();
        if let Some(user) = search.user_id.filter(|u| tables.profile(*u).is_none()) {
            return Err(Error::not_found(format!("user {user}")));
        }
        if !tables.has_search(search.id) {
            tables.push_search(SearchRecord {
                id: search.id,
                user_id: search.user_id,
                video_id: search.video_id,
                query_text: search.query_text,
                results_count: search.results_count,
                latency_ms: search.latency_ms,
                created_at: time::now(),
            });
        }
        Ok(search.id)
    }

    /// By attempt, then start time, then stage name.
    async fn stage_timings(&self, id: VideoId) -> Result<Vec<StageTimingRecord>> {
        let mut rows: Vec<StageTimingRecord> = self
            .tables()
            .stage_timings
            .iter()
            .filter(|t| t.video_id == id)
            .cloned()
            .collect();
        rows.sort_by(|a, b| {
            (a.attempt, a.started_at, a.stage.as_str()).cmp(&(
                b.attempt,
                b.started_at,
                b.stage.as_str(),
            ))
        });
        Ok(rows)
    }
}
