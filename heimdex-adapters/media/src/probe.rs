//! Reading the [`MediaFacts`] of a source opened with FFmpeg (blocking code).

use std::path::Path;

use ffmpeg::format::context::Input;
use ffmpeg::format::stream::Disposition;
use ffmpeg::media::Type;
use ffmpeg::{Rational, Stream};
use ffmpeg_next as ffmpeg;
use heimdex_core::{FailureKind, StageError};

use super::blocking::StopFlag;
use super::demuxed::{demux_duration, Demuxed};
use super::facts::{AudioStream, MediaFacts};
use super::rotation::{shown_size, stream_rotation};

/// `AV_TIME_BASE`: the container duration's unit is a microsecond.
const AV_TIME_BASE: f64 = 1_000_000.0;
pub use super::demuxed::NO_PTS;

/// The facts of an opened source. Fails as `input` when it has no video stream, or zero duration;
/// as `cancelled` when `stop` is set while its packets are read to measure its duration.
pub(crate) fn facts(input: &Input, path: &Path, stop: &StopFlag) -> Result<MediaFacts, StageError> {
    let shown = path.display();
    if input.nb_streams() == 0 {
        return Err(StageError::new(
            FailureKind::Input,
            format!("source {shown} has no streams: an empty container with zero duration"),
        ));
    }
    let video = video_stream(input).ok_or_else(|| {
        StageError::new(
            FailureKind::Input,
            format!("source {shown} has no video stream (audio-only or data-only file)"),
        )
    })?;
    let params = video.parameters();
    let decoder = ffmpeg::codec::Context::from_parameters(params.clone())
        .and_then(|ctx| ctx.decoder().video())
        .map_err(|err| {
            StageError::new(
                FailureKind::Input,
                format!(
                    "source {shown}: cannot open a decoder for its {} video: {err}",
                    params.id().name()
                ),
            )
            .with_source(err)
        })?;
    let rotation = stream_rotation(&video);
    let (width, height) = shown_size(decoder.width(), decoder.height(), rotation);
    if width == 0 || height == 0 {
        return Err(StageError::new(
            FailureKind::Input,
            format!("source {shown}: its video stream has no picture size"),
        ));
    }
    let frame_rate = frame_rate(&video);
    let video_frames = u64::try_from(video.frames()).ok().filter(|n| *n > 0);
    let (duration_s, counted_frames) = match declared_duration_s(input, &video) {
        Some(duration_s) => (duration_s, video_frames),
        // A raw elementary stream declares no duration: its packets are read to measure one.
        None => match demux_duration(path, video.index(), frame_rate, stop)? {
            Some(Demuxed {
                packets,
                duration_s: Some(duration_s),
            }) => (duration_s, Some(packets)),
            Some(Demuxed { packets: 0, .. }) => {
                return Err(StageError::new(
                    FailureKind::Input,
                    format!("source {shown} has zero duration: its video stream holds no frames"),
                ))
            }
            _ => {
                return Err(StageError::new(
                    FailureKind::Input,
                    format!(
                        "source {shown} declares no duration, and none can be measured from \
                         its video packets (they carry no durations and the frame rate is \
                         unknown)"
                    ),
                ))
            }
        },
    };
    if is_single_frame(counted_frames, frame_rate, duration_s) {
        return Err(StageError::new(
            FailureKind::Input,
            format!(
                "source {shown} holds a single video frame ({duration_s:.3} s): a still image, \
                 not a video: nothing to index"
            ),
        ));
    }
    let meta = input.metadata();
    let creation_time = ["creation_time", "date", "DATE"]
        .iter()
        .find_map(|key| meta.get(key).map(str::to_owned));
    Ok(MediaFacts {
        container: input.format().name().to_owned(),
        duration_s,
        frame_rate,
        width,
        height,
        rotation,
        video_codec: params.id().name().to_owned(),
        video_stream: video.index(),
        video_frames,
        audio_streams: input
            .streams()
            .filter(|s| s.parameters().medium() == Type::Audio)
            .map(|s| audio_stream(&s))
            .collect(),
        creation_time,
    })
}

