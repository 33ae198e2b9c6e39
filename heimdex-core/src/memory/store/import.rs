//! Fixture rows into the [`MemoryStore`] (feature `testkit`): [`Import`] and the table checks
//! that make it all or nothing.

use std::collections::HashSet;

use async_trait::async_trait;

use super::tables::Tables;
use super::MemoryStore;
use crate::error::{Error, Result};
use crate::ids::UserId;
use crate::record::{Dataset, SearchRecord, StageTimingRecord, UserProfile, VideoRecord};
use crate::testkit::Import;
use crate::time::truncate_micros;

#[async_trait]
impl Import for MemoryStore {
    /// All or nothing. Rows are inserted exactly as given (timestamps cut to microseconds); a key
    /// that is already taken is `Conflict`, a row whose owner, user or video is missing `NotFound`.
    async fn import(&self, data: &Dataset) -> Result<()> {
        self.tables().import(data)
    }
}

impl Tables {
    /// Inserts every row of `data` (timestamps cut to microseconds), or nothing: a key that is
    /// already taken is `Conflict`, a reference to a missing profile or video is `NotFound`.
    pub(super) fn import(&mut self, data: &Dataset) -> Result<()> {
        self.check_import(data)?;
        for p in &data.profiles {
            self.push_profile(UserProfile {
                created_at: truncate_micros(p.created_at),
                updated_at: truncate_micros(p.updated_at),
                ..p.clone()
            });
        }
        for v in &data.videos {
            self.push_video(VideoRecord {
                created_at: truncate_micros(v.created_at),
                updated_at: truncate_micros(v.updated_at),
                queued_at: v.queued_at.map(truncate_micros),
                processing_started_at: v.processing_started_at.map(truncate_micros),
                processing_finished_at: v.processing_finished_at.map(truncate_micros),
                ..v.clone()
            });
        }
        for s in &data.searches {
            self.push_search(SearchRecord {
                created_at: truncate_micros(s.created_at),
                ..s.clone()
            });
        }
        for t in &data.stage_timings {
            self.upsert_stage_timing(StageTimingRecord {
                started_at: truncate_micros(t.started_at),
                finished_at: t.finished_at.map(truncate_micros),
                ..t.clone()
            });
        }
        Ok(())
    }

    fn check_import(&self, data: &Dataset) -> Result<()> {
        let mut users = HashSet::new();
        for p in &data.profiles {
            if self.profile(p.user_id).is_some() || !users.insert(p.user_id) {
                return Err(Error::Conflict(format!(
                    "user {} already exists",
                    p.user_id
                )));
            }
        }
        let user_exists = |u: UserId| users.contains(&u) || self.profile(u).is_some();
        let mut videos = HashSet::new();
        for v in &data.videos {
            if self.video(v.id).is_some() || !videos.insert(v.id) {
                return Err(Error::Conflict(format!("video {} already exists", v.id)));
            }
            if !user_exists(v.owner_id) {
                return Err(Error::not_found(format!("user {}", v.owner_id)));
            }
        }
        let mut searches = HashSet::new();
        for s in &data.searches {
            if self.has_search(s.id) || !searches.insert(s.id) {
                return Err(Error::Conflict(format!("search {} already exists", s.id)));
            }
            if let Some(u) = s.user_id.filter(|u| !user_exists(*u)) {
                return Err(Error::not_found(format!("user {u}")));
            }
        }
        let mut stages = HashSet::new();
        for t in &data.stage_timings {
            let key = (t.video_id, t.attempt, t.stage.clone());
            if self.has_stage(t.video_id, t.attempt, &t.stage) || !stages.insert(key) {
                return Err(Error::Conflict(format!(
                    "stage timing ({}, {}, {}) already exists",
                    t.video_id, t.attempt, t.stage
                )));
            }
            if !videos.contains(&t.video_id) && self.video(t.video_id).is_none() {
                return Err(Error::not_found(format!("video {}", t.video_id)));
            }
        }
        Ok(())
    }
}
