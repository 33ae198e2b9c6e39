//! Queue analysis: time waiting versus time processing, over finished attempts.

use super::{s_between, Mean};
use crate::query::{QueueSummary, Window};
use crate::record::VideoRecord;
use crate::time::Timestamp;

/// Queue time against processing time (docs/spec.md#queue-analysis).
///
/// Population: status READY or FAILED, `processing_finished_at >= now - N days`, `queued_at` and
/// `processing_started_at` present (`processing_duration_ms` is not needed). Per row, in seconds:
/// `queue_s = started − queued`, `processing_s = finished − started`, `total_s = finished − queued`.
/// Outputs the three means, and `queue_time_pct = mean(queue_s) / mean(total_s) · 100`,
/// `processing_time_pct = mean(processing_s) / mean(total_s) · 100` (ratios of means), both `None`
/// when the population is empty or `mean(total_s)` is 0.
///
/// SQL equivalent:
/// ```sql
/// WITH q AS (
///   SELECT EXTRACT(EPOCH FROM processing_started_at - queued_at)::float8          AS queue_s,
///          EXTRACT(EPOCH FROM processing_finished_at - processing_started_at)::float8 AS processing_s,
///          EXTRACT(EPOCH FROM processing_finished_at - queued_at)::float8         AS total_s
///   FROM videos
///   WHERE status IN ('READY', 'FAILED')
///     AND processing_finished_at >= now() - make_interval(days => N)
///     AND queued_at IS NOT NULL AND processing_started_at IS NOT NULL)
/// SELECT count(*), avg(queue_s), avg(processing_s), avg(total_s),
///        avg(queue_s) / NULLIF(avg(total_s), 0) * 100      AS queue_time_pct,
///        avg(processing_s) / NULLIF(avg(total_s), 0) * 100 AS processing_time_pct
/// FROM q;
/// ```
pub fn queue(videos: &[VideoRecord], window: Window, now: Timestamp) -> QueueSummary {
    let mut count = 0u64;
    let mut queue = Mean::default();
    let mut processing = Mean::default();
    let mut total = Mean::default();
    for v in videos.iter().filter(|v| v.status.is_finished()) {
        let (Some(queued), Some(started), Some(finished)) = (
            v.queued_at,
            v.processing_started_at,
            v.processing_finished_at,
        ) else {
            continue;
        };
        if !window.contains(finished, now) {
            continue;
        }
        count += 1;
        queue.add(s_between(queued, started));
        processing.add(s_between(started, finished));
        total.add(s_between(queued, finished));
    }
    let pct = |part: Option<f64>| match (part, total.get()) {
        (Some(part), Some(total)) if total != 0.0 => Some(part / total * 100.0),
        _ => None,
    };
    QueueSummary {
        videos_measured: count,
        avg_queue_time_s: queue.get(),
        avg_processing_time_s: processing.get(),
        avg_total_time_s: total.get(),
        queue_time_pct: pct(queue.get()),
        processing_time_pct: pct(processing.get()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{now, timed, video, DAY};
    use super::*;
    use crate::status::VideoStatus::{Failed, Processing, Ready};

    #[test]
    fn means_and_ratios_of_means() {
        let mut no_ms = timed(2, Failed, [30, 28, 20], 0, None);
        no_ms.processing_duration_ms = None; // still measured: the duration is not used here
        let rows = [timed(1, Ready, [60, 50, 0], 1, None), no_ms];
        let s = queue(&rows, Window::seven_days(), now());
        assert_eq!(s.videos_measured, 2);
        assert_eq!(s.avg_queue_time_s, Some(360.0)); // (600 + 120) / 2
        assert_eq!(s.avg_processing_time_s, Some(1740.0)); // (3000 + 480) / 2
        assert_eq!(s.avg_total_time_s, Some(2100.0)); // (3600 + 600) / 2
        assert_eq!(s.queue_time_pct, Some(360.0 / 2100.0 * 100.0));
        assert_eq!(s.processing_time_pct, Some(1740.0 / 2100.0 * 100.0));
    }

    #[test]
    fn zero_mean_total_gives_null_percentages() {
        let rows = [timed(1, Ready, [5, 5, 5], 0, None)];
        let s = queue(&rows, Window::seven_days(), now());
        assert_eq!((s.videos_measured, s.avg_total_time_s), (1, Some(0.0)));
        assert_eq!((s.queue_time_pct, s.processing_time_pct), (None, None));
    }

    #[test]
    fn unfinished_incomplete_and_old_rows_are_left_out() {
        let mut no_start = timed(1, Ready, [60, 50, 0], 1, None);
        no_start.processing_started_at = None;
        let rows = [
            no_start,
            timed(2, Processing, [60, 50, 0], 1, None),
            timed(3, Ready, [9 * DAY, 9 * DAY, 8 * DAY], 1, None),
            video(4, Failed),
        ];
        let s = queue(&rows, Window::seven_days(), now());
        assert_eq!(s, QueueSummary::default());
    }
}
