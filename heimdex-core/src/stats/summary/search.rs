//! Search series: searches per UTC day, ascending.

use std::collections::BTreeMap;

use super::{utc_day, Mean};
use crate::query::{SearchPoint, Window};
use crate::record::SearchRecord;
use crate::time::Timestamp;

/// Searches per UTC day of `created_at` (docs/spec.md#search-series).
///
/// Population: `created_at >= now - N days`. Per day: `searches` = count (null latencies
/// included), `avg_latency_ms` = mean of the non-null latencies (`None` when there are none).
/// Days ascending; days without searches are omitted.
///
/// SQL equivalent:
/// ```sql
/// SELECT (created_at AT TIME ZONE 'UTC')::date AS day,
///        count(*)                              AS searches,
///        avg(latency_ms)::float8               AS avg_latency_ms
/// FROM search_queries
/// WHERE created_at >= now() - make_interval(days => N)
/// GROUP BY 1 ORDER BY 1 ASC;
/// ```
pub fn search_series(
    searches: &[SearchRecord],
    window: Window,
    now: Timestamp,
) -> Vec<SearchPoint> {
    let mut days: BTreeMap<_, (u64, Mean)> = BTreeMap::new();
    for s in searches
        .iter()
        .filter(|s| window.contains(s.created_at, now))
    {
        let day = days.entry(utc_day(s.created_at)).or_default();
        day.0 += 1;
        day.1.add_opt(s.latency_ms.map(f64::from));
    }
    days.into_iter()
        .map(|(day, (searches, latency))| SearchPoint {
            day,
            searches,
            avg_latency_ms: latency.get(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{ago, now, search, user, DAY};
    use super::*;

    #[test]
    fn searches_group_by_day_with_null_latencies_counted_but_not_averaged() {
        let u = Some(user(1));
        let rows = [
            search(1, u, Some(100), 0),
            search(2, None, Some(300), 1),
            search(3, u, None, 2),
            search(4, u, None, DAY),
            search(5, u, Some(7), 3 * DAY + 1), // outside a 3-day window
        ];
        let points = search_series(&rows, Window::new(3).unwrap(), now());
        assert_eq!(points.len(), 2);
        assert_eq!(points[0].day, utc_day(ago(DAY)));
        assert_eq!((points[0].searches, points[0].avg_latency_ms), (1, None));
        assert_eq!(points[1].day, utc_day(now()));
        assert_eq!(
            (points[1].searches, points[1].avg_latency_ms),
            (3, Some(200.0))
        );
    }

    #[test]
    fn no_searches_no_points() {
        assert!(search_series(&[], Window::thirty_days(), now()).is_empty());
    }
}
