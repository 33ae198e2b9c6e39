//! Throughput v1: READY videos per completion day, ascending.

use std::collections::BTreeMap;

use super::{hours, utc_day};
use crate::query::{ThroughputPoint, Window};
use crate::record::VideoRecord;
use crate::status::VideoStatus;
use crate::time::Timestamp;

/// READY videos grouped by the UTC day of their completion time (docs/spec.md#throughput).
///
/// Population: `status = READY` and `coalesce(processing_finished_at, updated_at) >= now - N days`.
/// Per day: `videos_ready` = count, `hours_ready` = sum of `duration_s` (nulls add nothing) / 3600.
/// Days ascending; days without rows are omitted.
///
/// SQL equivalent:
/// ```sql
/// SELECT (coalesce(processing_finished_at, updated_at) AT TIME ZONE 'UTC')::date AS day,
///        count(*)                                 AS videos_ready,
///        COALESCE(sum(duration_s), 0) / 3600.0    AS hours_ready
/// FROM videos
/// WHERE status = 'READY'
///   AND coalesce(processing_finished_at, updated_at) >= now() - make_interval(days => N)
/// GROUP BY 1 ORDER BY 1 ASC;
/// ```
pub fn throughput(videos: &[VideoRecord], window: Window, now: Timestamp) -> Vec<ThroughputPoint> {
    let mut days: BTreeMap<_, (u64, f64)> = BTreeMap::new();
    for v in videos {
        if v.status != VideoStatus::Ready || !window.contains(v.completed_at(), now) {
            continue;
        }
        let day = days.entry(utc_day(v.completed_at())).or_default();
        day.0 += 1;
        day.1 += v.duration_s.unwrap_or(0.0);
    }
    days.into_iter()
        .map(|(day, (videos_ready, seconds))| ThroughputPoint {
            day,
            videos_ready,
            hours_ready: hours(seconds),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{ago, now, timed, video, DAY};
    use super::*;

    #[test]
    fn ready_rows_group_by_completion_day_ascending() {
        let w = Window::thirty_days();
        let a = timed(1, VideoStatus::Ready, [70, 60, 0], 1, Some(1800.0));
        let b = timed(2, VideoStatus::Ready, [70, 60, 10], 1, None);
        let c = timed(
            3,
            VideoStatus::Ready,
            [DAY + 70, DAY + 60, DAY],
            1,
            Some(3600.0),
        );
        let failed = timed(4, VideoStatus::Failed, [70, 60, 0], 1, Some(99.0));
        let points = throughput(&[a, b, c, failed], w, now());
        assert_eq!(points.len(), 2);
        assert_eq!(points[0].day, utc_day(ago(DAY)));
        assert_eq!((points[0].videos_ready, points[0].hours_ready), (1, 1.0));
        assert_eq!(points[1].day, utc_day(now()));
        assert_eq!((points[1].videos_ready, points[1].hours_ready), (2, 0.5));
    }

    #[test]
    fn completion_falls_back_to_updated_at_and_respects_the_window() {
        let w = Window::new(2).unwrap();
        let mut legacy = video(1, VideoStatus::Ready); // no timing at all
        legacy.updated_at = ago(2 * DAY);
        let mut old = video(2, VideoStatus::Ready);
        old.updated_at = ago(2 * DAY + 1);
        let mut moved = timed(3, VideoStatus::Ready, [5 * DAY, 5 * DAY, 5 * DAY], 1, None);
        moved.updated_at = now(); // a later write must not move the completion day
        let points = throughput(&[legacy, old, moved], w, now());
        assert_eq!(points.len(), 1);
        assert_eq!(
            (points[0].day, points[0].videos_ready),
            (utc_day(ago(2 * DAY)), 1)
        );
    }
}
