//! [`KeyframeExtractor`]: takes each scene's keyframes, writes them as JPEG and scores them.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use ffmpeg::format::Pixel;
use ffmpeg::frame;
use ffmpeg::software::scaling::{self, Flags};
use ffmpeg_next as ffmpeg;
use heimdex_core::{FailureKind, JobContext, PerceptualHash, SceneRecord, StageError, VideoId};
use serde::Serialize;

use super::blocking::{run_blocking, StopFlag};
use super::grab::FrameGrabber;
use super::jpeg::{JpegEncoder, JPEG_PIXEL};
use super::keyframes::{
    is_keyframe_file, keyframe_name, keyframe_times, remove_older_attempts, KeyframeConfig,
};
use super::metadata::source_path;
use super::quality::FrameQuality;
use super::rotation::{rotate_planes, shown_size};

/// One keyframe written to disk.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Keyframe {
    /// The JPEG file.
    pub path: PathBuf,
    /// When it was wanted (seconds from the start of the video).
    pub target_s: f64,
    /// The presentation time of the frame taken: the first at or after `target_s` (the video's
    /// last frame when `target_s` is past it).
    pub time_s: f64,
    /// Its brightness, sharpness and score, measured on the decoded frame's full-range luma.
    pub quality: FrameQuality,
    /// Its perceptual hash, from the same luma (`None` only for an empty picture).
    pub perceptual_hash: Option<PerceptualHash>,
}

/// The keyframes of one scene, in time order.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SceneKeyframes {
    /// The scene's index.
    pub index: u32,
    /// Its keyframes, earliest first.
    pub frames: Vec<Keyframe>,
}

impl SceneKeyframes {
    /// The keyframes best first (highest score; equal scores in time order).
    pub fn ranked(&self) -> Vec<&Keyframe> {
        let mut ranked: Vec<&Keyframe> = self.frames.iter().collect();
        ranked.sort_by(|a, b| b.quality.score.total_cmp(&a.quality.score));
        ranked
    }

    /// Sets `scene`'s `keyframes` to the paths best first, and its `quality` and
    /// `perceptual_hash` to the best frame's.
    pub fn apply_to(&self, scene: &mut SceneRecord) {
        let ranked = self.ranked();
        scene.quality = ranked.first().map(|k| k.quality.score);
        scene.perceptual_hash = ranked.first().and_then(|k| k.perceptual_hash);
        scene.keyframes = ranked
            .iter()
            .map(|k| k.path.to_string_lossy().into_owned())
            .collect();
    }
}

/// The keyframe part of `scene_processing`: for each scene, 1 to 3 evenly spaced frames
/// ([`keyframe_times`]), each the first decoded frame at or after its time, written as JPEG by
/// FFmpeg's `mjpeg` encoder at quantiser 2 (as `ffmpeg -ss t -i video -vframes 1 -q:v 2`), and
/// scored by [`FrameQuality`]. The video is opened once; targets a short way ahead are reached by
/// decoding on, others by seeking to the keyframe before them.
///
/// Each attempt writes into its own folder ([`KeyframeConfig::dir_for`]) and then removes the
/// video's older attempts' folders, so a worker that lost its lease never touches the keyframes
/// of the attempt that replaced it.
///
/// Failures: `input` when the source is missing, not media or yields no frame near a target;
/// `io` when the system refuses to read it or the JPEG files cannot be written; `cancelled`
/// when the stage is dropped.
#[derive(Clone, Debug, Default)]
pub struct KeyframeExtractor {
    config: KeyframeConfig,
}

impl KeyframeExtractor {
    /// The extractor with `config`.
    pub fn new(config: KeyframeConfig) -> Self {
        Self { config }
    }

    /// The extractor with [`KeyframeConfig::from_env`].
    pub fn from_env() -> Self {
        Self::new(KeyframeConfig::from_env())
    }

    /// Its configuration.
    pub fn config(&self) -> &KeyframeConfig {
        &self.config
    }

    /// [`extract_attempt`](Self::extract_attempt) as attempt 1, a job's first.
    pub fn extract(
        &self,
        source: &Path,
        video: VideoId,
        scenes: &[SceneRecord],
    ) -> Result<Vec<SceneKeyframes>, StageError> {
        self.extract_attempt(source, video, 1, scenes)
    }

    /// Takes the keyframes of `scenes` from the video at `source` into
    /// [`KeyframeConfig::dir_for`] `(video, attempt)`, replacing the keyframe files already
    /// there, then removes the video's older attempts' folders (blocking: call it from a
    /// blocking thread). One entry per scene, in order.
    pub fn extract_attempt(
        &self,
        source: &Path,
        video: VideoId,
        attempt: u32,
        scenes: &[SceneRecord],
    ) -> Result<Vec<SceneKeyframes>, StageError> {
        self.extract_until(source, video, attempt, scenes, &StopFlag::default())
    }

    /// Fills `scenes`' `keyframes` (best first) and `quality` (the best frame's score) from the
    /// job's source (`downloading`'s file, else the job's source path), on the blocking pool,
    /// writing into the folder of the job's attempt.
    pub async fn fill(
        &self,
        ctx: &JobContext,
        mut scenes: Vec<SceneRecord>,
    ) -> Result<Vec<SceneRecord>, StageError> {
        let (video, attempt) = (ctx.job.video, ctx.job.attempt);
        let (source, this) = (source_path(ctx), self.clone());
        run_blocking("scene_processing", move |stop| {
            let found = this.extract_until(&source, video, attempt, &scenes, stop)?;
            for (scene, frames) in scenes.iter_mut().zip(&found) {
                frames.apply_to(scene);
            }
            Ok(scenes)
        })
        .await
    }

