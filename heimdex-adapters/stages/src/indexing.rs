//! [`Indexing`]: the `indexing` stage, which stores a video's scenes through a [`SceneIndex`].

use std::sync::Arc;

use async_trait::async_trait;
use heimdex_core::{
    Error, FailureKind, IndexedScenes, JobContext, SceneIndex, SceneRecord, Stage, StageError,
    StageName,
};

/// Stores the scenes earlier stages prepared, replacing any the video had (a re-run never
/// duplicates scenes).
///
/// It takes [`IndexedScenes`] from the job's context (left by a scene-processing stage, with
/// transcripts, keyframes and embeddings); without those, the bare
/// scene times of `scene_detection` ([`Scenes`](crate::Scenes)). With neither it fails as `internal`: the
/// pipeline was assembled without a stage that finds scenes.
#[derive(Clone, Debug)]
pub struct Indexing {
    index: Arc<dyn SceneIndex>,
}

impl Indexing {
    /// Writes to `index` (the store).
    pub fn new(index: Arc<dyn SceneIndex>) -> Self {
        Self { index }
    }
}

/// The scenes to store, from whichever stage left them.
fn scenes_from(ctx: &JobContext) -> Option<Vec<SceneRecord>> {
    if let Some(IndexedScenes(scenes)) = ctx.get::<IndexedScenes>() {
        return Some(scenes.clone());
    }
    if let Some(found) = ctx.get::<crate::Scenes>() {
        let bare = found.0.iter();
        return Some(
            bare.map(|s| SceneRecord::new(s.index, s.start_s, s.end_s))
                .collect(),
        );
    }
    None
}

#[async_trait]
impl Stage for Indexing {
    fn name(&self) -> StageName {
        StageName::INDEXING
    }

    async fn run(&self, ctx: &mut JobContext) -> Result<(), StageError> {
        let Some(scenes) = scenes_from(ctx) else {
            return Err(StageError::new(
                FailureKind::Internal,
                "no scenes to index: the pipeline has no scene detection or processing stage",
            ));
        };
        self.index
            .replace_scenes_of_attempt(ctx.job.video, ctx.job.attempt, &scenes)
            .await
            .map_err(|err| {
                let kind = match err {
                    Error::InvalidInput(_) => FailureKind::Internal,
                    _ => FailureKind::Dependency,
                };
                StageError::new(kind, format!("storing {} scenes: {err}", scenes.len()))
                    .with_source(err)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use heimdex_core::memory::MemoryStore;
    use heimdex_core::record::{NewProfile, NewVideo};
    use heimdex_core::{Catalog, Job, UserId};

    async fn store_with_video() -> (Arc<MemoryStore>, JobContext) {
        let store = Arc::new(MemoryStore::new());
        let owner = UserId::new_v4();
        let profile = NewProfile {
            user_id: owner,
            full_name: "o".into(),
        };
        store.upsert_profile(profile).await.unwrap();
        let new = NewVideo {
            id: None,
            owner_id: owner,
            storage_path: "a.mp4".into(),
            filename: None,
        };
        let video = store.create_video(new).await.unwrap();
        (store, JobContext::new(Job::new(video, "a.mp4")))
    }

    #[tokio::test]
    async fn prepared_scenes_replace_what_the_video_had() {
        let (store, mut ctx) = store_with_video().await;
        let stage = Indexing::new(store.clone());
        let first = vec![SceneRecord::new(0, 0.0, 2.0), SceneRecord::new(1, 2.0, 4.0)];
        ctx.insert(IndexedScenes(first));
        stage.run(&mut ctx).await.unwrap();
        let rerun = vec![SceneRecord::new(0, 0.0, 4.0)];
        ctx.insert(IndexedScenes(rerun.clone()));
        stage.run(&mut ctx).await.unwrap();
        assert_eq!(store.scenes(ctx.job.video).await.unwrap(), rerun);
    }

    #[tokio::test]
    async fn no_scenes_and_bad_scenes_fail_clearly_and_store_nothing() {
        let (store, mut ctx) = store_with_video().await;
        let stage = Indexing::new(store.clone());
        let err = stage.run(&mut ctx).await.unwrap_err();
        assert_eq!(err.kind, FailureKind::Internal);
        assert!(
            err.message.contains("no scenes to index"),
            "{}",
            err.message
        );
        ctx.insert(IndexedScenes(vec![SceneRecord::new(0, 3.0, 1.0)]));
        let err = stage.run(&mut ctx).await.unwrap_err();
        assert!(err.message.contains("storing 1 scenes"), "{}", err.message);
        assert!(store.scenes(ctx.job.video).await.unwrap().is_empty());
    }
}
