//! A deliberately naive reference for every metric: sort everything, filter with plain loops,
//! written from docs/spec.md#metrics without looking at `heimdex_core::stats`.

pub mod series;
pub mod users;
pub mod videos;

use chrono::{NaiveDate, TimeDelta};
use heimdex_core::time::Timestamp;
use heimdex_core::Window;

/// percentile_cont by the textbook: sort a copy, rank q·(n−1), interpolate.
pub fn percentile(values: &[f64], q: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let rank = q * (sorted.len() - 1) as f64;
    let lo = rank.floor() as usize;
    let hi = rank.ceil() as usize;
    if lo == hi {
        return Some(sorted[lo]);
    }
    Some(sorted[lo] + (rank - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// The three percentiles the summaries report.
pub fn p50_95_99(values: &[f64]) -> [Option<f64>; 3] {
    [
        percentile(values, 0.5),
        percentile(values, 0.95),
        percentile(values, 0.99),
    ]
}

/// Arithmetic mean, `None` for no values.
pub fn mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        None
    } else {
        Some(values.iter().sum::<f64>() / values.len() as f64)
    }
}

/// `ts >= now - N days`.
pub fn in_window(ts: Timestamp, window: Window, now: Timestamp) -> bool {
    ts >= now - TimeDelta::days(i64::from(window.days()))
}

/// The UTC calendar day.
pub fn day(ts: Timestamp) -> NaiveDate {
    ts.date_naive()
}

/// Seconds between two instants, through microseconds.
pub fn seconds(from: Timestamp, to: Timestamp) -> f64 {
    (to - from).num_microseconds().unwrap() as f64 / 1e6
}

/// Milliseconds between two instants, through microseconds.
pub fn millis(from: Timestamp, to: Timestamp) -> f64 {
    (to - from).num_microseconds().unwrap() as f64 / 1000.0
}
