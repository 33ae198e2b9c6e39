//! The FFmpeg stages: [`Metadata`] (`metadata`) and [`SceneDetection`]
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
//!
//! **Keyframes and frame quality.** `scene_processing` gives every scene
//! `min(3, max(1, ⌊duration/2⌋))` keyframes, evenly spaced inside it (`start + (j+1)·span/(k+1)`, so
//! one keyframe is the midpoint), each the first decoded frame at or after its time, written by
//! FFmpeg's `mjpeg` encoder at `-q:v 2` quality as
//! `<root>/<video id>/attempt-<n>/scene_{i}_frame_{k}.jpg` (`root` is `HEIMDEX_KEYFRAMES_DIR`,
//! default `.heimdex/keyframes`; `n` the job's attempt). An attempt then removes the folders of the
//! video's older attempts, never a newer one's, so a stale worker cannot touch the newer attempt's
//! files (`KeyframeConfig::dir_for`). The video is opened once per job and the work runs on the blocking pool.
//! Each frame is scored as the previous service did with OpenCV: brightness `b` = mean gray,
//! sharpness = variance of the 3×3 Laplacian, score `0.4·(1−|b−127.5|/127.5) + 0.6·min(sharpness/1000, 1)`
//! (informative when `b ≥ 15` and sharpness ≥ 50). A scene's `quality` is its best frame's score and
//! its `keyframes` list that frame first. `SceneFrames` is the stage in builds without
//! `embeddings`; with them, `embeddings::SceneProcessing::with_keyframes` does both parts in the one
//! `scene_processing` stage. `KeyframeExtractor::extract` gives the frames' times and scores
//! outside a pipeline.
//!
//! **Cores shared across processes.** `transcription` runs (a thread per core
//! they use) and `scene_detection` (one core while it decodes) take their cores from this process's
//! budget and lock one file per core in a folder the host's Heimdex processes share:
//! `cores_dir()`, `$TMPDIR/heimdex-cores` or the folder `HEIMDEX_CORES_DIR` names (for processes
//! without a common temporary folder). `check_cores_dir()` tells an embedding service at start
//! whether a named folder can be used; an unusable temporary one only makes runs go ahead without
//! host locks, with a warning.

mod blocking;
mod config;
pub mod cores;
mod cuts;
pub mod decode;
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
pub mod open;
pub mod probe;
mod quality;
mod rgb;
mod rotation;
mod row_bins;
mod scene_detection;
mod scene_frames;
mod score;

use std::sync::Arc;
use std::time::Duration;

use heimdex_core::{Catalog, SequentialPipeline};

pub use config::SceneDetectionConfig;
pub use cores::{check_cores_dir, cores_dir, CoresDirError, CORES_DIR_ENV};
pub use error::RefusedContainer;
pub use facts::{AudioStream, MediaFacts};
pub use heimdex_stages::{Scene, Scenes};
pub use keyframe_extractor::{Keyframe, KeyframeExtractor, SceneKeyframes};
pub use keyframes::{
    keyframe_count, keyframe_name, keyframe_times, KeyframeConfig, DEFAULT_KEYFRAMES_DIR,
    KEYFRAMES_DIR_ENV,
};
pub use metadata::Metadata;
pub use quality::{FrameQuality, FULL_SHARPNESS, MIN_BRIGHTNESS, MIN_SHARPNESS};
pub use rgb::images_rgb;
pub use scene_detection::{decode_only, detect_scenes, Detected, SceneDetection};
pub use scene_frames::SceneFrames;

use heimdex_stages::{Hold, LocalSource};

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
