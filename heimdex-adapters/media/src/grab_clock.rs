//! [`GrabClock`]: the presentation time of the frames a [`FrameGrabber`](super::grab) decodes,
//! from their timestamps, or by counting them when the stream carries none.

use ffmpeg::format::context::Input;
use ffmpeg_next as ffmpeg;

use super::decode::clock;
use super::probe::frame_rate;

/// Turns a video stream's timestamps into seconds from its start. A raw elementary stream
/// (`.h264`, `.hevc`) has no timestamps: decoded from its beginning, its frames are counted and
/// the n-th is shown at n / frame rate.
#[derive(Clone, Debug)]
pub(crate) struct GrabClock {
    /// Seconds per timestamp tick.
    time_base: f64,
    /// The stream's first timestamp.
    start: i64,
    /// Frames per second, when the stream says.
    fps: Option<f64>,
    /// Frames decoded since decoding started at the beginning of the input; `None` after a
    /// seek elsewhere, where the count says nothing.
    counted: Option<u64>,
}

impl GrabClock {
    /// The clock of stream `index` of `input`.
    pub(crate) fn of(input: &Input, index: usize) -> Self {
        let (time_base, start) = clock(input, index).unwrap_or((0.0, 0));
        let fps = input.stream(index).and_then(|stream| frame_rate(&stream));
        Self {
            time_base,
            start,
            fps,
            counted: None,
        }
    }

    /// Decoding starts again: at the beginning of the input (`from_start`), or after a seek
    /// elsewhere.
    pub(crate) fn restart(&mut self, from_start: bool) {
        self.counted = from_start.then_some(0);
    }

    /// The time of the next decoded frame, whose timestamp is `timestamp`: the timestamp in
    /// seconds from the stream's start, else its place in the count. `None` when neither is
    /// known.
    pub(crate) fn next_frame(&mut self, timestamp: Option<i64>) -> Option<f64> {
        let place = self.counted;
        self.counted = place.map(|n| n + 1);
        match (timestamp, place, self.fps) {
            (Some(ts), _, _) => Some(self.seconds(ts)),
            (None, Some(n), Some(fps)) => Some(n as f64 / fps),
            _ => None,
        }
    }

    /// The stream's first timestamp, in seconds.
    pub(crate) fn stream_start_s(&self) -> f64 {
        self.start as f64 * self.time_base
    }

    /// A timestamp of the stream in seconds from its start.
    pub(crate) fn seconds(&self, ts: i64) -> f64 {
        (ts - self.start) as f64 * self.time_base
    }
}

#[cfg(test)]
mod tests {
    use super::GrabClock;

    fn clock(fps: Option<f64>) -> GrabClock {
        GrabClock {
            time_base: 1.0 / 90_000.0,
            start: 9_000,
            fps,
            counted: None,
        }
    }

    #[test]
    fn timestamps_count_from_the_stream_start() {
        let mut clock = clock(Some(25.0));
        assert_eq!(clock.next_frame(Some(99_000)), Some(1.0));
    }

    #[test]
    fn untimed_frames_from_the_start_are_counted_at_the_frame_rate() {
        let mut clock = clock(Some(25.0));
        clock.restart(true);
        let times: Vec<_> = (0..3).map(|_| clock.next_frame(None)).collect();
        assert_eq!(times, [Some(0.0), Some(0.04), Some(0.08)]);
        // A timed frame still counts a place.
        assert_eq!(clock.next_frame(Some(9_000)), Some(0.0));
        assert_eq!(clock.next_frame(None), Some(0.16));
    }

    #[test]
    fn untimed_frames_after_a_seek_or_without_a_rate_have_no_time() {
        let mut seeked = clock(Some(25.0));
        seeked.restart(false);
        assert_eq!(seeked.next_frame(None), None);
        let mut rateless = clock(None);
        rateless.restart(true);
        assert_eq!(rateless.next_frame(None), None);
    }
}
