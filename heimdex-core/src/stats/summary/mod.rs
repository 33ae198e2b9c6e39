//! The summaries of docs/spec.md#metrics, one file per metric family, and the small arithmetic
//! they share.

mod failures;
mod latency;
mod overview;
mod queue;
mod real_time;
mod search;
mod stage_latency;
mod throughput;
mod throughput_v2;
mod user_detail;
mod users;

#[cfg(test)]
mod fixture;

pub use failures::{failures_by_stage, UNKNOWN_STAGE};
pub use latency::latency;
pub use overview::overview;
pub use queue::queue;
pub use real_time::rtf;
pub use search::search_series;
pub use stage_latency::stage_latency;
pub use throughput::throughput;
pub use throughput_v2::throughput_v2;
pub use user_detail::{user_detail, RECENT_SEARCHES, RECENT_VIDEOS};
pub use users::users;

use chrono::NaiveDate;

use crate::time::{micros_between, Timestamp};

/// A running mean: `sum / count`, `None` when nothing was added (SQL `avg` over no rows).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Mean {
    sum: f64,
    count: u64,
}

impl Mean {
    /// Adds one value.
    pub(crate) fn add(&mut self, value: f64) {
        self.sum += value;
        self.count += 1;
    }

    /// Adds the value when there is one (SQL `avg` skips `NULL`).
    pub(crate) fn add_opt(&mut self, value: Option<f64>) {
        if let Some(v) = value {
            self.add(v);
        }
    }

    /// The mean, or `None` over no values.
    pub(crate) fn get(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum / self.count as f64)
    }
}

/// Milliseconds from `from` to `to`: `micros as f64 / 1000.0`
/// (SQL: `EXTRACT(EPOCH FROM (to - from)) * 1000`, to microsecond precision).
pub(crate) fn ms_between(from: Timestamp, to: Timestamp) -> f64 {
    micros_between(from, to) as f64 / 1000.0
}

/// Seconds from `from` to `to`: `micros as f64 / 1e6` (SQL: `EXTRACT(EPOCH FROM (to - from))`).
pub(crate) fn s_between(from: Timestamp, to: Timestamp) -> f64 {
    micros_between(from, to) as f64 / 1e6
}

/// The UTC calendar day of `ts` (SQL: `(ts AT TIME ZONE 'UTC')::date`).
pub(crate) fn utc_day(ts: Timestamp) -> NaiveDate {
    ts.date_naive()
}

/// Hours from a sum of seconds: `sum / 3600` (SQL: `COALESCE(SUM(duration_s), 0) / 3600.0`).
pub(crate) fn hours(sum_s: f64) -> f64 {
    sum_s / 3600.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeDelta, TimeZone, Utc};

    #[test]
    fn mean_of_nothing_is_none_and_nulls_are_skipped() {
        let mut m = Mean::default();
        assert_eq!(m.get(), None);
        m.add_opt(None);
        assert_eq!(m.get(), None);
        m.add(100.0);
        m.add_opt(Some(300.0));
        assert_eq!(m.get(), Some(200.0));
    }

    #[test]
    fn time_differences_use_microseconds() {
        let a = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
        let b = a + TimeDelta::microseconds(1_500_250);
        assert_eq!(ms_between(a, b), 1500.25);
        assert_eq!(s_between(a, b), 1.50025);
        assert_eq!(ms_between(b, a), -1500.25);
    }

    #[test]
    fn days_are_utc_calendar_days() {
        let late = Utc.with_ymd_and_hms(2025, 3, 9, 23, 59, 59).unwrap();
        assert_eq!(utc_day(late), NaiveDate::from_ymd_opt(2025, 3, 9).unwrap());
        let next = late + TimeDelta::seconds(1);
        assert_eq!(utc_day(next), NaiveDate::from_ymd_opt(2025, 3, 10).unwrap());
    }
}
