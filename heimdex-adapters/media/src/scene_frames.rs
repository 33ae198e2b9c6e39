//! [`SceneFrames`]: the `scene_processing` stage of builds without text embeddings.

use async_trait::async_trait;
use heimdex_core::{
    FailureKind, IndexedScenes, JobContext, SceneRecord, Stage, StageError, StageName,
};

use super::keyframe_extractor::KeyframeExtractor;
use heimdex_stages::Scenes;

/// Runs as `scene_processing` in builds without the `embeddings` feature: gives every scene its
/// keyframes and frame quality ([`KeyframeExtractor`]) and leaves the scenes as
/// [`IndexedScenes`] for `indexing`. With `embeddings`, `embeddings::SceneProcessing` runs the
/// same part first (`with_keyframes`) instead: a pipeline has one `scene_processing` stage.
///
/// The scenes are the [`IndexedScenes`] already in the job's context, else the [`Scenes`] of
/// `scene_detection`. Failures: those of [`KeyframeExtractor`]; `internal` when there are no
/// scenes (the pipeline lacks scene detection).
#[derive(Clone, Debug, Default)]
pub struct SceneFrames {
    frames: KeyframeExtractor,
}

impl SceneFrames {
    /// The stage, taking keyframes with `frames`.
    pub fn new(frames: KeyframeExtractor) -> Self {
        Self { frames }
    }
}

/// The scenes `scene_processing` works on: the context's [`IndexedScenes`], else its [`Scenes`]
/// as bare records.
pub(crate) fn scene_records(ctx: &JobContext) -> Option<Vec<SceneRecord>> {
    if let Some(IndexedScenes(scenes)) = ctx.get::<IndexedScenes>() {
        return Some(scenes.clone());
    }
    let Scenes(found) = ctx.get::<Scenes>()?;
    let bare = found.iter();
    Some(
        bare.map(|s| SceneRecord::new(s.index, s.start_s, s.end_s))
            .collect(),
    )
}

#[async_trait]
impl Stage for SceneFrames {
    fn name(&self) -> StageName {
        StageName::SCENE_PROCESSING
    }

    async fn run(&self, ctx: &mut JobContext) -> Result<(), StageError> {
        let Some(scenes) = scene_records(ctx) else {
            return Err(StageError::new(
                FailureKind::Internal,
                "no scenes to process: the pipeline has no scene detection stage",
            ));
        };
        let scenes = self.frames.fill(ctx, scenes).await?;
        ctx.insert(IndexedScenes(scenes));
        Ok(())
    }
}
