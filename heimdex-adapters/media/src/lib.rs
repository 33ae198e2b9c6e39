//! The FFmpeg stages (feature `media`): [`Metadata`] (`metadata`) and [`SceneDetection`]
//! (`scene_detection`), through ffmpeg-next, and [`media_pipeline`] that runs them; and
//! [`KeyframeExtractor`], which `scene_processing` uses to take each scene's keyframes (JPEG files,
//! one folder per attempt, so an attempt that lost its lease never touches a newer one's).
//!
//! Each does its FFmpeg work on Tokio's blocking pool; when the pipeline cancels a stage (time
//! limit, shutdown) the blocking work sees a flag and stops at its next packet (FFmpeg's
//! interrupt callback stops its reads too, while it opens and probes a source).
//!
//! Every stage opens a source the same way: a local file only, read only as a video container.
//! A playlist, a concat list, an image or image sequence, or any other format is refused in
//! `metadata` as `input`, with a [`RefusedContainer`] naming FFmpeg's demuxer as the cause.
//!
//! - [`Metadata`] probes the container: duration, frame rate, size, video codec, audio streams
//!   (codec, channels, language, title), creation time. It leaves [`MediaFacts`] in the job's
//!   context and writes duration, frame rate and size to the video through the
//!   [`Catalog`].
//! - [`SceneDetection`] decodes the video, scales frames to about 256 px wide and scores each
//!   against the previous one in the manner of PySceneDetect's ContentDetector (mean absolute
//!   HSV difference) with AdaptiveDetector's rolling-mean ratio ([`SceneDetectionConfig`]). It
//!   leaves [`Scenes`] in the context.
//!
//! A one-frame video is a still image, not a video: `metadata` fails it as `input` (called on
//! its own, `scene_detection` returns one scene spanning it). What is not media fails in `metadata`
//! (or, for an empty file, already in `downloading`); a file truncated after an intact header
//! passes `metadata` and fails in `scene_detection`, where its missing frames show.

mod blocking;
mod config;
mod cuts;
pub(crate) mod decode;
mod demuxed;
mod error;
mod facts;
mod frames;
mod grab;
mod grab_clock;
mod jpeg;
mod keyframe_extractor;
mod keyframes;
mod metadata;
pub(crate) mod open;
pub(crate) mod probe;
mod quality;
#[cfg(feature = "embeddings")]
mod rgb;
mod rotation;
mod row_bins;
mod scene;
mod scene_detection;
mod scene_frames;
mod score;

use std::sync::Arc;
use std::time::Duration;

use heimdex_core::{Catalog, SequentialPipeline};

pub use config::SceneDetectionConfig;
pub use error::RefusedContainer;
pub use facts::{AudioStream, MediaFacts};
pub use keyframe_extractor::{Keyframe, KeyframeExtractor, SceneKeyframes};
pub use keyframes::{
    keyframe_count, keyframe_name, keyframe_times, KeyframeConfig, DEFAULT_KEYFRAMES_DIR,
    KEYFRAMES_DIR_ENV,
};
pub use metadata::Metadata;
pub use quality::{FrameQuality, FULL_SHARPNESS, MIN_BRIGHTNESS, MIN_SHARPNESS};
#[cfg(feature = "embeddings")]
pub(crate) use rgb::images_rgb;
pub use scene::{Scene, Scenes};
pub use scene_detection::{decode_only, detect_scenes, Detected, SceneDetection};
pub use scene_frames::SceneFrames;

use crate::stages::{Hold, LocalSource};

/// The worker's pipeline with the media stages: [`LocalSource`] (`downloading`), [`Metadata`]
/// writing to `catalog`, [`SceneDetection`] with the default thresholds, then a [`Hold`] named
/// `hold` when `hold` is not zero.
pub fn media_pipeline(catalog: Arc<dyn Catalog>, hold: Duration) -> SequentialPipeline {
    let pipeline = SequentialPipeline::new()
        .stage(Arc::new(LocalSource))
        .stage(Arc::new(Metadata::new(catalog)))
        .stage(Arc::new(SceneDetection::default()));
    if hold.is_zero() {
        pipeline
    } else {
        pipeline.stage(Arc::new(Hold::new(hold)))
    }
}
