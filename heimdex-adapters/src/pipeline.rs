//! [`standard_pipeline`]: the full pipeline `heimdex worker` and `heimdex process` run, built from
//! a [`PipelineConfig`] and the stages this build has (cargo features), so an embedding service
//! gets the same pipeline in one call.

use std::sync::Arc;
use std::time::Duration;

use heimdex_core::{Result, SequentialPipeline, Store};
use heimdex_stages::{builtin_pipeline, Hold};

/// Which stages the standard pipeline runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PipelineKind {
    /// Every stage this build has: with the `media` feature `downloading`, `metadata`,
    /// `scene_detection`, `transcription` (`whisper`), `scene_processing` (keyframes; transcript
    /// slices and embeddings with `embeddings`) and `indexing`; without it only `downloading`.
    #[default]
    Full,
    /// Only the `downloading` check, for drills on files that are not video.
    Basic,
}

/// How [`standard_pipeline`] builds the pipeline. The stages' own settings (models, keyframes
/// folder, Whisper threads, core locks) come from their environment variables, as documented
/// on each stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PipelineConfig {
    /// Which stages run (default [`PipelineKind::Full`]).
    pub kind: PipelineKind,
    /// A `hold` stage of this length at the end, for drills; zero (the default) adds none.
    pub hold: Duration,
    /// Jobs the process runs at once (default 1): Whisper's threads are the cores divided among
    /// them, unless `HEIMDEX_WHISPER_THREADS` sets them.
    pub concurrent_jobs: usize,
}

impl Default for PipelineConfig {
    fn default() -> Self {
        Self {
            kind: PipelineKind::Full,
            hold: Duration::ZERO,
            concurrent_jobs: 1,
        }
    }
}

impl PipelineConfig {
    /// The same with `kind`.
    pub fn with_kind(mut self, kind: PipelineKind) -> Self {
        self.kind = kind;
        self
    }

    /// The same with a final `hold` stage of `hold` (zero: none).
    pub fn with_hold(mut self, hold: Duration) -> Self {
        self.hold = hold;
        self
    }

    /// The same for a process running `jobs` jobs at once (at least 1).
    pub fn with_concurrent_jobs(mut self, jobs: usize) -> Self {
        self.concurrent_jobs = jobs.max(1);
        self
    }
}

/// The standard pipeline over `store` (metadata and scenes are written to it): see
/// [`PipelineKind::Full`]. Fails with [`heimdex_core::Error::InvalidInput`], naming the stage, when a stage's
/// configuration is unusable: a missing model, a `HEIMDEX_CLIP_MODEL` folder without a model, a
/// `HEIMDEX_CORES_DIR` that cannot be used.
pub fn standard_pipeline(
    store: Arc<dyn Store>,
    config: &PipelineConfig,
) -> Result<SequentialPipeline> {
    let pipeline = match config.kind {
        PipelineKind::Full => full_stages(store, config.concurrent_jobs)?,
        PipelineKind::Basic => builtin_pipeline(Duration::ZERO),
    };
    Ok(if config.hold.is_zero() {
        pipeline
    } else {
        pipeline.stage(Arc::new(Hold::new(config.hold)))
    })
}

/// Every stage this build has: without the `media` feature only `downloading`.
#[cfg(not(feature = "media"))]
fn full_stages(_store: Arc<dyn Store>, _concurrent_jobs: usize) -> Result<SequentialPipeline> {
    Ok(builtin_pipeline(Duration::ZERO))
}

/// `downloading`, `metadata`, `scene_detection`, `transcription` (feature `whisper`),
/// `scene_processing`, then `indexing` into `store`.
#[cfg(feature = "media")]
fn full_stages(store: Arc<dyn Store>, concurrent_jobs: usize) -> Result<SequentialPipeline> {
    use heimdex_media::{media_pipeline, KeyframeExtractor};
    use heimdex_stages::Indexing;
    heimdex_media::check_cores_dir().map_err(|err| invalid("core locks", err))?;
    let pipeline = media_pipeline(store.clone(), Duration::ZERO);
    #[cfg(feature = "whisper")]
    let pipeline = {
        use heimdex_models::whisper::{Transcription, TranscriptionConfig};
        let config = TranscriptionConfig::from_env()
            .map_err(|err| invalid("transcription", err))?
            .shared_by(concurrent_jobs);
        pipeline.stage(Arc::new(Transcription::new(config)))
    };
    #[cfg(not(feature = "whisper"))]
    let _ = concurrent_jobs; // Only Whisper divides the cores among jobs.
    let keyframes = KeyframeExtractor::from_env();
    #[cfg(feature = "embeddings")]
    let pipeline = {
        use heimdex_models::embeddings::{
            configured_clip_model, ImageEmbedder, SceneProcessing, TextEmbedder,
        };
        let fail = |err| invalid("scene_processing", err);
        let mut stage = SceneProcessing::new(TextEmbedder::load_default().map_err(fail)?)
            .with_keyframes(keyframes);
        if let Some(dir) = configured_clip_model() {
            stage = stage.with_image_embedder(ImageEmbedder::load(&dir).map_err(fail)?);
        }
        pipeline.stage(Arc::new(stage))
    };
    #[cfg(not(feature = "embeddings"))]
    let pipeline = pipeline.stage(Arc::new(heimdex_media::SceneFrames::new(keyframes)));
    Ok(pipeline.stage(Arc::new(Indexing::new(store))))
}

#[cfg(feature = "media")]
fn invalid(stage: &str, err: impl std::fmt::Display) -> heimdex_core::Error {
    heimdex_core::Error::InvalidInput(format!("{stage}: {err}"))
}
