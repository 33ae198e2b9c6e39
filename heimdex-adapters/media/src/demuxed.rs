//! The duration of a source whose container declares none (a raw H.264 or HEVC elementary
//! stream, a WebM recorded by a browser, other piped captures), measured by reading its video
//! packets (blocking code).

use std::path::Path;

use heimdex_core::{FailureKind, StageError};

use super::blocking::StopFlag;
use super::open::{open_input, Formats};

/// `AV_NOPTS_VALUE`: no timestamp or duration.
pub const NO_PTS: i64 = i64::MIN;

/// What reading every packet of one video stream found.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Demuxed {
    /// Packets of the stream (one per frame once FFmpeg's parser has split a raw stream).
    pub packets: u64,
    /// Their total duration in seconds, when it could be worked out.
    pub duration_s: Option<f64>,
}

/// Reads every packet of stream `index` of the file at `path` (no decoding). Where every
/// packet has a timestamp (a WebM written as a stream, as browsers record it), the duration
/// runs from the earliest one to the end of the latest packet, so a variable frame rate is
/// measured right; otherwise (a raw stream) the packets' durations are added up, and one
/// without a duration counts one frame interval of `frame_rate`. `None` when the file cannot be
/// read again; `cancelled` when `stop` is set meanwhile.
pub(crate) fn demux_duration(
    path: &Path,
    index: usize,
    frame_rate: Option<f64>,
    stop: &StopFlag,
) -> Result<Option<Demuxed>, StageError> {
    let mut input = match open_input(path, Formats::Video, stop) {
        Ok(input) => input,
        Err(err) if err.kind == FailureKind::Cancelled => return Err(err),
        Err(_) => return Ok(None),
    };
    let time_base = input
        .stream(index)
        .map_or(0.0, |s| f64::from(s.time_base()));
    if time_base <= 0.0 {
        return Ok(None);
    }
    let mut packets = 0u64;
    let (mut timed_ticks, mut untimed) = (0i64, 0u64);
    // The earliest timestamp and the latest end, while every packet has a timestamp.
    let mut span: Option<(i64, i64)> = None;
    let mut all_stamped = true;
    for (stream, packet) in input.packets() {
        if stop.is_set() {
            return Err(StopFlag::stopped("metadata"));
        }
        if stream.index() != index {
            continue;
        }
        packets += 1;
        let duration = packet.duration();
        let timed = duration > 0 && duration != NO_PTS;
        if timed {
            timed_ticks += duration;
        } else {
            untimed += 1;
        }
        match packet.pts() {
            Some(pts) if all_stamped => {
                let end = pts + if timed { duration } else { 0 };
                let (first, last) = span.get_or_insert((pts, end));
                (*first, *last) = ((*first).min(pts), (*last).max(end));
            }
            _ => all_stamped = false,
        }
    }
    let stamped = span
        .filter(|_| all_stamped)
        .map(|(first, last)| (last - first) as f64 * time_base)
        .filter(|d| *d > 0.0);
    // The interrupt ends the packets early, as if the input ended.
    if stop.is_set() {
        return Err(StopFlag::stopped("metadata"));
    }
    Ok(Some(Demuxed {
        packets,
        duration_s: stamped
            .or_else(|| total_duration(timed_ticks as f64 * time_base, untimed, frame_rate)),
    }))
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
