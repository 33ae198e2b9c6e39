//! [`SceneDetection`]: the `scene_detection` stage.

use std::path::Path;

use async_trait::async_trait;
use heimdex_core::{FailureKind, JobContext, Stage, StageError, StageName};

use super::blocking::{run_blocking, StopFlag};
use super::config::SceneDetectionConfig;
use super::cuts::find_cuts;
use super::decode::decode_video;
use super::facts::MediaFacts;
use super::frames::{frame_scores, FrameScores};
use super::metadata::source_path;
use super::open::{open_input, Formats};
use super::probe;
use crate::cores::ThreadBudget;
use heimdex_stages::Scenes;

/// Runs as `scene_detection`: decodes the video stream (multithreaded, on the blocking pool),
/// scores each frame against the previous one and cuts where [`SceneDetectionConfig`] says,
/// leaving [`Scenes`] in the job's context: one scene spanning the video when there is no cut.
///
/// Uses the [`MediaFacts`] of `metadata` when present (else probes the source itself). Failures:
/// `input` when the source cannot be opened, no frame decodes, or fewer frames decode than the
/// container declares (a truncated file whose header survived); `io` when reading fails in the
/// operating system; `decode` when the decoder cannot be opened or frames cannot be scaled.
/// Packets the decoder rejects are skipped, as the ffmpeg CLI does.
#[derive(Clone, Debug, Default)]
pub struct SceneDetection {
    config: SceneDetectionConfig,
}

impl SceneDetection {
    /// The stage with `config`.
    pub fn new(config: SceneDetectionConfig) -> Self {
        Self { config }
    }

    /// Its configuration.
    pub fn config(&self) -> &SceneDetectionConfig {
        &self.config
    }
}

#[async_trait]
impl Stage for SceneDetection {
    fn name(&self) -> StageName {
        StageName::SCENE_DETECTION
    }

    async fn run(&self, ctx: &mut JobContext) -> Result<(), StageError> {
        let path = source_path(ctx);
        let facts = ctx.get::<MediaFacts>().cloned();
        let config = self.config.clone();
        // One core marked as in use, here and for the host's other Heimdex processes, so that a
        // Whisper run beside this one takes the cores left (and one that finds none waits).
        let core = ThreadBudget::global().take(1).await;
        let detected = run_blocking("scene_detection", move |stop| {
            let _core = core;
            detect(&path, facts, &config, stop)
        })
        .await?;
        ctx.insert(detected.scenes);
        Ok(())
    }
}

/// What one scene detection found, with the numbers a benchmark needs.
#[derive(Clone, Debug, PartialEq)]
pub struct Detected {
    /// The scenes.
    pub scenes: Scenes,
    /// Video frames decoded and scored.
    pub frames: usize,
    /// Packets or frames the decoder rejected.
    pub corrupt: usize,
}

/// Scene detection of the file at `path` outside a pipeline (blocking: call it from a blocking
/// thread). Fails as the stage does.
pub fn detect_scenes(path: &Path, config: &SceneDetectionConfig) -> Result<Detected, StageError> {
    detect(path, None, config, &StopFlag::default())
}

/// Decodes the video of the file at `path` without scoring it, as scene detection with `config`
/// would decode it (its threads and deblocking), and returns how many frames it has (blocking).
/// The baseline scene detection is measured against.
pub fn decode_only(path: &Path, config: &SceneDetectionConfig) -> Result<usize, StageError> {
    let stop = StopFlag::default();
    let mut input = open_input(path, Formats::Video, &stop)?;
    let index = probe::facts(&input, path, &stop)?.video_stream;
    let decoded = decode_video(&mut input, index, config.into(), path, &stop, &mut |_| {
        Ok(())
    })?;
    Ok(decoded.frames)
}

fn detect(
    path: &Path,
    facts: Option<MediaFacts>,
    config: &SceneDetectionConfig,
    stop: &StopFlag,
) -> Result<Detected, StageError> {
    let mut input = open_input(path, Formats::Video, stop)?;
    let facts = match facts {
        Some(facts) => facts,
        None => probe::facts(&input, path, stop)?,
    };
    let frames = frame_scores(
        &mut input,
        facts.video_stream,
        facts.frame_rate,
        config,
        path,
        stop,
    )?;
    check_complete(&frames, &facts, path)?;
    let fps = facts
        .frame_rate
        .unwrap_or_else(|| measured_fps(&frames.times));
    let cuts: Vec<f64> = find_cuts(&frames.scores, fps, config)
        .into_iter()
        .map(|i| frames.times[i])
        .collect();
    Ok(Detected {
        scenes: Scenes::from_cuts(&cuts, facts.duration_s),
        frames: frames.times.len(),
        corrupt: frames.corrupt,
    })
}

/// Fails when nothing decoded, or when clearly fewer frames decoded than the container declares
/// (more than 1 % and 2 frames short): a file cut off after an intact header.
fn check_complete(frames: &FrameScores, facts: &MediaFacts, path: &Path) -> Result<(), StageError> {
    let decoded = frames.times.len();
    let shown = path.display();
    if decoded == 0 {
        return Err(StageError::new(
            FailureKind::Input,
            format!(
                "no video frame of {shown} could be decoded ({} packets rejected): \
                 truncated or corrupt",
                frames.corrupt
            ),
        ));
    }
    if let Some(declared) = facts.video_frames.and_then(|n| usize::try_from(n).ok()) {
        let slack = (declared / 100).max(2);
        if decoded + slack < declared {
            return Err(StageError::new(
                FailureKind::Input,
                format!(
                    "only {decoded} of the {declared} video frames {shown} declares could be \
                     decoded: the file is truncated or corrupt"
                ),
            ));
        }
    }
    Ok(())
}

/// Frames per second from presentation times (25 when they say nothing).
fn measured_fps(times: &[f64]) -> f64 {
    match (times.first(), times.last()) {
        (Some(first), Some(last)) if last > first => (times.len() - 1) as f64 / (last - first),
        _ => 25.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_run_waits_while_other_runs_hold_every_core() {
        crate::cores::assert_stage_waits_for_a_core(&SceneDetection::default()).await;
    }
}
