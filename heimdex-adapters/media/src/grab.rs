//! [`FrameGrabber`]: the first frame at or after a time, from a video opened once (blocking code).

use std::path::{Path, PathBuf};

use ffmpeg::format::context::Input;
use ffmpeg::{codec, decoder, frame, threading, Discard, Packet};
use ffmpeg_next as ffmpeg;
use heimdex_core::{FailureKind, StageError};

use super::blocking::StopFlag;
use super::error::decode_error;
use super::grab_clock::GrabClock;
use super::open::{open_input, Formats};
use super::probe;
use super::rotation::stream_rotation;

/// A target this far (seconds) past the last decoded frame is reached by decoding on, not by
/// seeking: cheaper than going back to a keyframe and decoding from there.
const DECODE_ON_S: f64 = 2.0;
/// Slack for "at or after": a frame a rounding error before the target counts as at it.
const AT_S: f64 = 1e-6;
/// Frames shown more than this (seconds) before a target are decoded only if later frames need
/// them: the decoder skips non-reference frames there (most B-frames), which nothing after them
/// is predicted from, so the frames it does decode come out exactly as without skipping.
const SKIP_BEFORE_S: f64 = 0.5;

/// An opened video stream that hands out frames by presentation time.
pub(crate) struct FrameGrabber {
    input: Input,
    index: usize,
    decoder: decoder::Video,
    clock: GrabClock,
    path: PathBuf,
    /// The stage's stop flag, which also interrupts the input opened again to rewind.
    stop: StopFlag,
    /// Seeking works in this input (it does not in a raw elementary stream: there the input is
    /// opened again to go back, and read on to go forward).
    seekable: bool,
    /// Degrees clockwise its pictures are turned to be shown upright.
    rotation: u16,
    /// Time of the last frame decoded since the last seek (none right after a seek).
    position: Option<f64>,
    /// The decoder has been sent end of input.
    draining: bool,
    /// Since the last seek, the decoder has been told to skip non-reference frames.
    skipped: bool,
    /// Time of the first frame decoded since the last seek.
    first_since_seek: Option<f64>,
    frame: frame::Video,
    previous: frame::Video,
    packet: Packet,
}

impl FrameGrabber {
    /// Opens `path` and the decoder of its video stream. Fails as opening for `metadata` does
    /// (`input` when missing or not media, `io` when the system refuses to read it).
    pub(crate) fn open(path: &Path, stop: &StopFlag) -> Result<Self, StageError> {
        let input = open_input(path, Formats::Video, stop)?;
        let index = probe::video_stream(&input)
            .ok_or_else(|| {
                StageError::new(
                    FailureKind::Input,
                    format!("source {} has no video stream", path.display()),
                )
            })?
            .index();
        let clock = GrabClock::of(&input, index);
        let stream = input.stream(index).expect("found above");
        let (rotation, parameters) = (stream_rotation(&stream), stream.parameters());
        let mut context = codec::Context::from_parameters(parameters)
            .map_err(|err| decode_error(path, "reading the video codec parameters", err))?;
        context.set_threading(threading::Config {
            kind: threading::Type::Frame,
            count: 0,
            ..Default::default()
        });
        let decoder = context
            .decoder()
            .video()
            .map_err(|err| decode_error(path, "opening the video decoder", err))?;
        Ok(Self {
            input,
            index,
            decoder,
            clock,
            path: path.to_owned(),
            stop: stop.clone(),
            seekable: true,
            rotation,
            position: None,
            draining: false,
            skipped: false,
            first_since_seek: None,
            frame: frame::Video::empty(),
            previous: frame::Video::empty(),
            packet: Packet::empty(),
        })
    }

    /// Degrees clockwise the video's pictures are turned to be shown upright (0, 90, 180, 270).
    pub(crate) fn rotation(&self) -> u16 {
        self.rotation
    }

    /// The first frame whose presentation time (seconds from the stream's start) is at or after
    /// `t`, with that time; the video's last frame when `t` is past it. A frame without a
    /// timestamp counts as at `t`. Fails as `input` when no frame decodes near `t`.
    ///
    /// Non-reference frames more than [`SKIP_BEFORE_S`] before `t` are not decoded. When the
    /// input ends before `t` after such a skip, the last frame may have been one of them: the
    /// grab is then done again without skipping.
    pub(crate) fn grab(
        &mut self,
        t: f64,
        stop: &StopFlag,
    ) -> Result<(&frame::Video, f64), StageError> {
        let near = |p: f64| p < t && (t - p <= DECODE_ON_S || !self.seekable);
        let decode_on = !self.draining && self.position.is_some_and(near);
        if !(decode_on && self.decode_to(t, true, stop)? && !self.may_miss_last(t)) {
            let mut decoded = self.seek_and_decode_to(t, true, stop)?;
            if decoded && self.may_miss_last(t) {
                decoded = self.seek_and_decode_to(t, false, stop)?;
            }
            if !decoded {
                return Err(StageError::new(
                    FailureKind::Input,
                    format!(
                        "no video frame of {} decodes near {t:.3} s: truncated or corrupt",
                        self.path.display()
                    ),
                ));
            }
        }
        Ok(self
            .position
            .map(|time| (&self.frame, time))
            .expect("decoded"))
    }

