//! The duration of a source whose container declares none (a raw H.264 or HEVC elementary
//! stream, some piped captures), measured by reading its video packets (blocking code).

use std::path::Path;

use ffmpeg_next as ffmpeg;

use super::probe::NO_PTS;

/// What reading every packet of one video stream found.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Demuxed {
    /// Packets of the stream (one per frame once FFmpeg's parser has split a raw stream).
    pub packets: u64,
    /// Their total duration in seconds, when it could be worked out.
    pub duration_s: Option<f64>,
}

/// Reads every packet of stream `index` of the file at `path` (no decoding) and adds up their
/// durations; where a packet has none, each counts one frame interval of `frame_rate`. `None`
/// when the file cannot be read again.
pub(crate) fn demux_duration(
    path: &Path,
    index: usize,
    frame_rate: Option<f64>,
) -> Option<Demuxed> {
    let mut input = ffmpeg::format::input(path).ok()?;
    let time_base = f64::from(input.stream(index)?.time_base());
    let mut packets = 0u64;
    let mut timed_ticks = 0i64;
    let mut untimed = 0u64;
    for (stream, packet) in input.packets() {
        if stream.index() != index {
            continue;
        }
        packets += 1;
        match packet.duration() {
            d if d > 0 && d != NO_PTS && time_base > 0.0 => timed_ticks += d,
            _ => untimed += 1,
        }
    }
    Some(Demuxed {
        packets,
        duration_s: total_duration(timed_ticks as f64 * time_base, untimed, frame_rate),
    })
}

/// `timed_s` plus one frame interval per untimed packet; `None` when some packets are untimed
/// and the frame rate is unknown, or when the total is not positive.
fn total_duration(timed_s: f64, untimed: u64, frame_rate: Option<f64>) -> Option<f64> {
    let untimed_s = match (untimed, frame_rate) {
        (0, _) => 0.0,
        (n, Some(fps)) if fps > 0.0 => n as f64 / fps,
        _ => return None,
    };
    Some(timed_s + untimed_s).filter(|d| *d > 0.0)
}

#[cfg(test)]
mod tests {
    use super::total_duration;

    #[test]
    fn untimed_packets_count_one_frame_interval_each() {
        assert_eq!(total_duration(0.0, 50, Some(25.0)), Some(2.0));
        assert_eq!(total_duration(1.0, 25, Some(25.0)), Some(2.0));
        assert_eq!(total_duration(1.5, 0, None), Some(1.5));
    }

    #[test]
    fn without_durations_or_a_rate_there_is_no_duration() {
        assert_eq!(total_duration(0.0, 10, None), None);
        assert_eq!(total_duration(0.0, 0, Some(25.0)), None);
        assert_eq!(total_duration(1.0, 3, Some(0.0)), None);
    }
}
