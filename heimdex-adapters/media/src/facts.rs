//! [`MediaFacts`]: what the `metadata` stage learned about a source, for later stages.

use serde::Serialize;

/// The container and streams of a source, left in the job's context by
/// [`Metadata`](super::Metadata).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MediaFacts {
    /// FFmpeg's name for the container, e.g. `mov,mp4,m4a,3gp,3g2,mj2`.
    pub container: String,
    /// Duration in seconds (the container's, else the video stream's); always more than zero.
    pub duration_s: f64,
    /// Frames per second of the video stream (its average rate, else its base rate), when known.
    pub frame_rate: Option<f64>,
    /// Width of the video in pixels, as shown: a phone's portrait video stored as 1920×1080
    /// with a quarter-turn display matrix is 1080 wide.
    pub width: u32,
    /// Height of the video in pixels, as shown.
    pub height: u32,
    /// Degrees clockwise the stored pictures are turned to be shown upright (0, 90, 180 or 270),
    /// from the stream's display matrix, as the ffmpeg CLI turns them. Keyframes are written
    /// upright.
    pub rotation: u16,
    /// FFmpeg's name for the video codec, e.g. `h264`.
    pub video_codec: String,
    /// Index of the video stream in the container (the first video stream that is not cover art).
    pub video_stream: usize,
    /// Number of video frames the container declares, when it declares one.
    pub video_frames: Option<u64>,
    /// The audio streams, in container order.
    pub audio_streams: Vec<AudioStream>,
    /// The container's `creation_time` (else `date`, `DATE`) tag, as written (usually RFC 3339).
    pub creation_time: Option<String>,
}

/// One audio stream of a source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AudioStream {
    /// Index of the stream in the container.
    pub index: usize,
    /// FFmpeg's name for the codec, e.g. `aac`.
    pub codec: String,
    /// Number of channels, when a decoder for the codec could read it.
    pub channels: Option<u16>,
    /// Sample rate in Hz, when known.
    pub sample_rate: Option<u32>,
    /// Bit rate in bits per second, when the container declares it.
    pub bit_rate: Option<u64>,
    /// The `language` tag (e.g. `eng`), when set.
    pub language: Option<String>,
    /// The `title` tag (e.g. `Commentary`), else in MP4 a handler name that is not a muxer's
    /// default, when set.
    pub title: Option<String>,
}
