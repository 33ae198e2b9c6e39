//! [`SceneIndex`] for the [`MemoryStore`].

use async_trait::async_trait;

use super::MemoryStore;
use crate::error::{Error, Result};
use crate::ids::VideoId;
use crate::scenes::{SceneIndex, SceneRecord, SceneWrite};

#[async_trait]
impl SceneIndex for MemoryStore {
    /// Replaces the scenes, refused for an `attempt` older than the row's.
    async fn write_scenes<'a>(&self, write: SceneWrite<'a>) -> Result<()> {
        let SceneWrite { video, scenes, .. } = write;
        let mut tables = self.tables();
        let Some(row) = tables.video(video) else {
            return Err(Error::not_found(format!("video {video}")));
        };
        write.check(row.processing_attempt.map(i64::from))?;
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
