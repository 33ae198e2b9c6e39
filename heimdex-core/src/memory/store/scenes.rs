//! [`SceneIndex`] for the [`MemoryStore`].

use async_trait::async_trait;

use super::MemoryStore;
use crate::error::{Error, Result};
use crate::ids::VideoId;
use crate::scenes::{check_attempt, validate_scenes, SceneIndex, SceneRecord};

#[async_trait]
impl SceneIndex for MemoryStore {
    async fn replace_scenes(&self, video: VideoId, scenes: &[SceneRecord]) -> Result<()> {
        self.replace(video, None, scenes)
    }

    async fn replace_scenes_of_attempt(
        &self,
        video: VideoId,
        attempt: u32,
        scenes: &[SceneRecord],
    ) -> Result<()> {
        self.replace(video, Some(attempt), scenes)
    }

    async fn scenes(&self, video: VideoId) -> Result<Vec<SceneRecord>> {
        Ok(self
            .tables()
            .scenes
            .get(&video)
            .cloned()
            .unwrap_or_default())
    }
}

impl MemoryStore {
    /// Replaces the scenes, refused for an `attempt` older than the row's.
    fn replace(&self, video: VideoId, attempt: Option<u32>, scenes: &[SceneRecord]) -> Result<()> {
        validate_scenes(scenes)?;
        let mut tables = self.tables();
        let Some(row) = tables.video(video) else {
            return Err(Error::not_found(format!("video {video}")));
        };
        check_attempt(video, attempt, row.processing_attempt.map(i64::from))?;
        let mut sorted = scenes.to_vec();
        sorted.sort_by_key(|s| s.index);
        tables.scenes.insert(video, sorted);
        Ok(())
    }
}