/// True when the video stream is one picture: its frame count says so, or (when the container
/// does not count frames) its duration is under one and a half frame intervals.
fn is_single_frame(frames: Option<u64>, frame_rate: Option<f64>, duration_s: f64) -> bool {
    match (frames, frame_rate) {
        (Some(n), _) => n < 2,
        (None, Some(fps)) => duration_s * fps < 1.5,
        (None, None) => false,
    }
}

/// The first video stream that is not cover art, preferring one marked default.
pub fn video_stream(input: &Input) -> Option<Stream<'_>> {
    let videos = || {
        input.streams().filter(|s| {
            s.parameters().medium() == Type::Video
                && !s.disposition().contains(Disposition::ATTACHED_PIC)
        })
    };
    videos()
        .find(|s| s.disposition().contains(Disposition::DEFAULT))
        .or_else(|| videos().next())
}

/// The container's duration, else the video stream's, in seconds, when either is declared.
fn declared_duration_s(input: &Input, video: &Stream<'_>) -> Option<f64> {
    let container = input.duration();
    if container != NO_PTS && container > 0 {
        return Some(container as f64 / AV_TIME_BASE);
    }
    let stream = video.duration();
    if stream != NO_PTS && stream > 0 {
        return Some(stream as f64 * f64::from(video.time_base()));
    }
    None
}

/// Frames per second of a video stream: its average rate, else its base rate, when known.
pub(crate) fn frame_rate(video: &Stream<'_>) -> Option<f64> {
    rate(video.avg_frame_rate()).or_else(|| rate(video.rate()))
}

/// A rate as a float, when it is a real one (not 0/0 or 0/1).
fn rate(r: Rational) -> Option<f64> {
    (r.numerator() > 0 && r.denominator() > 0).then(|| f64::from(r))
}

fn audio_stream(stream: &Stream<'_>) -> AudioStream {
    let params = stream.parameters();
    let decoder = ffmpeg::codec::Context::from_parameters(params.clone())
        .and_then(|ctx| ctx.decoder().audio())
        .ok();
    let tags = stream.metadata();
    let tag = |key: &str| tags.get(key).filter(|v| !v.is_empty()).map(str::to_owned);
    AudioStream {
        index: stream.index(),
        codec: params.id().name().to_owned(),
        channels: decoder.as_ref().map(|d| d.channels()).filter(|n| *n > 0),
        sample_rate: decoder.as_ref().map(|d| d.rate()).filter(|n| *n > 0),
        bit_rate: u64::try_from(params.bit_rate()).ok().filter(|n| *n > 0),
        language: tag("language").filter(|l| l != "und"),
        title: tag("title").or_else(|| tag("handler_name").filter(|h| !is_generic_handler(h))),
    }
}

/// MP4 keeps no stream title: a named handler (`-metadata:s:a:0 handler_name=Commentary`) stands
/// in for one, unless it is a muxer's default name.
fn is_generic_handler(name: &str) -> bool {
    const GENERIC: [&str; 5] = [
        "SoundHandler",
        "Core Media Audio",
        "GPAC ISO Audio Handler",
        "Apple Sound Media Handler",
        "Mainconcept MP4 Sound Media Handler",
    ];
    GENERIC.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::is_single_frame;

    #[test]
    fn one_counted_frame_is_a_still_image_and_two_are_a_video() {
        assert!(is_single_frame(Some(1), Some(25.0), 0.04));
        assert!(!is_single_frame(Some(2), Some(25.0), 0.08));
    }

    #[test]
    fn without_a_frame_count_the_duration_decides_against_the_frame_rate() {
        assert!(is_single_frame(None, Some(25.0), 0.04));
        assert!(!is_single_frame(None, Some(25.0), 0.08));
        assert!(
            !is_single_frame(None, None, 0.04),
            "unknown rate: not judged here"
        );
    }
}
