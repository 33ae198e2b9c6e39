//! Real-time factor summary: processing seconds per second of media, over READY videos.

use super::Mean;
use crate::query::{RtfSummary, Window};
use crate::record::VideoRecord;
use crate::stats::{percentiles, rtf_from_ms};
use crate::status::VideoStatus;
use crate::time::Timestamp;

/// RTF of successful attempts (docs/spec.md#rtf).
///
/// Population: status READY, `processing_finished_at >= now - N days`, `processing_duration_ms`
/// present and `duration_s > 0` (a NaN or infinite `duration_s` is not a media length and is left
/// out too). Per video `rtf = (processing_duration_ms / 1000) / duration_s`. `avg_rtf` is the mean
/// of the per-video ratios, `p50/p95/p99_rtf` their `percentile_cont`, `avg_video_duration_s` the
/// mean `duration_s`, `avg_processing_duration_s` the mean `processing_duration_ms / 1000`.
///
/// SQL equivalent:
/// ```sql
/// WITH r AS (
///   SELECT duration_s, processing_duration_ms / 1000.0 AS processing_s,
///          (processing_duration_ms / 1000.0) / duration_s AS rtf
///   FROM videos
///   WHERE status = 'READY'
///     AND processing_finished_at >= now() - make_interval(days => N)
///     AND processing_duration_ms IS NOT NULL
///     AND duration_s > 0 AND duration_s < 'Infinity'::float8)
/// SELECT count(*) AS videos_measured, avg(rtf) AS avg_rtf,
///        percentile_cont(0.50) WITHIN GROUP (ORDER BY rtf) AS p50_rtf,
///        percentile_cont(0.95) WITHIN GROUP (ORDER BY rtf) AS p95_rtf,
///        percentile_cont(0.99) WITHIN GROUP (ORDER BY rtf) AS p99_rtf,
///        avg(duration_s) AS avg_video_duration_s, avg(processing_s) AS avg_processing_duration_s
/// FROM r;
/// ```
pub fn rtf(videos: &[VideoRecord], window: Window, now: Timestamp) -> RtfSummary {
    let mut ratios = Vec::new();
    let mut ratio_mean = Mean::default();
    let mut media = Mean::default();
    let mut processing = Mean::default();
    for v in videos {
        if v.status != VideoStatus::Ready {
            continue;
        }
        let (Some(finished), Some(ms), Some(media_s)) = (
            v.processing_finished_at,
            v.processing_duration_ms,
            v.duration_s,
        ) else {
            continue;
        };
        if !window.contains(finished, now) {
            continue;
        }
        let Some(ratio) = rtf_from_ms(f64::from(ms), media_s) else {
            continue;
        };
        ratios.push(ratio);
        ratio_mean.add(ratio);
        media.add(media_s);
        processing.add(f64::from(ms) / 1000.0);
    }
    let p = percentiles(&mut ratios);
    RtfSummary {
        videos_measured: ratios.len() as u64,
        avg_rtf: ratio_mean.get(),
        p50_rtf: p.map(|p| p.p50),
        p95_rtf: p.map(|p| p.p95),
        p99_rtf: p.map(|p| p.p99),
        avg_video_duration_s: media.get(),
        avg_processing_duration_s: processing.get(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{now, timed, DAY};
    use super::*;
    use crate::status::VideoStatus::{Failed, Ready};

    #[test]
    fn ratios_of_ready_rows_with_positive_media() {
        let rows = [
            timed(1, Ready, [60, 50, 0], 30_000, Some(60.0)), // 0.5
            timed(2, Ready, [60, 50, 0], 120_000, Some(60.0)), // 2.0
            timed(3, Failed, [60, 50, 0], 1_000, Some(60.0)), // FAILED: out
            timed(4, Ready, [60, 50, 0], 1_000, Some(0.0)),   // zero media: out
            timed(5, Ready, [60, 50, 0], 1_000, None),        // no media: out
            timed(6, Ready, [60, 50, 0], 1_000, Some(f64::NAN)),
        ];
        let s = rtf(&rows, Window::thirty_days(), now());
        assert_eq!(s.videos_measured, 2);
        assert_eq!(s.avg_rtf, Some(1.25));
        assert_eq!(s.p50_rtf, Some(1.25));
        assert_eq!(s.avg_video_duration_s, Some(60.0));
        assert_eq!(s.avg_processing_duration_s, Some(75.0));
    }

    #[test]
    fn zero_processing_time_is_measured_and_old_rows_are_not() {
        let rows = [
            timed(1, Ready, [60, 50, 0], 0, Some(10.0)),
            timed(2, Ready, [3 * DAY, 3 * DAY, 2 * DAY + 1], 5_000, Some(10.0)),
        ];
        let s = rtf(&rows, Window::new(2).unwrap(), now());
        assert_eq!(
            (s.videos_measured, s.avg_rtf, s.p99_rtf),
            (1, Some(0.0), Some(0.0))
        );
    }

    #[test]
    fn empty_population_is_all_null() {
        assert_eq!(
            rtf(&[], Window::thirty_days(), now()),
            RtfSummary::default()
        );
    }
}
