//! [`SceneIndex`] for the [`MemoryStore`].

use async_trait::async_trait;

use super::MemoryStore;
use crate::error::{Error, Result};
use crate::ids::VideoId;
use crate::scenes::{validate_scenes, SceneIndex, SceneRecord};

#[async_trait]
impl SceneIndex for MemoryStore {
    async fn replace_scenes(&self, video: VideoId, scenes: &[SceneRecord]) -> Result<()> {
        validate_scenes(scenes)?;
        let mut tables = self.tables();
        if tables.video(video).is_none() {
            return Err(Error::not_found(format!("video {video}")));
        }
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
