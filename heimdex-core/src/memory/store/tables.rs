//! The rows of a [`MemoryStore`](super::MemoryStore), with the indexes that keep keys unique.

use std::collections::{HashMap, HashSet};

use crate::ids::{SearchId, UserId, VideoId};
use crate::record::{SearchRecord, StageTimingRecord, UserProfile, VideoRecord};
use crate::stage::StageName;

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
    /// Whether a stage row with this key exists.
    #[cfg(feature = "testkit")]
    pub(super) fn has_stage(&self, video: VideoId, attempt: i32, stage: &StageName) -> bool {
        self.stage_at.contains_key(&(video, attempt, stage.clone()))
    }

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
}
