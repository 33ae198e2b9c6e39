//! Image embeddings of image files and of scenes' best keyframes (features `media` and
//! `embeddings`): [`ImageEmbedder::embed_files`] and [`embed_scene_images`].

use std::path::PathBuf;

use heimdex_core::{SceneRecord, StageError};

use super::clip::ImageEmbedder;

/// Files decoded and embedded together: bounds the RGB held at once.
const CHUNK: usize = 16;

impl ImageEmbedder {
    /// Embeds image files (JPEG keyframes, or anything FFmpeg reads: a video gives its first
    /// frame): each is decoded with FFmpeg, its shorter side scaled to
    /// [`ImageEmbedder::image_size`] (bicubic) and its centre cut out, as CLIP's image processor
    /// does, then run through the model. One unit vector per file, in order; decoding and
    /// inference run on Tokio's blocking pool. Fails as `input` for a missing or unreadable file,
    /// `internal` when the model fails.
    pub async fn embed_files(&self, paths: &[PathBuf]) -> Result<Vec<Vec<f32>>, StageError> {
        let mut out = Vec::with_capacity(paths.len());
        for chunk in paths.chunks(CHUNK) {
            let pixels = heimdex_media::images_rgb(chunk.to_vec(), self.image_size()).await?;
            out.extend(self.embed_rgb(pixels).await?);
        }
        Ok(out)
    }
}

/// Sets each scene's `image_embedding` to the embedding of its best keyframe (`keyframes[0]`),
/// or to `None` when it has no keyframe. Other fields are left as they are.
pub async fn embed_scene_images(
    embedder: &ImageEmbedder,
    scenes: &mut [SceneRecord],
) -> Result<(), StageError> {
    let best: Vec<PathBuf> = scenes
        .iter()
        .filter_map(|s| s.keyframes.first())
        .map(PathBuf::from)
        .collect();
    let mut vectors = embedder.embed_files(&best).await?.into_iter();
    for scene in scenes.iter_mut() {
        scene.image_embedding = if scene.keyframes.is_empty() {
            None
        } else {
            vectors.next()
        };
    }
    Ok(())
}
