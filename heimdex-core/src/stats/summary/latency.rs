//! Processing latency: percentiles of `processing_duration_ms`, mean queue and total times.

use super::{ms_between, Mean};
use crate::query::{LatencySummary, Window};
use crate::record::VideoRecord;
use crate::stats::percentiles;
use crate::time::Timestamp;

/// Latency of finished attempts (docs/spec.md#latency).
///
/// Population: status READY or FAILED, `processing_finished_at >= now - N days`, and
/// `processing_duration_ms`, `processing_started_at` and `queued_at` all present.
/// `avg_processing_ms` and `p50/p95/p99_processing_ms` are over `processing_duration_ms`
/// (`percentile_cont`); `avg_queue_ms` = mean(started − queued) and `avg_total_ms` =
/// mean(finished − queued), in ms from microsecond timestamps. Empty population: count 0, all `None`.
///
/// SQL equivalent:
/// ```sql
/// SELECT count(*)                                                     AS videos_measured,
///        avg(processing_duration_ms)::float8                          AS avg_processing_ms,
///        percentile_cont(0.50) WITHIN GROUP (ORDER BY processing_duration_ms) AS p50_processing_ms,
///        percentile_cont(0.95) WITHIN GROUP (ORDER BY processing_duration_ms) AS p95_processing_ms,
///        percentile_cont(0.99) WITHIN GROUP (ORDER BY processing_duration_ms) AS p99_processing_ms,
///        avg(EXTRACT(EPOCH FROM processing_started_at - queued_at) * 1000)::float8  AS avg_queue_ms,
///        avg(EXTRACT(EPOCH FROM processing_finished_at - queued_at) * 1000)::float8 AS avg_total_ms
/// FROM videos
/// WHERE status IN ('READY', 'FAILED')
///   AND processing_finished_at >= now() - make_interval(days => N)
///   AND processing_duration_ms IS NOT NULL
///   AND processing_started_at IS NOT NULL AND queued_at IS NOT NULL;
/// ```
pub fn latency(videos: &[VideoRecord], window: Window, now: Timestamp) -> LatencySummary {
    let mut durations = Vec::new();
    let mut processing = Mean::default();
    let mut queue = Mean::default();
    let mut total = Mean::default();
    for v in videos {
        if !v.status.is_finished() {
            continue;
        }
        let (Some(finished), Some(ms), Some(started), Some(queued)) = (
            v.processing_finished_at,
            v.processing_duration_ms,
            v.processing_started_at,
            v.queued_at,
        ) else {
            continue;
        };
        if !window.contains(finished, now) {
            continue;
        }
        let ms = f64::from(ms);
        durations.push(ms);
        processing.add(ms);
        queue.add(ms_between(queued, started));
        total.add(ms_between(queued, finished));
    }
    let p = percentiles(&mut durations);
    LatencySummary {
        videos_measured: durations.len() as u64,
        avg_processing_ms: processing.get(),
        p50_processing_ms: p.map(|p| p.p50),
        p95_processing_ms: p.map(|p| p.p95),
        p99_processing_ms: p.map(|p| p.p99),
        avg_queue_ms: queue.get(),
        avg_total_ms: total.get(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{now, timed, video, DAY};
    use super::*;
    use crate::status::VideoStatus::{Failed, Pending, Processing, Ready};
    use approx::assert_relative_eq;

    #[test]
    fn empty_population_is_zero_and_nulls() {
        let s = latency(&[video(1, Ready)], Window::thirty_days(), now());
        assert_eq!(s, LatencySummary::default());
    }

    #[test]
    fn ready_and_failed_rows_with_complete_timing_are_measured() {
        let rows = [
            timed(1, Ready, [60, 50, 0], 1000, None),
            timed(2, Failed, [30, 20, 10], 2000, None),
            timed(3, Ready, [30, 20, 10], 3000, Some(1.0)),
        ];
        let s = latency(&rows, Window::seven_days(), now());
        assert_eq!(s.videos_measured, 3);
        assert_eq!(s.avg_processing_ms, Some(2000.0));
        assert_eq!(s.p50_processing_ms, Some(2000.0));
        assert_relative_eq!(s.p95_processing_ms.unwrap(), 2900.0, max_relative = 1e-12);
        assert_relative_eq!(s.p99_processing_ms.unwrap(), 2980.0, max_relative = 1e-12);
        assert_eq!(s.avg_queue_ms, Some(600_000.0)); // 10 minutes each
        assert_eq!(
            s.avg_total_ms,
            Some((3_600_000.0 + 1_200_000.0 * 2.0) / 3.0)
        );
    }

    #[test]
    fn incomplete_unfinished_or_old_rows_are_left_out() {
        let mut no_queue = timed(1, Ready, [60, 50, 0], 1, None);
        no_queue.queued_at = None;
        let mut no_start = timed(2, Ready, [60, 50, 0], 1, None);
        no_start.processing_started_at = None;
        let mut no_ms = timed(3, Failed, [60, 50, 0], 1, None);
        no_ms.processing_duration_ms = None;
        let mut no_finish = timed(4, Ready, [60, 50, 0], 1, None);
        no_finish.processing_finished_at = None;
        let running = timed(5, Processing, [60, 50, 0], 1, None);
        let pending = timed(6, Pending, [60, 50, 0], 1, None);
        let old = timed(7, Ready, [8 * DAY, 8 * DAY, 7 * DAY + 1], 1, None);
        let edge = timed(8, Ready, [8 * DAY, 8 * DAY, 7 * DAY], 42, None);
        let rows = [
            no_queue, no_start, no_ms, no_finish, running, pending, old, edge,
        ];
        let s = latency(&rows, Window::seven_days(), now());
        assert_eq!(s.videos_measured, 1);
        assert_eq!(s.p99_processing_ms, Some(42.0));
    }
}