    /// Seeks for `t` and decodes to it, as [`Self::decode_to`] does. Where the container has an
    /// index (MP4, Matroska) a seek lands on the keyframe at or before `t`; in MPEG-TS and other
    /// unindexed streams it can land on any packet, and the decoder then shows nothing until the
    /// next keyframe, which may come after `t`. So while the first frame after the seek is later
    /// than `t`, or none decodes, the seek starts further back (1 s, 2 s, 4 s, … before `t`,
    /// at last from the start).
    fn seek_and_decode_to(
        &mut self,
        t: f64,
        skip: bool,
        stop: &StopFlag,
    ) -> Result<bool, StageError> {
        let mut back = 0.0;
        loop {
            let from = (t - back).max(0.0);
            self.seek(from)?;
            let decoded = self.decode_to(t, skip, stop)?;
            let landed = self.first_since_seek.is_some_and(|first| first <= t + AT_S);
            if landed || from == 0.0 {
                return Ok(decoded);
            }
            back = if back == 0.0 { 1.0 } else { back * 2.0 };
        }
    }

    /// Whether the input ended before `t` after non-reference frames were skipped: the frame in
    /// `self.frame` is then the last one decoded, and a skipped one may have come after it.
    fn may_miss_last(&self, t: f64) -> bool {
        self.skipped && self.position.is_some_and(|time| time < t - AT_S)
    }

    /// Decodes on until a frame at or after `t` is in `self.frame` (true), or the input ends: then
    /// the last frame decoded, if this call decoded any, is moved there (true), else false. With
    /// `skip`, packets shown more than [`SKIP_BEFORE_S`] before `t` go to the decoder with
    /// non-reference frames skipped.
    fn decode_to(&mut self, t: f64, skip: bool, stop: &StopFlag) -> Result<bool, StageError> {
        let mut before = false;
        loop {
            if stop.is_set() {
                return Err(StopFlag::stopped("keyframes"));
            }
            match self.decoder.receive_frame(&mut self.frame) {
                Ok(()) => {
                    let time = self.clock.next_frame(self.frame.timestamp()).unwrap_or(t);
                    if self.position.is_none() {
                        self.first_since_seek = Some(time);
                    }
                    self.position = Some(time);
                    if time >= t - AT_S {
                        return Ok(true);
                    }
                    std::mem::swap(&mut self.frame, &mut self.previous);
                    before = true;
                    continue;
                }
                Err(ffmpeg::Error::Eof) => return Ok(self.end(before)),
                // Wants more input; or a frame the decoder rejected, skipped as the CLI does.
                Err(_) if self.draining => return Ok(self.end(before)),
                Err(_) => {}
            }
            match self.packet.read(&mut self.input) {
                Ok(()) if self.packet.stream() != self.index => {}
                Ok(()) => self.send_packet(t, skip),
                Err(ffmpeg::Error::Eof) => {
                    // An error here only means the decoder was already drained.
                    let _ = self.decoder.send_eof();
                    self.draining = true;
                }
                Err(ffmpeg::Error::InvalidData) => {}
                Err(ffmpeg::Error::Exit) => return Err(StopFlag::stopped("keyframes")),
                Err(err) => {
                    let kind = match err {
                        ffmpeg::Error::Other { .. } => FailureKind::Io,
                        _ => FailureKind::Input,
                    };
                    let shown = self.path.display();
                    return Err(StageError::new(
                        kind,
                        format!(
                            "reading {shown} near {t:.3} s failed (truncated or unreadable): {err}"
                        ),
                    )
                    .with_source(err));
                }
            }
        }
    }

    /// Sends the packet just read to the decoder. With `skip` and the packet shown more than
    /// [`SKIP_BEFORE_S`] before `t`, the decoder skips it if it is a non-reference frame.
    fn send_packet(&mut self, t: f64, skip: bool) {
        let early = skip
            && (self.packet.pts()).is_some_and(|pts| self.clock.seconds(pts) < t - SKIP_BEFORE_S);
        self.skipped |= early;
        self.decoder.skip_frame(if early {
            Discard::NonReference
        } else {
            Discard::Default
        });
        // A packet the decoder rejects is skipped, as the ffmpeg CLI does.
        let _ = self.decoder.send_packet(&self.packet);
    }

    /// At the end of input: the last frame decoded before the target, when there is one.
    fn end(&mut self, decoded_before: bool) -> bool {
        if decoded_before {
            std::mem::swap(&mut self.frame, &mut self.previous);
        }
        decoded_before
    }

    /// Seeks to the last keyframe at or before `t` (the first one when none is) and resets the
    /// decoder. At or before 0, or where the input cannot seek, it goes back to the beginning of
    /// the input: seeking to the first frame's time can land just past it in a stream without
    /// an index.
    fn seek(&mut self, t: f64) -> Result<(), StageError> {
        let from_start = t <= 0.0 || !self.seekable || !self.seek_to(t);
        if from_start {
            self.rewind()?;
        }
        self.decoder.flush();
        self.clock.restart(from_start);
        self.position = None;
        self.draining = false;
        self.skipped = false;
        self.first_since_seek = None;
        Ok(())
    }

    /// Seeks the input to the keyframe at or before `t`; false (and the input marked as not
    /// seekable) when the demuxer refuses.
    fn seek_to(&mut self, t: f64) -> bool {
        let target = ((t + self.clock.stream_start_s()) * 1e6).floor() as i64;
        let seeked = (self.input.seek(target, ..target)).or_else(|_| self.input.seek(target, ..));
        if let Err(err) = &seeked {
            tracing::debug!(path = %self.path.display(), %err, "keyframes: the input cannot seek");
            self.seekable = false;
        }
        seeked.is_ok()
    }

    /// Goes back to the beginning of the input: by seeking there, else by opening it again.
    fn rewind(&mut self) -> Result<(), StageError> {
        if !self.seekable || self.input.seek(i64::MIN, ..).is_err() {
            self.input = open_input(&self.path, Formats::Video, &self.stop)?;
        }
        Ok(())
    }
}
