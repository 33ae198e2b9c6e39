//! Throughput v2: READY and FAILED per completion day, descending, with averages over READY rows.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{hours, utc_day, Mean};
use crate::query::{ThroughputV2Point, Window};
use crate::record::VideoRecord;
use crate::stats::rtf_from_ms;
use crate::status::VideoStatus;
use crate::time::Timestamp;

#[derive(Default)]
struct Day {
    ready: u64,
    failed: u64,
    ready_s: f64,
    processing_s: Mean,
    rtf: Mean,
}

/// READY and FAILED videos per UTC day of completion (docs/spec.md#throughput-v2).
///
/// Population: status READY or FAILED and `coalesce(processing_finished_at, updated_at) >= now -
/// N days`, grouped by that instant's UTC day. Per day: `videos_ready`, `videos_failed`,
/// `hours_ready` = sum of READY `duration_s` / 3600 (0 if none); `avg_processing_s` = mean of
/// `processing_duration_ms / 1000` over READY rows that have it; `avg_rtf` = mean of
/// `(processing_duration_ms / 1000) / duration_s` over READY rows that have both with
/// `duration_s > 0` (finite). FAILED rows never enter the two averages. Days descending; days
/// without rows are omitted.
///
/// SQL equivalent:
/// ```sql
/// SELECT (coalesce(processing_finished_at, updated_at) AT TIME ZONE 'UTC')::date AS day,
///        count(*) FILTER (WHERE status = 'READY')  AS videos_ready,
///        count(*) FILTER (WHERE status = 'FAILED') AS videos_failed,
///        COALESCE(sum(duration_s) FILTER (WHERE status = 'READY'), 0) / 3600.0 AS hours_ready,
///        avg(processing_duration_ms / 1000.0) FILTER (WHERE status = 'READY')  AS avg_processing_s,
///        avg((processing_duration_ms / 1000.0) / duration_s)
///          FILTER (WHERE status = 'READY' AND duration_s > 0 AND duration_s < 'Infinity'::float8)
///                                                  AS avg_rtf
/// FROM videos
/// WHERE status IN ('READY', 'FAILED')
///   AND coalesce(processing_finished_at, updated_at) >= now() - make_interval(days => N)
/// GROUP BY 1 ORDER BY 1 DESC;
/// ```
pub fn throughput_v2(
    videos: &[VideoRecord],
    window: Window,
    now: Timestamp,
) -> Vec<ThroughputV2Point> {
    let mut days: BTreeMap<NaiveDate, Day> = BTreeMap::new();
    for v in videos {
        let completed = v.completed_at();
        if !v.status.is_finished() || !window.contains(completed, now) {
            continue;
        }
        let day = days.entry(utc_day(completed)).or_default();
        if v.status == VideoStatus::Failed {
            day.failed += 1;
            continue;
        }
        day.ready += 1;
        day.ready_s += v.duration_s.unwrap_or(0.0);
        if let Some(ms) = v.processing_duration_ms.map(f64::from) {
            day.processing_s.add(ms / 1000.0);
            day.rtf
                .add_opt(v.duration_s.and_then(|media_s| rtf_from_ms(ms, media_s)));
        }
    }
    days.into_iter()
        .rev()
        .map(|(day, d)| ThroughputV2Point {
            day,
            videos_ready: d.ready,
            videos_failed: d.failed,
            hours_ready: hours(d.ready_s),
            avg_processing_s: d.processing_s.get(),
            avg_rtf: d.rtf.get(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{ago, now, timed, video, DAY};
    use super::*;
    use crate::status::VideoStatus::{Failed, Pending, Ready};

    #[test]
    fn days_descending_with_ready_only_averages() {
        let rows = [
            timed(1, Ready, [3, 2, 1], 3_000, Some(6.0)),
            timed(2, Ready, [3, 2, 1], 1_000, None), // no media: in avg_processing_s, not avg_rtf
            timed(3, Failed, [3, 2, 1], 99_000, Some(1.0)), // FAILED: counted, never averaged
            timed(4, Ready, [DAY + 3, DAY + 2, DAY], 2_000, Some(3600.0)),
            video(5, Pending),
        ];
        let out = throughput_v2(&rows, Window::thirty_days(), now());
        assert_eq!(out.len(), 2);
        let today = &out[0];
        assert_eq!(today.day, utc_day(now()));
        assert_eq!((today.videos_ready, today.videos_failed), (2, 1));
        assert_eq!(today.hours_ready, 6.0 / 3600.0);
        assert_eq!(today.avg_processing_s, Some(2.0));
        assert_eq!(today.avg_rtf, Some(0.5));
        assert_eq!(out[1].day, utc_day(ago(DAY)));
        assert_eq!((out[1].videos_ready, out[1].hours_ready), (1, 1.0));
    }

    #[test]
    fn a_failed_only_day_has_zero_hours_and_null_averages() {
        let mut legacy = video(1, Failed); // no timing: completion falls back to updated_at
        legacy.updated_at = ago(2 * DAY);
        let out = throughput_v2(&[legacy], Window::new(2).unwrap(), now());
        assert_eq!(out.len(), 1);
        let d = &out[0];
        assert_eq!(
            (d.videos_ready, d.videos_failed, d.hours_ready),
            (0, 1, 0.0)
        );
        assert_eq!((d.avg_processing_s, d.avg_rtf), (None, None));
    }

    #[test]
    fn rows_completed_before_the_window_are_left_out() {
        let rows = [timed(
            1,
            Ready,
            [DAY * 3, DAY * 3, DAY * 2 + 1],
            1,
            Some(1.0),
        )];
        assert!(throughput_v2(&rows, Window::new(2).unwrap(), now()).is_empty());
    }
}
