//! Overview: all-time totals and search activity over the last 7 and 30 days.

use super::{hours, Mean};
use crate::query::{Overview, Window};
use crate::record::{SearchRecord, VideoRecord};
use crate::status::VideoStatus;
use crate::time::Timestamp;

/// All-time video totals and search activity (docs/spec.md#overview).
///
/// Videos: every row counts (all time, every status). Searches: rows with
/// `created_at >= now - 7 days` and `>= now - 30 days`; the averages skip null latencies and are
/// `None` when no latency is left. `failure_rate_pct` is 0 when there are no videos.
///
/// SQL equivalent:
/// ```sql
/// SELECT count(*) FILTER (WHERE status = 'READY')                    AS videos_ready_total,
///        count(*) FILTER (WHERE status = 'FAILED')                   AS videos_failed_total,
///        count(*)                                                    AS videos_total,
///        CASE WHEN count(*) = 0 THEN 0
///             ELSE count(*) FILTER (WHERE status = 'FAILED')::float8 / count(*) * 100 END
///                                                                    AS failure_rate_pct,
///        COALESCE(sum(duration_s) FILTER (WHERE status = 'READY'), 0) / 3600.0
///                                                                    AS hours_ready_total
/// FROM videos;
/// SELECT count(*) FILTER (WHERE created_at >= now() - interval '7 days')           AS searches_7d,
///        avg(latency_ms) FILTER (WHERE created_at >= now() - interval '7 days')    AS avg_search_latency_ms_7d,
///        count(*) FILTER (WHERE created_at >= now() - interval '30 days')          AS searches_30d,
///        avg(latency_ms) FILTER (WHERE created_at >= now() - interval '30 days')   AS avg_search_latency_ms_30d
/// FROM search_queries;
/// ```
pub fn overview(videos: &[VideoRecord], searches: &[SearchRecord], now: Timestamp) -> Overview {
    let mut ready = 0u64;
    let mut failed = 0u64;
    let mut ready_s = 0.0;
    for v in videos {
        match v.status {
            VideoStatus::Ready => {
                ready += 1;
                ready_s += v.duration_s.unwrap_or(0.0);
            }
            VideoStatus::Failed => failed += 1,
            VideoStatus::Pending | VideoStatus::Processing => {}
        }
    }
    let total = videos.len() as u64;
    let failure_rate_pct = if total == 0 {
        0.0
    } else {
        failed as f64 / total as f64 * 100.0
    };
    let (searches_7d, avg_7d) = search_activity(searches, Window::seven_days(), now);
    let (searches_30d, avg_30d) = search_activity(searches, Window::thirty_days(), now);
    Overview {
        videos_ready_total: ready,
        videos_failed_total: failed,
        videos_total: total,
        failure_rate_pct,
        hours_ready_total: hours(ready_s),
        searches_7d,
        avg_search_latency_ms_7d: avg_7d,
        searches_30d,
        avg_search_latency_ms_30d: avg_30d,
    }
}

/// Count of searches in the window and the mean of their non-null latencies.
fn search_activity(
    searches: &[SearchRecord],
    window: Window,
    now: Timestamp,
) -> (u64, Option<f64>) {
    let mut count = 0u64;
    let mut latency = Mean::default();
    for s in searches
        .iter()
        .filter(|s| window.contains(s.created_at, now))
    {
        count += 1;
        latency.add_opt(s.latency_ms.map(f64::from));
    }
    (count, latency.get())
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{now, search, user, video, DAY};
    use super::*;

    #[test]
    fn no_rows_give_zeros_and_nulls() {
        let o = overview(&[], &[], now());
        assert_eq!(o, Overview::default());
        assert_eq!(o.failure_rate_pct, 0.0);
    }

    #[test]
    fn totals_count_every_status_and_hours_only_ready() {
        let mut r1 = video(1, VideoStatus::Ready);
        r1.duration_s = Some(3600.0);
        let mut r2 = video(2, VideoStatus::Ready);
        r2.duration_s = None; // a READY row without duration adds no hours
        let mut f = video(3, VideoStatus::Failed);
        f.duration_s = Some(7200.0); // FAILED hours never count
        let rows = [
            r1,
            r2,
            f,
            video(4, VideoStatus::Pending),
            video(5, VideoStatus::Processing),
        ];
        let o = overview(&rows, &[], now());
        assert_eq!(
            (o.videos_ready_total, o.videos_failed_total, o.videos_total),
            (2, 1, 5)
        );
        assert_eq!(o.failure_rate_pct, 20.0);
        assert_eq!(o.hours_ready_total, 1.0);
    }

    #[test]
    fn search_windows_include_their_start_and_skip_null_latencies() {
        let u = Some(user(1));
        let searches = [
            search(1, u, Some(100), 0),
            search(2, None, None, DAY),       // counted, latency skipped
            search(3, u, Some(500), 7 * DAY), // exactly at the 7-day start: inside
            search(4, u, Some(900), 7 * DAY + 1), // one minute earlier: only in 30 days
            search(5, u, Some(1000), 30 * DAY + 1), // outside both
        ];
        let o = overview(&[], &searches, now());
        assert_eq!(
            (o.searches_7d, o.avg_search_latency_ms_7d),
            (3, Some(300.0))
        );
        assert_eq!(
            (o.searches_30d, o.avg_search_latency_ms_30d),
            (4, Some(500.0))
        );
    }

    #[test]
    fn only_null_latencies_average_to_none() {
        let o = overview(&[], &[search(1, None, None, 10)], now());
        assert_eq!((o.searches_7d, o.avg_search_latency_ms_7d), (1, None));
    }
}
