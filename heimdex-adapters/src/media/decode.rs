//! Decoding the video stream and scoring each frame against the one before (blocking code).

use std::path::Path;

use ffmpeg::format::context::Input;
use ffmpeg::format::Pixel;
use ffmpeg::software::scaling::{self, Flags};
use ffmpeg::{codec, frame, threading, Packet};
use ffmpeg_next as ffmpeg;
use heimdex_core::{FailureKind, StageError};

use super::blocking::StopFlag;
use super::config::SceneDetectionConfig;
use super::error::decode_error;
use super::probe::NO_PTS;
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
    let stream = input.stream(index).ok_or_else(|| {
        StageError::new(
            FailureKind::Internal,
            format!("no stream {index} in {}", path.display()),
        )
    })?;
    let time_base = f64::from(stream.time_base());
    let start = Some(stream.start_time())
        .filter(|&t| t != NO_PTS)
        .unwrap_or(0);
    let mut context = codec::Context::from_parameters(stream.parameters())
        .map_err(|err| decode_error(path, "reading the video codec parameters", err))?;
    context.set_threading(threading::Config {
        kind: threading::Type::Frame,
        count: config.decode_threads,
        ..Default::default()
    });
    let mut decoder = context
        .decoder()
        .video()
        .map_err(|err| decode_error(path, "opening the video decoder", err))?;

    let mut scorer = Scorer::new(config, fps, time_base, start);
    let mut out = FrameScores::default();
    let mut decoded = frame::Video::empty();
    let mut packet = Packet::empty();
    loop {
        if stop.is_set() {
            return Err(StopFlag::stopped("scene_detection"));
        }
        match packet.read(input) {
            Ok(()) if packet.stream() != index => continue,
            Ok(()) => {
                if decoder.send_packet(&packet).is_err() {
                    out.corrupt += 1;
                }
            }
            Err(ffmpeg::Error::Eof) => {
                // Draining after end of input: an error here only means it was already drained.
                let _ = decoder.send_eof();
                receive(&mut decoder, &mut decoded, &mut scorer, &mut out)?;
                return Ok(out);
            }
            // A demuxer resyncs past a corrupt packet; like the ffmpeg CLI, skip it.
            Err(ffmpeg::Error::InvalidData) => {
                out.corrupt += 1;
                continue;
            }
            Err(err) => return Err(read_error(path, out.times.len(), err)),
        }
        receive(&mut decoder, &mut decoded, &mut scorer, &mut out)?;
    }
}

/// Takes every frame the decoder has ready and scores it.
fn receive(
    decoder: &mut ffmpeg::decoder::Video,
    decoded: &mut frame::Video,
    scorer: &mut Scorer,
    out: &mut FrameScores,
) -> Result<(), StageError> {
    loop {
        match decoder.receive_frame(decoded) {
            Ok(()) => {
                let (time, score) = scorer.score(decoded)?;
                out.times.push(time);
                out.scores.push(score);
            }
            Err(ffmpeg::Error::Eof) => return Ok(()),
            Err(ffmpeg::Error::Other { errno })
                if std::io::Error::from_raw_os_error(errno).kind()
                    == std::io::ErrorKind::WouldBlock =>
            {
                return Ok(())
            }
            Err(_) => {
                out.corrupt += 1;
                return Ok(());
            }
        }
    }
}

/// An error reading packets mid-file: `io` from the operating system, else a truncated input.
fn read_error(path: &Path, frames: usize, err: ffmpeg::Error) -> StageError {
    let kind = match err {
        ffmpeg::Error::Other { .. } => FailureKind::Io,
        _ => FailureKind::Input,
    };
    StageError::new(
        kind,
        format!(
            "reading {} failed after {frames} video frames (truncated or unreadable): {err}",
            path.display()
        ),
    )
    .with_source(err)
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