    fn extract_until(
        &self,
        source: &Path,
        video: VideoId,
        attempt: u32,
        scenes: &[SceneRecord],
        stop: &StopFlag,
    ) -> Result<Vec<SceneKeyframes>, StageError> {
        let mut grabber = FrameGrabber::open(source, stop).map_err(|mut err| {
            err.message = format!("cannot take keyframes: {}", err.message);
            err
        })?;
        let dir = self.config.dir_for(video, attempt);
        let mut folders = std::fs::DirBuilder::new();
        #[cfg(unix)] // owner-only, like the embedded store's folder
        std::os::unix::fs::DirBuilderExt::mode(&mut folders, 0o700);
        folders
            .recursive(true)
            .create(&dir)
            .map_err(|err| io_error("create the folder", &dir, err))?;
        let mut jpeg = Jpeg::new(self.config.jpeg_qscale, grabber.rotation());
        let mut written = HashSet::new();
        let mut out = Vec::with_capacity(scenes.len());
        for scene in scenes {
            let times = keyframe_times(scene.start_s, scene.end_s, self.config.max_per_scene);
            let mut frames = Vec::with_capacity(times.len());
            for (k, target_s) in times.into_iter().enumerate() {
                let (decoded, time_s) = grabber.grab(target_s, stop)?;
                let path = dir.join(keyframe_name(scene.index, k));
                let (quality, perceptual_hash) = jpeg.write(decoded, &path)?;
                written.insert(path.clone());
                frames.push(Keyframe {
                    path,
                    target_s,
                    time_s,
                    quality,
                    perceptual_hash,
                });
            }
            out.push(SceneKeyframes {
                index: scene.index,
                frames,
            });
        }
        remove_stale(&dir, &written)?;
        remove_older_attempts(&self.config.video_dir(video), attempt);
        Ok(out)
    }
}

/// Converts decoded frames to full-range 4:2:0, turns them upright, measures them and writes
/// them as JPEG.
struct Jpeg {
    converter: Option<(scaling::Context, (Pixel, u32, u32))>,
    yuv: frame::Video,
    /// Degrees clockwise to turn each frame, and the turned frame.
    rotation: u16,
    upright: frame::Video,
    encoder: JpegEncoder,
}

impl Jpeg {
    fn new(qscale: u8, rotation: u16) -> Self {
        Self {
            converter: None,
            yuv: frame::Video::empty(),
            rotation,
            upright: frame::Video::empty(),
            encoder: JpegEncoder::new(qscale),
        }
    }

    /// Writes `decoded` to `path` (through a `.part` file renamed into place) and returns its
    /// quality and perceptual hash, both from the luma plane: full-range BT.601 luma is the gray
    /// OpenCV (and Pillow's `convert("L")`) computes.
    fn write(
        &mut self,
        decoded: &frame::Video,
        path: &Path,
    ) -> Result<(FrameQuality, Option<PerceptualHash>), StageError> {
        let key = (decoded.format(), decoded.width(), decoded.height());
        if self.converter.as_ref().map(|(_, k)| *k) != Some(key) {
            let (format, w, h) = key;
            let context = scaling::Context::get(format, w, h, JPEG_PIXEL, w, h, Flags::BICUBIC)
                .map_err(|err| {
                    let what = format!("cannot convert {format:?} {w}x{h} frames to JPEG's");
                    StageError::new(FailureKind::Decode, format!("{what}: {err}")).with_source(err)
                })?;
            self.converter = Some((context, key));
        }
        let (converter, _) = self.converter.as_mut().expect("set above");
        converter.run(decoded, &mut self.yuv).map_err(|err| {
            let message = format!("converting a keyframe failed: {err}");
            StageError::new(FailureKind::Decode, message).with_source(err)
        })?;
        let shown = upright(&mut self.yuv, self.rotation, &mut self.upright);
        let (w, h) = (shown.width() as usize, shown.height() as usize);
        let (luma, stride) = (shown.data(0), shown.stride(0));
        let quality = FrameQuality::measure(luma, w, h, stride);
        let hash = PerceptualHash::of_gray(luma, w, h, stride);
        let bytes = self.encoder.encode(shown)?;
        let part = path.with_extension("jpg.part");
        std::fs::write(&part, bytes)
            .and_then(|()| std::fs::rename(&part, path))
            .map_err(|err| io_error("write the keyframe", path, err))?;
        Ok((quality, hash))
    }
}

/// The converted frame `yuv` as shown: itself when `rotation` is 0, else turned into `turned`
/// (reallocated when its size does not fit).
fn upright<'a>(
    yuv: &'a mut frame::Video,
    rotation: u16,
    turned: &'a mut frame::Video,
) -> &'a mut frame::Video {
    if rotation == 0 {
        return yuv;
    }
    let (w, h) = shown_size(yuv.width(), yuv.height(), rotation);
    if (turned.width(), turned.height()) != (w, h) {
        *turned = frame::Video::new(JPEG_PIXEL, w, h);
    }
    rotate_planes(yuv, rotation, turned);
    turned
}

/// Removes the keyframe files in `dir` this run did not write (an earlier run's extra scenes).
fn remove_stale(dir: &Path, written: &HashSet<PathBuf>) -> Result<(), StageError> {
    let entries = std::fs::read_dir(dir).map_err(|err| io_error("list", dir, err))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if is_keyframe_file(Path::new(&entry.file_name())) && !written.contains(&path) {
            std::fs::remove_file(&path)
                .map_err(|err| io_error("remove the stale keyframe", &path, err))?;
        }
    }
    Ok(())
}

fn io_error(what: &str, path: &Path, err: std::io::Error) -> StageError {
    StageError::new(
        FailureKind::Io,
        format!("keyframes: cannot {what} {}: {err}", path.display()),
    )
    .with_source(err)
}
