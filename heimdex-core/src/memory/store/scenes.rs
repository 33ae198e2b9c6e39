//! [`SceneIndex`] for the [`MemoryStore`].

use async_trait::async_trait;

use super::MemoryStore;
use crate::error::{Error, Result};
use crate::ids::VideoId;
use crate::scenes::{check_attempt, validate_scenes, SceneIndex, SceneRecord};

#[async_trait]
impl SceneIndex for MemoryStore {
    /// Replaces the scenes, refused for an `attempt` older than the row's.
    async fn replace_scenes_fenced(
        &self,
        video: VideoId,
        attempt: Option<u32>,
        scenes: &[SceneRecord],
    ) -> Result<()> {
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

    async fn scenes(&self, video: VideoId) -> Result<Vec<SceneRecord>> {
        Ok(self
            .tables()
            .scenes
            .get(&video)
            .cloned()
            .unwrap_or_default())
    }
}
