//! The rows of a [`MemoryStore`](super::MemoryStore), with the indexes that keep keys unique.

use std::collections::{HashMap, HashSet};

use crate::error::{Error, Result};
use crate::ids::{SearchId, UserId, VideoId};
use crate::record::{Dataset, SearchRecord, StageTimingRecord, UserProfile, VideoRecord};
use crate::stage::StageName;
use crate::time::truncate_micros;

/// Key of a `video_stage_timings` row.
type StageKey = (VideoId, i32, StageName);

/// Every table as a vector (so the summaries get plain slices) plus a key index per table.
#[derive(Debug, Default)]
pub(super) struct Tables {
    pub(super) profiles: Vec<UserProfile>,
    profile_at: HashMap<UserId, usize>,
    pub(super) videos: Vec<VideoRecord>,
    video_at: HashMap<VideoId, usize>,
    pub(super) searches: Vec<SearchRecord>,
    search_ids: HashSet<SearchId>,
    pub(super) stage_timings: Vec<StageTimingRecord>,
    stage_at: HashMap<StageKey, usize>,
    /// `video_scenes`, by video, each sorted by index.
    pub(super) scenes: HashMap<VideoId, Vec<crate::scenes::SceneRecord>>,
}

impl Tables {
    pub(super) fn profile(&self, id: UserId) -> Option<&UserProfile> {
        self.profile_at.get(&id).map(|&i| &self.profiles[i])
    }

    pub(super) fn profile_mut(&mut self, id: UserId) -> Option<&mut UserProfile> {
        self.profile_at.get(&id).map(|&i| &mut self.profiles[i])
    }

    pub(super) fn video(&self, id: VideoId) -> Option<&VideoRecord> {
        self.video_at.get(&id).map(|&i| &self.videos[i])
    }

    pub(super) fn video_mut(&mut self, id: VideoId) -> Option<&mut VideoRecord> {
        self.video_at.get(&id).map(|&i| &mut self.videos[i])
    }

    pub(super) fn has_search(&self, id: SearchId) -> bool {
        self.search_ids.contains(&id)
    }

    /// Adds a profile whose id is not taken.
    pub(super) fn push_profile(&mut self, p: UserProfile) {
        self.profile_at.insert(p.user_id, self.profiles.len());
        self.profiles.push(p);
    }

    /// Adds a video whose id is not taken.
    pub(super) fn push_video(&mut self, v: VideoRecord) {
        self.video_at.insert(v.id, self.videos.len());
        self.videos.push(v);
    }

    /// Adds a search whose id is not taken.
    pub(super) fn push_search(&mut self, s: SearchRecord) {
        self.search_ids.insert(s.id);
        self.searches.push(s);
    }

    /// Inserts the row, or replaces the one with the same `(video, attempt, stage)`.
    pub(super) fn upsert_stage_timing(&mut self, row: StageTimingRecord) {
        let key = (row.video_id, row.attempt, row.stage.clone());
        match self.stage_at.get(&key) {
            Some(&i) => self.stage_timings[i] = row,
            None => {
                self.stage_at.insert(key, self.stage_timings.len());
                self.stage_timings.push(row);
            }
        }
    }

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
            if self.stage_at.contains_key(&key) || !stages.insert(key) {
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
