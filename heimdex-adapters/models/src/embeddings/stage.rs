//! [`SceneProcessing`]: the `scene_processing` stage (its transcript and embedding part, and with
//! the `media` feature its keyframe part).

use async_trait::async_trait;
use heimdex_core::{
    FailureKind, IndexedScenes, JobContext, SceneRecord, Stage, StageError, StageName,
};

use super::embedder::TextEmbedder;
use super::scenes::{embed_scenes, TimedText, TranscriptSegments};

/// Runs as `scene_processing`: gives every scene its transcript slice and that slice's text
/// embedding, and leaves the scenes as [`IndexedScenes`] for `indexing`. With a keyframe part
/// (`SceneProcessing::with_keyframes`, feature `media`) it first gives every scene its
/// keyframes and frame quality, as `media::SceneFrames` does in builds without embeddings.
///
/// The scenes are the [`IndexedScenes`] already in the job's context (so another part of scene
/// processing may have filled them first), else, with the `media` feature, the `media::Scenes`
/// of `scene_detection`. The transcript is the context's [`TranscriptSegments`], else, with the
/// `whisper` feature, the `whisper::Transcript` of `transcription`; without one every scene gets
/// an empty transcript and no embedding. Without a keyframe part, keyframes and quality are left
/// as they are. With an image embedder (`SceneProcessing::with_image_embedder`, feature
/// `media`) every scene with a keyframe gets the image embedding of its best one
/// (`keyframes[0]`); without one, image embeddings are left as they are. Failures: `internal`
/// when there are no scenes (the pipeline lacks scene detection) or a model fails while running;
/// `input` when a keyframe cannot be read back; those of `media::KeyframeExtractor`.
#[derive(Clone, Debug)]
pub struct SceneProcessing {
    embedder: TextEmbedder,
    #[cfg(feature = "media")]
    keyframes: Option<heimdex_media::KeyframeExtractor>,
    #[cfg(feature = "media")]
    images: Option<super::clip::ImageEmbedder>,
}

impl SceneProcessing {
    /// The stage, embedding with `embedder` (load it once: [`TextEmbedder::load_default`]).
    pub fn new(embedder: TextEmbedder) -> Self {
        Self {
            embedder,
            #[cfg(feature = "media")]
            keyframes: None,
            #[cfg(feature = "media")]
            images: None,
        }
    }

    /// The stage taking each scene's keyframes and frame quality with `frames` before the
    /// transcript and embedding part.
    #[cfg(feature = "media")]
    pub fn with_keyframes(mut self, frames: heimdex_media::KeyframeExtractor) -> Self {
        self.keyframes = Some(frames);
        self
    }

    /// The stage also giving each scene the image embedding of its best keyframe with `images`
    /// (load it once: [`ImageEmbedder::load`](super::ImageEmbedder::load)), after the keyframe
    /// part.
    #[cfg(feature = "media")]
    pub fn with_image_embedder(mut self, images: super::clip::ImageEmbedder) -> Self {
        self.images = Some(images);
        self
    }
}

/// The scenes to process, from whichever stage left them.
fn scenes_from(ctx: &JobContext) -> Option<Vec<SceneRecord>> {
    if let Some(IndexedScenes(scenes)) = ctx.get::<IndexedScenes>() {
        return Some(scenes.clone());
    }
    #[cfg(feature = "media")]
    if let Some(found) = ctx.get::<heimdex_media::Scenes>() {
        let bare = found.0.iter();
        return Some(
            bare.map(|s| SceneRecord::new(s.index, s.start_s, s.end_s))
                .collect(),
        );
    }
    None
}

/// The transcript's timed pieces: the context's [`TranscriptSegments`], else (with the `whisper`
/// feature) the segments of `transcription`'s `whisper::Transcript`; none when neither is there.
fn segments_from(ctx: &JobContext) -> Vec<TimedText> {
    if let Some(TranscriptSegments(segments)) = ctx.get::<TranscriptSegments>() {
        return segments.clone();
    }
    #[cfg(feature = "whisper")]
    if let Some(transcript) = ctx.get::<crate::whisper::Transcript>() {
        let segments = transcript.segments.iter();
        return segments
            .map(|s| (s.start_s, s.end_s, s.text.clone()))
            .collect();
    }
    Vec::new()
}

#[async_trait]
impl Stage for SceneProcessing {
    fn name(&self) -> StageName {
        StageName::SCENE_PROCESSING
    }

    async fn run(&self, ctx: &mut JobContext) -> Result<(), StageError> {
        let Some(mut scenes) = scenes_from(ctx) else {
            return Err(StageError::new(
                FailureKind::Internal,
                "no scenes to process: the pipeline has no scene detection stage",
            ));
        };
        #[cfg(feature = "media")]
        if let Some(frames) = &self.keyframes {
            scenes = frames.fill(ctx, scenes).await?;
        }
        #[cfg(feature = "media")]
        if let Some(images) = &self.images {
            super::clip_scenes::embed_scene_images(images, &mut scenes).await?;
        }
        let segments = segments_from(ctx);
        embed_scenes(&self.embedder, &mut scenes, &segments).await?;
        ctx.insert(IndexedScenes(scenes));
        Ok(())
    }
}
