//! Decoding one video stream, frame by frame, with FFmpeg's frame threads (blocking code).

use std::path::Path;

use ffmpeg::format::context::Input;
use ffmpeg::{codec, frame, threading, Packet};
use ffmpeg_next as ffmpeg;
use heimdex_core::{FailureKind, StageError};

use super::blocking::StopFlag;
use super::config::SceneDetectionConfig;
use super::error::decode_error;
use super::probe::NO_PTS;

/// What a stream's decoding went through.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Decoded {
    /// Frames decoded and handed on.
    pub frames: usize,
    /// Packets or frames the decoder rejected and that were skipped.
    pub corrupt: usize,
}

/// How a video stream is decoded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct DecoderSettings {
    /// Frame threads; 0: one per core.
    pub threads: usize,
    /// Skip the in-loop deblocking filter (see [`SceneDetectionConfig::skip_deblocking`]).
    pub skip_deblocking: bool,
}

impl From<&SceneDetectionConfig> for DecoderSettings {
    fn from(config: &SceneDetectionConfig) -> Self {
        Self {
            threads: config.decode_threads,
            skip_deblocking: config.skip_deblocking,
        }
    }
}

/// The time base (seconds per tick) and start tick of stream `index`.
pub fn clock(input: &Input, index: usize) -> Option<(f64, i64)> {
    let stream = input.stream(index)?;
    let start = Some(stream.start_time()).filter(|&t| t != NO_PTS);
    Some((f64::from(stream.time_base()), start.unwrap_or(0)))
}

/// Decodes stream `index` of `input` as `settings` say and hands each frame, in presentation
/// order, to `on_frame`. Stops early when `stop` is set.
///
/// Each frame is `on_frame`'s to keep: it owns a reference to the decoder's buffer (nothing is
/// copied), so it can be sent to another thread while the decoder goes on.
///
/// Skips packets the demuxer or decoder rejects as invalid (as the ffmpeg CLI does) and counts
/// them; an operating-system read error fails as `io`, any other read error as `input`.
pub(crate) fn decode_video(
    input: &mut Input,
    index: usize,
    settings: DecoderSettings,
    path: &Path,
    stop: &StopFlag,
    on_frame: &mut dyn FnMut(frame::Video) -> Result<(), StageError>,
) -> Result<Decoded, StageError> {
    let stream = input.stream(index).ok_or_else(|| {
        let shown = path.display();
        StageError::new(
            FailureKind::Internal,
            format!("no stream {index} in {shown}"),
        )
    })?;
    let mut context = codec::Context::from_parameters(stream.parameters())
        .map_err(|err| decode_error(path, "reading the video codec parameters", err))?;
    context.set_threading(threading::Config {
        kind: threading::Type::Frame,
        count: settings.threads,
        ..Default::default()
    });
    let mut decoder = context.decoder();
    if settings.skip_deblocking {
        decoder.skip_loop_filter(ffmpeg::Discard::All);
    }
    let mut decoder = decoder
        .video()
        .map_err(|err| decode_error(path, "opening the video decoder", err))?;

    let mut out = Decoded::default();
    let mut packet = Packet::empty();
    loop {
        if stop.is_set() {
            return Err(StopFlag::stopped("decoding"));
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
                receive(&mut decoder, on_frame, &mut out)?;
                return Ok(out);
            }
            // A demuxer resyncs past a corrupt packet; like the ffmpeg CLI, skip it.
            Err(ffmpeg::Error::InvalidData) => {
                out.corrupt += 1;
                continue;
            }
            Err(err) => return Err(read_error(path, out.frames, err)),
        }
        receive(&mut decoder, on_frame, &mut out)?;
    }
}

/// Hands on every frame the decoder has ready, each in a frame of its own.
fn receive(
    decoder: &mut ffmpeg::decoder::Video,
    on_frame: &mut dyn FnMut(frame::Video) -> Result<(), StageError>,
    out: &mut Decoded,
) -> Result<(), StageError> {
    loop {
        let mut frame = frame::Video::empty();
        match decoder.receive_frame(&mut frame) {
            Ok(()) => {
                on_frame(frame)?;
                out.frames += 1;
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
        // The interrupt: the stage was stopped.
        ffmpeg::Error::Exit => return StopFlag::stopped("decoding"),
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
