//! [`EmbedError`]: what can go wrong loading a model or embedding text or images.

use std::path::PathBuf;

use heimdex_core::{FailureKind, StageError};

use super::clip_config::CLIP_MODEL_ENV;

/// An embedding failure.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    /// The model folder lacks a file the embedder needs (the model was never installed).
    #[error(
        "no all-MiniLM-L6-v2 model in {}: {missing} is missing; \
         run scripts/setup-embeddings (or set HEIMDEX_MODELS_DIR to where it installed the model)",
        dir.display()
    )]
    ModelMissing {
        /// The folder searched.
        dir: PathBuf,
        /// The file that is missing.
        missing: String,
    },
    /// The model's files are there but could not be read or do not fit.
    #[error("cannot load the embedding model from {}: {message}", dir.display())]
    Load {
        /// The model folder.
        dir: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The CLIP-style image model's folder, or a file in it, is missing.
    #[error(
        "no CLIP-style image model at {} ({CLIP_MODEL_ENV}): {missing} is missing; \
         {CLIP_MODEL_ENV} must name a folder with config.json and model.safetensors \
         in Hugging Face CLIPModel naming",
        dir.display()
    )]
    ImageModelMissing {
        /// The folder named by `HEIMDEX_CLIP_MODEL`.
        dir: PathBuf,
        /// What is missing (`the folder`, or a file name).
        missing: String,
    },
    /// The CLIP-style image model's files are there but could not be read or do not fit.
    #[error(
        "cannot load the CLIP-style image model from {} ({CLIP_MODEL_ENV}): {message}",
        dir.display()
    )]
    ImageModelLoad {
        /// The model folder.
        dir: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// An image to embed does not have the size the model takes.
    #[error("an image to embed has {got} bytes; the model takes {want} (RGB, {side}x{side})")]
    ImageSize {
        /// The bytes given.
        got: usize,
        /// The bytes wanted.
        want: usize,
        /// The model's image side, in pixels.
        side: usize,
    },
    /// The tokenizer rejected the input.
    #[error("cannot tokenize the text to embed: {0}")]
    Tokenize(String),
    /// The model failed while running.
    #[error("embedding inference failed: {0}")]
    Inference(#[from] candle_core::Error),
    /// The blocking task running the model panicked or was cancelled.
    #[error("the embedding task did not finish: {0}")]
    Task(String),
}

impl EmbedError {
    /// The failure kind a stage reports for it: `model` for a missing or unloadable model,
    /// `internal` otherwise.
    pub fn failure_kind(&self) -> FailureKind {
        match self {
            EmbedError::ModelMissing { .. }
            | EmbedError::Load { .. }
            | EmbedError::ImageModelMissing { .. }
            | EmbedError::ImageModelLoad { .. } => FailureKind::Model,
            EmbedError::ImageSize { .. }
            | EmbedError::Tokenize(_)
            | EmbedError::Inference(_)
            | EmbedError::Task(_) => FailureKind::Internal,
        }
    }
}

impl From<EmbedError> for StageError {
    fn from(err: EmbedError) -> Self {
        StageError::new(err.failure_kind(), err.to_string()).with_source(err)
    }
}
