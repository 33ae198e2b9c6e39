//! Each decoded frame's presentation time and content score against the frame before.

use std::path::Path;
use std::sync::mpsc;

use ffmpeg::format::context::Input;
use ffmpeg::format::Pixel;
use ffmpeg::frame;
use ffmpeg::software::scaling::{self, Flags};
use ffmpeg_next as ffmpeg;
use heimdex_core::{FailureKind, StageError};

use super::blocking::StopFlag;
use super::config::SceneDetectionConfig;
use super::decode::{clock, decode_video};
use super::row_bins::{bin_factor, bin_rows};
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

/// Decodes stream `index` of `input` as `config` says (threads, deblocking), scales each frame to
/// `config.target_width` (planar RGB, area averaging) and scores it. Stops early when `stop` is set.
///
/// Two threads share the work: this one only decodes, and a scoped scorer thread scales each
/// frame, turns it into HSV and scores it against the one before. Decoded frames cross over
/// as they are (a reference to the decoder's buffer, no copy), so the decoder is never held up
/// by scoring and keeps its frame threads fed.
pub(crate) fn frame_scores(
    input: &mut Input,
    index: usize,
    fps: Option<f64>,
    config: &SceneDetectionConfig,
    path: &Path,
    stop: &StopFlag,
) -> Result<FrameScores, StageError> {
    let (time_base, start) = clock(input, index).unwrap_or((0.0, 0));
    let (frames_tx, frames_rx) = mpsc::sync_channel::<frame::Video>(IN_FLIGHT);
    std::thread::scope(|scope| {
        // FFmpeg's scaler is not `Send`: the scorer makes its own.
        let scorer =
            scope.spawn(move || score_all(frames_rx, Scaler::new(config, fps, time_base, start)));
        let decoded = decode_video(input, index, config.into(), path, stop, &mut |f| {
            // The scorer hangs up only when it failed; its error is the one reported below.
            frames_tx.send(f).map_err(|_| {
                StageError::new(FailureKind::Internal, "the scene scorer stopped early")
            })
        });
        drop(frames_tx);
        let scored = scorer.join().map_err(|_| {
            StageError::new(FailureKind::Internal, "the scene scorer thread panicked")
        })?;
        let (times, scores) = scored?;
        let decoded = decoded?;
        Ok(FrameScores {
            times,
            scores,
            corrupt: decoded.corrupt,
        })
    })
}

/// Decoded frames queued between the decoding and the scoring thread.
const IN_FLIGHT: usize = 8;

/// The scorer thread: scales and dates every frame and scores it against the one before.
/// Returns the times and scores in order, or the first scaling error.
fn score_all(
    frames: mpsc::Receiver<frame::Video>,
    mut scaler: Scaler,
) -> Result<(Vec<f64>, Vec<f64>), StageError> {
    let (mut times, mut scores) = (Vec::new(), Vec::new());
    let (mut previous, mut current) = (HsvFrame::default(), HsvFrame::default());
    for frame in frames {
        let (time, restart) = scaler.scale(&frame, &mut current)?;
        let comparable = !restart && !scores.is_empty() && previous.len() == current.len();
        times.push(time);
        scores.push(if comparable {
            content_score(&previous, &current)
        } else {
            0.0
        });
        std::mem::swap(&mut previous, &mut current);
    }
    Ok((times, scores))
}

/// Scales frames to the detector's size and dates them.
struct Scaler {
    fps: Option<f64>,
    time_base: f64,
    start: i64,
    /// swscale for the current format and size, and that format and size.
    scaler: Option<(scaling::Context, (Pixel, u32, u32))>,
    /// Rows averaged into one before swscale for the current format and size, if any.
    bin: Option<u32>,
    /// Whether rows may be binned (tests compare with swscale alone).
    binning: bool,
    /// The frame with its rows binned, what swscale scales when `bin` is set.
    binned: frame::Video,
    config: SceneDetectionConfig,
    /// The scaled frame, planar RGB.
    rgb: frame::Video,
    frames: usize,
    last_time: f64,
}

impl Scaler {
    fn new(config: &SceneDetectionConfig, fps: Option<f64>, time_base: f64, start: i64) -> Self {
        Self {
            fps,
            time_base,
            start,
            scaler: None,
            bin: None,
            binning: true,
            binned: frame::Video::empty(),
            config: config.clone(),
            rgb: frame::Video::empty(),
            frames: 0,
            last_time: 0.0,
        }
    }

    /// Scales `frame` into `hsv` and returns its presentation time, and whether it is the first
    /// frame after a change of size or format (which scores 0).
    fn scale(
        &mut self,
        frame: &frame::Video,
        hsv: &mut HsvFrame,
    ) -> Result<(f64, bool), StageError> {
        let key = (frame.format(), frame.width(), frame.height());
        let restart = self.scaler.as_ref().map(|(_, k)| *k) != Some(key);
        if restart {
            let (format, w, h) = key;
            let (to_w, to_h) = self.config.scaled_size(w, h);
            self.bin = bin_factor(format, h, to_h).filter(|_| self.binning);
            let from_h = h / self.bin.unwrap_or(1);
            let scaler =
                scaling::Context::get(format, w, from_h, Pixel::GBRP, to_w, to_h, Flags::AREA)
                    .map_err(|err| {
                        let message = format!("cannot scale {format:?} {w}x{h} frames: {err}");
                        StageError::new(FailureKind::Decode, message).with_source(err)
                    })?;
            self.scaler = Some((scaler, key));
        }
        let (scaler, _) = self.scaler.as_mut().expect("set above");
        let source = match self.bin {
            Some(k) => {
                bin_rows(frame, k, &mut self.binned);
                &self.binned
            }
            None => frame,
        };
        scaler.run(source, &mut self.rgb).map_err(|err| {
            let message = format!("scaling a frame failed: {err}");
            StageError::new(FailureKind::Decode, message).with_source(err)
        })?;
        let (width, rows) = (self.rgb.width() as usize, self.rgb.height() as usize);
        // GBRP's planes are green, blue, red.
        let plane = |p: usize| (self.rgb.data(p), self.rgb.stride(p));
        hsv.fill_from_planes([plane(2), plane(0), plane(1)], width, rows);
        let time = match frame.timestamp() {
            Some(ts) => (ts - self.start) as f64 * self.time_base,
            None => match self.fps {
                Some(fps) if self.frames > 0 => self.last_time + 1.0 / fps,
                _ => self.last_time,
            },
        };
        self.frames += 1;
        self.last_time = time;
        Ok((time, restart))
    }
}

#[cfg(test)]
#[path = "frames_tests.rs"]
mod tests;
