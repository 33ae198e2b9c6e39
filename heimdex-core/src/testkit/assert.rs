//! Comparing answers: floats within 1e-9 relative, everything else exactly.

use std::fmt::Debug;

use chrono::NaiveDate;

use crate::ids::{UserId, VideoId};
use crate::query::{
    LatencySummary, Overview, QueueSummary, RecentSearch, RecentVideo, RtfSummary, SearchPoint,
    StageFailures, StageLatency, ThroughputPoint, ThroughputV2Point, UserDetail, UserSummary,
    UsersPage,
};
use crate::status::VideoStatus;
use crate::time::Timestamp;

/// Largest relative difference two floats may have and still count as the same answer.
pub const RELATIVE_TOLERANCE: f64 = 1e-9;

/// Whether `a` and `b` agree within [`RELATIVE_TOLERANCE`] (equal infinities and two NaNs agree).
pub fn close(a: f64, b: f64) -> bool {
    a == b
        || (a.is_nan() && b.is_nan())
        || (a - b).abs() <= RELATIVE_TOLERANCE * a.abs().max(b.abs())
}

/// Panics unless `got` and `want` agree within [`RELATIVE_TOLERANCE`].
#[track_caller]
pub fn assert_close(got: f64, want: f64) {
    assert!(
        close(got, want),
        "{got} != {want} (relative tolerance {RELATIVE_TOLERANCE})"
    );
}

/// Panics unless both are `None`, or both are `Some` and agree within [`RELATIVE_TOLERANCE`].
#[track_caller]
pub fn assert_close_opt(got: Option<f64>, want: Option<f64>) {
    match (got, want) {
        (Some(g), Some(w)) => assert_close(g, w),
        (None, None) => {}
        _ => panic!("{got:?} != {want:?}"),
    }
}

/// A value that can be compared field by field, floats within tolerance.
pub trait Same {
    /// Appends one line per difference to `out`, each starting with `path`.
    fn diff(&self, other: &Self, path: &str, out: &mut Vec<String>);
}

/// Panics, listing every differing field, unless `got` and `want` are the [`Same`].
#[track_caller]
pub fn assert_same<T: Same + Debug>(got: &T, want: &T, what: &str) {
    let mut out = Vec::new();
    got.diff(want, what, &mut out);
    assert!(
        out.is_empty(),
        "{what} differs:\n  {}\ngot:  {got:?}\nwant: {want:?}",
        out.join("\n  ")
    );
}

impl Same for f64 {
    fn diff(&self, other: &Self, path: &str, out: &mut Vec<String>) {
        if !close(*self, *other) {
            out.push(format!("{path}: {self} != {other}"));
        }
    }
}

impl<T: Same + Debug> Same for Option<T> {
    fn diff(&self, other: &Self, path: &str, out: &mut Vec<String>) {
        match (self, other) {
            (Some(a), Some(b)) => a.diff(b, path, out),
            (None, None) => {}
            _ => out.push(format!("{path}: {self:?} != {other:?}")),
        }
    }
}

impl<T: Same + Debug> Same for Vec<T> {
    fn diff(&self, other: &Self, path: &str, out: &mut Vec<String>) {
        if self.len() != other.len() {
            out.push(format!(
                "{path}: {} rows != {} rows",
                self.len(),
                other.len()
            ));
            return;
        }
        for (i, (a, b)) in self.iter().zip(other).enumerate() {
            a.diff(b, &format!("{path}[{i}]"), out);
        }
    }
}

macro_rules! exact {
    ($($t:ty),*) => {$(
        impl Same for $t {
            fn diff(&self, other: &Self, path: &str, out: &mut Vec<String>) {
                if self != other {
                    out.push(format!("{path}: {self:?} != {other:?}"));
                }
            }
        }
    )*};
}

exact!(
    u64,
    u32,
    i32,
    String,
    NaiveDate,
    Timestamp,
    UserId,
    VideoId,
    VideoStatus
);

macro_rules! fields {
    ($($t:ident { $($f:ident),* $(,)? })*) => {$(
        impl Same for $t {
            fn diff(&self, other: &Self, path: &str, out: &mut Vec<String>) {
                $( self.$f.diff(&other.$f, &format!("{path}.{}", stringify!($f)), out); )*
            }
        }
    )*};
}

fields! {
    Overview { videos_ready_total, videos_failed_total, videos_total, failure_rate_pct,
        hours_ready_total, searches_7d, avg_search_latency_ms_7d, searches_30d,
        avg_search_latency_ms_30d }
    ThroughputPoint { day, videos_ready, hours_ready }
    SearchPoint { day, searches, avg_latency_ms }
    UserSummary { user_id, full_name, videos_total, videos_ready, hours_ready, last_activity,
        searches_7d, avg_latency_ms_7d }
    UsersPage { items, page, page_size, total_users }
    RecentVideo { id, filename, status, duration_s, updated_at, error_message }
    RecentSearch { query_text, created_at, latency_ms, results_count, video_id }
    UserDetail { summary, recent_videos, recent_searches }
    LatencySummary { videos_measured, avg_processing_ms, p50_processing_ms, p95_processing_ms,
        p99_processing_ms, avg_queue_ms, avg_total_ms }
    RtfSummary { videos_measured, avg_rtf, p50_rtf, p95_rtf, p99_rtf, avg_video_duration_s,
        avg_processing_duration_s }
    QueueSummary { videos_measured, avg_queue_time_s, avg_processing_time_s, avg_total_time_s,
        queue_time_pct, processing_time_pct }
    StageFailures { processing_stage, failure_count, failure_pct }
    ThroughputV2Point { day, videos_ready, videos_failed, hours_ready, avg_processing_s, avg_rtf }
    StageLatency { stage, runs, failures, cancelled, avg_ms, p50_ms, p95_ms, p99_ms, total_ms, share_pct }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_agree_within_one_billionth_relative() {
        assert!(close(1.0, 1.0 + 1e-10));
        assert!(!close(1.0, 1.0 + 1e-8));
        assert!(close(0.0, 0.0) && close(-0.0, 0.0));
        assert!(!close(0.0, 1e-300));
        assert!(close(f64::INFINITY, f64::INFINITY) && close(f64::NAN, f64::NAN));
    }

    #[test]
    fn differences_are_listed_by_path() {
        let a = ThroughputPoint {
            day: NaiveDate::MIN,
            videos_ready: 1,
            hours_ready: 1.0,
        };
        let b = ThroughputPoint {
            videos_ready: 2,
            hours_ready: 1.1,
            ..a.clone()
        };
        let mut out = Vec::new();
        vec![a.clone()].diff(&vec![b], "tp", &mut out);
        assert_eq!(
            out,
            ["tp[0].videos_ready: 1 != 2", "tp[0].hours_ready: 1 != 1.1"]
        );
        assert_same(&Some(a.clone()), &Some(a), "same");
    }

    #[test]
    #[should_panic(expected = "None != Some(1.0)")]
    fn a_null_is_not_a_number() {
        assert_close_opt(None, Some(1.0));
    }
}
