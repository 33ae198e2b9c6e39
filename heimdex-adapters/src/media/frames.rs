//! Each decoded frame's presentation time and content score against the frame before.

use std::path::Path;

use ffmpeg::format::context::Input;
use ffmpeg::format::Pixel;
use ffmpeg::frame;
use ffmpeg::software::scaling::{self, Flags};
use ffmpeg_next as ffmpeg;
use heimdex_core::{FailureKind, StageError};

use super::blocking::StopFlag;
use super::config::SceneDetectionConfig;
use super::decode::{clock, decode_video};
use super::score::{content_score, HsvFrame};

/// Every decoded frame of the video stream, in presentation order.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct FrameScores {
    /// Presentation time of each frame, in seconds from the stream's start.
    pub times: Vec<f64>,
    /// Content score of each frame against the previous one (0 for the first).
    pub scores: Vec<f64>,
    /// Packets or frames the decoder rejected and that were skipped.
    pub corrupt: usize,
}

/// Decodes stream `index` of `input` with `config.decode_threads` threads, scales each frame to
/// `config.target_width` (RGB24, area averaging) and scores it. Stops early when `stop` is set.
pub(crate) fn frame_scores(
    input: &mut Input,
    index: usize,
    fps: Option<f64>,
    config: &SceneDetectionConfig,
    path: &Path,
    stop: &StopFlag,
) -> Result<FrameScores, StageError> {
    let (time_base, start) = clock(input, index).unwrap_or((0.0, 0));
    let mut scorer = Scorer::new(config, fps, time_base, start);
    let mut out = FrameScores::default();
    let decoded = decode_video(input, index, config.decode_threads, path, stop, &mut |f| {
        let (time, score) = scorer.score(f)?;
        out.times.push(time);
        out.scores.push(score);
        Ok(())
    })?;
    out.corrupt = decoded.corrupt;
    Ok(out)
}

/// Scales frames and keeps the previous one to score the next against.
struct Scorer {
    fps: Option<f64>,
    time_base: f64,
    start: i64,
    scaler: Option<(scaling::Context, (Pixel, u32, u32))>,
    config: SceneDetectionConfig,
    rgb: frame::Video,
    previous: HsvFrame,
    current: HsvFrame,
    frames: usize,
    last_time: f64,
}

impl Scorer {
    fn new(config: &SceneDetectionConfig, fps: Option<f64>, time_base: f64, start: i64) -> Self {
        Self {
            fps,
            time_base,
            start,
            scaler: None,
            config: config.clone(),
            rgb: frame::Video::empty(),
            previous: HsvFrame::default(),
            current: HsvFrame::default(),
            frames: 0,
            last_time: 0.0,
        }
    }

    /// The frame's presentation time and its score against the previous frame.
    fn score(&mut self, frame: &frame::Video) -> Result<(f64, f64), StageError> {
        let key = (frame.format(), frame.width(), frame.height());
        if self.scaler.as_ref().map(|(_, k)| *k) != Some(key) {
            let (w, h) = self.config.scaled_size(key.1, key.2);
            let scaler =
                scaling::Context::get(key.0, key.1, key.2, Pixel::RGB24, w, h, Flags::AREA)
                    .map_err(|err| {
                        StageError::new(
                            FailureKind::Decode,
                            format!("cannot scale {:?} {}x{} frames: {err}", key.0, key.1, key.2),
                        )
                        .with_source(err)
                    })?;
            self.scaler = Some((scaler, key));
            self.previous = HsvFrame::default();
        }
        let (scaler, _) = self.scaler.as_mut().expect("set above");
        scaler.run(frame, &mut self.rgb).map_err(|err| {
            StageError::new(
                FailureKind::Decode,
                format!("scaling a frame failed: {err}"),
            )
            .with_source(err)
        })?;
        let (w, h) = (self.rgb.width() as usize, self.rgb.height() as usize);
        self.current
            .fill_from_rgb24(self.rgb.data(0), self.rgb.stride(0), w, h);
        let score = if self.previous.len() == self.current.len() && self.frames > 0 {
            content_score(&self.previous, &self.current)
        } else {
            0.0
        };
        std::mem::swap(&mut self.previous, &mut self.current);
        let time = match frame.timestamp() {
            Some(ts) => (ts - self.start) as f64 * self.time_base,
            None => match self.fps {
                Some(fps) if self.frames > 0 => self.last_time + 1.0 / fps,
                _ => self.last_time,
            },
        };
        self.frames += 1;
        self.last_time = time;
        Ok((time, score))
    }
}
