//! Decoding the chosen audio stream to 16 kHz mono f32 with FFmpeg (blocking code).

use std::path::Path;

use ffmpeg::format::context::Input;
use ffmpeg::format::stream::Disposition;
use ffmpeg::format::{sample, Sample};
use ffmpeg::media::Type;
use ffmpeg::software::resampling;
use ffmpeg::{frame, ChannelLayout, Packet};
use ffmpeg_next as ffmpeg;
use heimdex_core::{FailureKind, StageError};

use super::blocking::Stop;
use super::pick::{best, Candidate};
use heimdex_media::open::{open_interruptible, Formats};

/// Whisper's sample rate.
pub(crate) const RATE: u32 = 16_000;

/// The audio of a source, ready for Whisper.
#[derive(Debug)]
pub(crate) struct Audio {
    /// Index of the stream decoded.
    pub stream: usize,
    /// 16 kHz mono samples in [-1, 1].
    pub samples: Vec<f32>,
    /// Where the first sample is shown, in seconds from the video stream's start (the origin of
    /// scene and keyframe times): the audio's first timestamp less the video's. Positive when
    /// the audio starts later (an edit list, a late audio track), negative when it starts
    /// first; 0 when the timestamps say nothing.
    pub start_s: f64,
}

/// Opens `path` as the media stages do (a local file in a video container only, so a playlist
/// or concat list is refused unread; FFmpeg gives up once `stop` is set), picks its best audio
/// stream and decodes it. `Ok(None)` when the source has no audio stream.
pub(crate) fn decode(path: &Path, stop: &Stop) -> Result<Option<Audio>, StageError> {
    if stop.is_set() {
        return Err(Stop::stopped());
    }
    let flag = stop.clone();
    let mut input =
        open_interruptible(path, Formats::Video, move || flag.is_set()).map_err(|mut err| {
            if err.kind == FailureKind::Cancelled {
                return Stop::stopped();
            }
            err.message = format!("cannot read the audio: {}", err.message);
            err
        })?;
    let Some(stream) = best(&candidates(&input)) else {
        return Ok(None);
    };
    let video_start_s = heimdex_media::probe::video_stream(&input)
        .and_then(|video| heimdex_media::decode::clock(&input, video.index()))
        .map_or(0.0, |(time_base, start)| start as f64 * time_base);
    let (samples, first_s) = decode_stream(&mut input, stream, path, stop)?;
    let start_s = first_s.map_or(0.0, |first| first - video_start_s);
    Ok(Some(Audio {
        stream,
        samples,
        start_s,
    }))
}

/// A timestamp in seconds, when there is one.
fn seconds(ts: i64, time_base: ffmpeg::Rational) -> Option<f64> {
    (ts != heimdex_media::probe::NO_PTS).then(|| ts as f64 * f64::from(time_base))
}

fn candidates(input: &Input) -> Vec<Candidate> {
    input
        .streams()
        .filter(|s| s.parameters().medium() == Type::Audio)
        .map(|s| {
            let tags = s.metadata();
            let title = tags
                .get("title")
                .or_else(|| tags.get("handler_name"))
                .map(str::to_owned);
            let channels = ffmpeg::codec::Context::from_parameters(s.parameters())
                .and_then(|c| c.decoder().audio())
                .map(|d| d.channels())
                .unwrap_or(0);
            let d = s.disposition();
            Candidate {
                index: s.index(),
                channels,
                title,
                secondary: d.intersects(
                    Disposition::COMMENT | Disposition::VISUAL_IMPAIRED | Disposition::DESCRIPTIONS,
                ),
                default: d.contains(Disposition::DEFAULT),
            }
        })
        .collect()
}

fn decode_error(path: &Path, what: &str, err: ffmpeg::Error) -> StageError {
    StageError::new(
        FailureKind::Decode,
        format!("{what} failed on the audio of {}: {err}", path.display()),
    )
    .with_source(err)
}

