//! The pipelines the commands run, from the stages this build has (cargo features).

use std::sync::Arc;
use std::time::Duration;

use heimdex_adapters::stages::{builtin_pipeline, Hold};
use heimdex_core::{Pipeline, SequentialPipeline, Store};

use super::worker::PipelineChoice;
use super::CliError;

/// The worker's pipeline: the built-in `downloading` check with `--pipeline basic`, else every
/// stage this build has ([`full_stages`]); then a `hold` stage when `hold` is not zero.
pub(crate) fn worker(
    store: Arc<dyn Store>,
    hold: Duration,
    choice: PipelineChoice,
    concurrent_jobs: usize,
) -> Result<Arc<dyn Pipeline>, CliError> {
    let mut pipeline = match choice {
        PipelineChoice::Full => full_stages(store, concurrent_jobs)?,
        PipelineChoice::Basic => builtin_pipeline(Duration::ZERO),
    };
    if !hold.is_zero() {
        pipeline = pipeline.stage(Arc::new(Hold::new(hold)));
    }
    Ok(Arc::new(pipeline))
}

/// Every stage this build has: without the `media` feature only `downloading`.
#[cfg(not(feature = "media"))]
fn full_stages(
    _store: Arc<dyn Store>,
    _concurrent_jobs: usize,
) -> Result<SequentialPipeline, CliError> {
    Ok(builtin_pipeline(Duration::ZERO))
}

/// Every stage this build has: the media stages ([`media_stages`]).
#[cfg(feature = "media")]
fn full_stages(
    store: Arc<dyn Store>,
    concurrent_jobs: usize,
) -> Result<SequentialPipeline, CliError> {
    media_stages(store, concurrent_jobs)
}

/// `heimdex process`'s pipeline: every media stage this build has.
#[cfg(feature = "media")]
pub(crate) fn media(store: Arc<dyn Store>) -> Result<Arc<dyn Pipeline>, CliError> {
    Ok(Arc::new(media_stages(store, 1)?))
}

/// `downloading`, `metadata`, `scene_detection`, `transcription` (feature `whisper`),
/// `scene_processing`, then `indexing` into `store`. `scene_processing` takes each scene's
/// keyframes and frame quality (JPEG files under `HEIMDEX_KEYFRAMES_DIR`, default
/// `.heimdex/keyframes`), and with the `embeddings` feature its transcript slice and embedding,
/// and the image embedding of its best keyframe when `HEIMDEX_CLIP_MODEL` names a CLIP-style
/// model (a folder that does not hold one fails the command). Whisper's threads, unless
/// `HEIMDEX_WHISPER_THREADS` sets them, are the cores divided among `concurrent_jobs`. A core
/// lock folder named with `HEIMDEX_CORES_DIR` that cannot be used fails the command too.
#[cfg(feature = "media")]
fn media_stages(
    store: Arc<dyn Store>,
    concurrent_jobs: usize,
) -> Result<SequentialPipeline, CliError> {
    use heimdex_adapters::media::{Metadata, SceneDetection};
    use heimdex_adapters::stages::{Indexing, LocalSource};
    heimdex_adapters::check_cores_dir().map_err(|err| CliError::Config(err.to_string()))?;
    let pipeline = SequentialPipeline::new()
        .stage(Arc::new(LocalSource))
        .stage(Arc::new(Metadata::new(store.clone())))
        .stage(Arc::new(SceneDetection::default()));
    #[cfg(feature = "whisper")]
    let pipeline = {
        use heimdex_adapters::whisper::{Transcription, TranscriptionConfig};
        let config = TranscriptionConfig::from_env()
            .map_err(|err| CliError::Config(format!("transcription: {err}")))?
            .shared_by(concurrent_jobs);
        pipeline.stage(Arc::new(Transcription::new(config)))
    };
    #[cfg(not(feature = "whisper"))]
    let _ = concurrent_jobs; // Only Whisper divides the cores among jobs.
    let keyframes = heimdex_adapters::media::KeyframeExtractor::from_env();
    #[cfg(feature = "embeddings")]
    let pipeline = {
        use heimdex_adapters::embeddings::{
            configured_clip_model, ImageEmbedder, SceneProcessing, TextEmbedder,
        };
        let config = |err| CliError::Config(format!("scene_processing: {err}"));
        let embedder = TextEmbedder::load_default().map_err(config)?;
        let mut stage = SceneProcessing::new(embedder).with_keyframes(keyframes);
        if let Some(dir) = configured_clip_model() {
            stage = stage.with_image_embedder(ImageEmbedder::load(&dir).map_err(config)?);
        }
        pipeline.stage(Arc::new(stage))
    };
    #[cfg(not(feature = "embeddings"))]
    let pipeline = pipeline.stage(Arc::new(heimdex_adapters::media::SceneFrames::new(
        keyframes,
    )));
    Ok(pipeline.stage(Arc::new(Indexing::new(store))))
}
