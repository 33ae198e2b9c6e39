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
/// `config.target_width` (planar RGB, area averaging) and scores it. Stops early when `stop` is set.
///
/// Two threads share the work: this one decodes and scales (FFmpeg), a scoped scorer thread
/// turns each scaled frame into HSV and scores it against the one before, so scoring overlaps
/// decoding instead of holding up the packets the decoder's frame threads wait for. Scaled frames
/// travel in a few recycled buffers, never one allocation per frame.
pub(crate) fn frame_scores(
    input: &mut Input,
    index: usize,
    fps: Option<f64>,
    config: &SceneDetectionConfig,
    path: &Path,
    stop: &StopFlag,
) -> Result<FrameScores, StageError> {
    let (time_base, start) = clock(input, index).unwrap_or((0.0, 0));
    let mut scaler = Scaler::new(config, fps, time_base, start);
    let (full_tx, full_rx) = mpsc::sync_channel::<Scaled>(IN_FLIGHT);
    let (empty_tx, empty_rx) = mpsc::channel::<Vec<u8>>();
    std::thread::scope(|scope| {
        let scorer = scope.spawn(move || score_all(full_rx, empty_tx));
        let mut times = Vec::new();
        let decoded = decode_video(input, index, config.decode_threads, path, stop, &mut |f| {
            let buffer = empty_rx.try_recv().unwrap_or_default();
            let scaled = scaler.scale(f, buffer)?;
            times.push(scaled.time);
            // The scorer only stops early by panicking, which the join below reports.
            let _ = full_tx.send(scaled);
            Ok(())
        });
        drop(full_tx);
        let scores = scorer.join().map_err(|_| {
            StageError::new(FailureKind::Internal, "the scene scorer thread panicked")
        })?;
        let decoded = decoded?;
        Ok(FrameScores {
            times,
            scores,
            corrupt: decoded.corrupt,
        })
    })
}

/// Scaled frames queued between the decoding and the scoring thread.
const IN_FLIGHT: usize = 8;

/// One scaled frame: its red, green and blue planes one after the other (no padding) and its
/// presentation time.
struct Scaled {
    rgb: Vec<u8>,
    width: usize,
    rows: usize,
    time: f64,
    /// True for the first frame after a change of size or format (scores 0).
    restart: bool,
}

/// The scorer thread: scores every frame against the one before, returns the scores in order
/// and hands each buffer back for reuse.
fn score_all(frames: mpsc::Receiver<Scaled>, empties: mpsc::Sender<Vec<u8>>) -> Vec<f64> {
    let mut scores = Vec::new();
    let (mut previous, mut current) = (HsvFrame::default(), HsvFrame::default());
    for frame in frames {
        let n = frame.width * frame.rows;
        let (r, rest) = frame.rgb.split_at(n);
        let (g, b) = rest.split_at(n);
        current.fill_from_planes(r, g, b);
        let comparable = !frame.restart && !scores.is_empty() && previous.len() == current.len();
        scores.push(if comparable {
            content_score(&previous, &current)
        } else {
            0.0
        });
        std::mem::swap(&mut previous, &mut current);
        let _ = empties.send(frame.rgb);
    }
    scores
}

/// Scales frames to the detector's size and dates them.
struct Scaler {
    fps: Option<f64>,
    time_base: f64,
    start: i64,
    scaler: Option<(scaling::Context, (Pixel, u32, u32))>,
    config: SceneDetectionConfig,
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
            config: config.clone(),
            rgb: frame::Video::empty(),
            frames: 0,
            last_time: 0.0,
        }
    }

    /// The frame scaled into `buffer` (planar RGB), with its presentation time.
    fn scale(&mut self, frame: &frame::Video, mut buffer: Vec<u8>) -> Result<Scaled, StageError> {
        let key = (frame.format(), frame.width(), frame.height());
        let restart = self.scaler.as_ref().map(|(_, k)| *k) != Some(key);
        if restart {
            let (w, h) = self.config.scaled_size(key.1, key.2);
            let scaler = scaling::Context::get(key.0, key.1, key.2, Pixel::GBRP, w, h, Flags::AREA)
                .map_err(|err| {
                    StageError::new(
                        FailureKind::Decode,
                        format!("cannot scale {:?} {}x{} frames: {err}", key.0, key.1, key.2),
                    )
                    .with_source(err)
                })?;
            self.scaler = Some((scaler, key));
        }
        let (scaler, _) = self.scaler.as_mut().expect("set above");
        scaler.run(frame, &mut self.rgb).map_err(|err| {
            StageError::new(
                FailureKind::Decode,
                format!("scaling a frame failed: {err}"),
            )
            .with_source(err)
        })?;
        let (width, rows) = (self.rgb.width() as usize, self.rgb.height() as usize);
        buffer.clear();
        // GBRP's planes are green, blue, red: copied out as red, green, blue without padding.
        for plane in [2, 0, 1] {
            let stride = self.rgb.stride(plane);
            for row in self.rgb.data(plane).chunks(stride).take(rows) {
                buffer.extend_from_slice(&row[..width]);
            }
        }
        let time = match frame.timestamp() {
            Some(ts) => (ts - self.start) as f64 * self.time_base,
            None => match self.fps {
                Some(fps) if self.frames > 0 => self.last_time + 1.0 / fps,
                _ => self.last_time,
            },
        };
        self.frames += 1;
        self.last_time = time;
        Ok(Scaled {
            rgb: buffer,
            width,
            rows,
            time,
            restart,
        })
    }
}