/// The samples of stream `index`, resampled, and the time of the first one in seconds (its
/// decoded frame's timestamp, else the stream's start), when known.
fn decode_stream(
    input: &mut Input,
    index: usize,
    path: &Path,
    stop: &Stop,
) -> Result<(Vec<f32>, Option<f64>), StageError> {
    let stream = input
        .stream(index)
        .ok_or_else(|| StageError::new(FailureKind::Internal, format!("no stream {index}")))?;
    let (params, time_base) = (stream.parameters(), stream.time_base());
    let stream_start_s = seconds(stream.start_time(), time_base);
    let mut decoder = ffmpeg::codec::Context::from_parameters(params)
        .and_then(|c| c.decoder().audio())
        .map_err(|err| decode_error(path, "opening the audio decoder", err))?;
    let mut out = Resampled::default();
    let mut packet = Packet::empty();
    loop {
        if stop.is_set() {
            return Err(Stop::stopped());
        }
        match packet.read(input) {
            Ok(()) if packet.stream() != index => continue,
            // A packet the decoder rejects is skipped, as the ffmpeg CLI does.
            Ok(()) => {
                let _ = decoder.send_packet(&packet);
            }
            Err(ffmpeg::Error::Eof) => {
                let _ = decoder.send_eof();
                out.receive(&mut decoder, path)?;
                let first_s = out.first_pts.and_then(|ts| seconds(ts, time_base));
                return Ok((out.finish(path)?, first_s.or(stream_start_s)));
            }
            Err(ffmpeg::Error::InvalidData) => continue,
            // FFmpeg's interrupt callback saw `stop`.
            Err(ffmpeg::Error::Exit) => return Err(Stop::stopped()),
            Err(err) => {
                return Err(StageError::new(
                    FailureKind::Input,
                    format!(
                        "reading the audio of {} failed (truncated or unreadable): {err}",
                        path.display()
                    ),
                )
                .with_source(err))
            }
        }
        out.receive(&mut decoder, path)?;
    }
}

/// The resampler (made from the first frame's format), the samples so far, and the first
/// decoded frame's timestamp.
#[derive(Default)]
struct Resampled {
    resampler: Option<resampling::Context>,
    samples: Vec<f32>,
    first_pts: Option<i64>,
}

impl Resampled {
    fn receive(
        &mut self,
        decoder: &mut ffmpeg::decoder::Audio,
        path: &Path,
    ) -> Result<(), StageError> {
        let mut decoded = frame::Audio::empty();
        while decoder.receive_frame(&mut decoded).is_ok() {
            if self.resampler.is_none() {
                self.first_pts = decoded.timestamp();
            }
            if decoded.channel_layout().is_empty() {
                decoded.set_channel_layout(ChannelLayout::default(i32::from(decoded.channels())));
            }
            if self.resampler.is_none() {
                let made = resampling::Context::get(
                    decoded.format(),
                    decoded.channel_layout(),
                    decoded.rate(),
                    Sample::F32(sample::Type::Packed),
                    ChannelLayout::MONO,
                    RATE,
                )
                .map_err(|err| decode_error(path, "setting up the resampler", err))?;
                self.resampler = Some(made);
            }
            let mut mono = frame::Audio::empty();
            if let Some(resampler) = self.resampler.as_mut() {
                resampler
                    .run(&decoded, &mut mono)
                    .map_err(|err| decode_error(path, "resampling", err))?;
            }
            self.push(&mono);
        }
        Ok(())
    }

    fn push(&mut self, mono: &frame::Audio) {
        if mono.samples() > 0 {
            self.samples
                .extend_from_slice(&mono.plane::<f32>(0)[..mono.samples()]);
        }
    }

    /// Drains what the resampler still holds.
    fn finish(mut self, path: &Path) -> Result<Vec<f32>, StageError> {
        if let Some(mut resampler) = self.resampler.take() {
            loop {
                let mut mono =
                    frame::Audio::new(Sample::F32(sample::Type::Packed), 4096, ChannelLayout::MONO);
                resampler
                    .flush(&mut mono)
                    .map_err(|err| decode_error(path, "resampling", err))?;
                if mono.samples() == 0 {
                    break;
                }
                self.push(&mono);
            }
        }
        Ok(self.samples)
    }
}
