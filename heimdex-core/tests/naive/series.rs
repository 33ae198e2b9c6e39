//! Overview, the day series and stage latency, naively.

use heimdex_core::query::{
    Overview, SearchPoint, StageLatency, ThroughputPoint, ThroughputV2Point,
};
use heimdex_core::record::{SearchRecord, StageTimingRecord, VideoRecord};
use heimdex_core::time::Timestamp;
use heimdex_core::{VideoStatus, Window};

use super::{day, in_window, mean, p50_95_99};

fn completed(v: &VideoRecord) -> Timestamp {
    v.processing_finished_at.unwrap_or(v.updated_at)
}

fn latencies(searches: &[&SearchRecord]) -> Vec<f64> {
    searches
        .iter()
        .filter_map(|s| s.latency_ms)
        .map(f64::from)
        .collect()
}

pub fn overview(videos: &[VideoRecord], searches: &[SearchRecord], now: Timestamp) -> Overview {
    let ready: Vec<&VideoRecord> = videos
        .iter()
        .filter(|v| v.status == VideoStatus::Ready)
        .collect();
    let failed = videos
        .iter()
        .filter(|v| v.status == VideoStatus::Failed)
        .count() as u64;
    let last = |days| -> Vec<&SearchRecord> {
        searches
            .iter()
            .filter(|s| in_window(s.created_at, Window::new(days).unwrap(), now))
            .collect()
    };
    let (s7, s30) = (last(7), last(30));
    Overview {
        videos_ready_total: ready.len() as u64,
        videos_failed_total: failed,
        videos_total: videos.len() as u64,
        failure_rate_pct: if videos.is_empty() {
            0.0
        } else {
            failed as f64 / videos.len() as f64 * 100.0
        },
        hours_ready_total: ready.iter().filter_map(|v| v.duration_s).sum::<f64>() / 3600.0,
        searches_7d: s7.len() as u64,
        avg_search_latency_ms_7d: mean(&latencies(&s7)),
        searches_30d: s30.len() as u64,
        avg_search_latency_ms_30d: mean(&latencies(&s30)),
    }
}

pub fn throughput(videos: &[VideoRecord], w: Window, now: Timestamp) -> Vec<ThroughputPoint> {
    let rows: Vec<&VideoRecord> = videos
        .iter()
        .filter(|v| v.status == VideoStatus::Ready && in_window(completed(v), w, now))
        .collect();
    let mut days: Vec<_> = rows.iter().map(|v| day(completed(v))).collect();
    days.sort();
    days.dedup();
    days.into_iter()
        .map(|d| {
            let on: Vec<&&VideoRecord> = rows.iter().filter(|v| day(completed(v)) == d).collect();
            ThroughputPoint {
                day: d,
                videos_ready: on.len() as u64,
                hours_ready: on.iter().filter_map(|v| v.duration_s).sum::<f64>() / 3600.0,
            }
        })
        .collect()
}

pub fn throughput_v2(videos: &[VideoRecord], w: Window, now: Timestamp) -> Vec<ThroughputV2Point> {
    let rows: Vec<&VideoRecord> = videos
        .iter()
        .filter(|v| {
            matches!(v.status, VideoStatus::Ready | VideoStatus::Failed)
                && in_window(completed(v), w, now)
        })
        .collect();
    let mut days: Vec<_> = rows.iter().map(|v| day(completed(v))).collect();
    days.sort();
    days.dedup();
    days.reverse();
    days.into_iter()
        .map(|d| {
            let ready: Vec<&&VideoRecord> = rows
                .iter()
                .filter(|v| day(completed(v)) == d && v.status == VideoStatus::Ready)
                .collect();
            let failed = rows
                .iter()
                .filter(|v| day(completed(v)) == d && v.status == VideoStatus::Failed)
                .count();
            let processing: Vec<f64> = ready
                .iter()
                .filter_map(|v| v.processing_duration_ms)
                .map(|ms| ms as f64 / 1000.0)
                .collect();
            let rtf: Vec<f64> = ready
                .iter()
                .filter(|v| {
                    v.processing_duration_ms.is_some() && v.duration_s.is_some_and(|s| s > 0.0)
                })
                .map(|v| {
                    (v.processing_duration_ms.unwrap() as f64 / 1000.0) / v.duration_s.unwrap()
                })
                .collect();
            ThroughputV2Point {
                day: d,
                videos_ready: ready.len() as u64,
                videos_failed: failed as u64,
                hours_ready: ready.iter().filter_map(|v| v.duration_s).sum::<f64>() / 3600.0,
                avg_processing_s: mean(&processing),
                avg_rtf: mean(&rtf),
            }
        })
        .collect()
}

pub fn search_series(searches: &[SearchRecord], w: Window, now: Timestamp) -> Vec<SearchPoint> {
    let rows: Vec<&SearchRecord> = searches
        .iter()
        .filter(|s| in_window(s.created_at, w, now))
        .collect();
    let mut days: Vec<_> = rows.iter().map(|s| day(s.created_at)).collect();
    days.sort();
    days.dedup();
    days.into_iter()
        .map(|d| {
            let on: Vec<&SearchRecord> = rows
                .iter()
                .copied()
                .filter(|s| day(s.created_at) == d)
                .collect();
            SearchPoint {
                day: d,
                searches: on.len() as u64,
                avg_latency_ms: mean(&latencies(&on)),
            }
        })
        .collect()
}

pub fn stage_latency(
    timings: &[StageTimingRecord],
    w: Window,
    now: Timestamp,
) -> Vec<StageLatency> {
    let rows: Vec<&StageTimingRecord> = timings
        .iter()
        .filter(|t| t.duration_ms.is_some() && t.finished_at.is_some_and(|f| in_window(f, w, now)))
        .collect();
    let all: f64 = rows
        .iter()
        .filter(|t| t.outcome.as_deref() != Some("cancelled"))
        .map(|t| t.duration_ms.unwrap() as f64)
        .sum();
    let mut names: Vec<String> = rows.iter().map(|t| t.stage.to_string()).collect();
    names.sort();
    names.dedup();
    let mut out: Vec<StageLatency> = names
        .into_iter()
        .map(|name| {
            let cancelled = rows
                .iter()
                .filter(|t| t.stage.as_str() == name && t.outcome.as_deref() == Some("cancelled"))
                .count() as u64;
            let of: Vec<&&StageTimingRecord> = rows
                .iter()
                .filter(|t| t.stage.as_str() == name && t.outcome.as_deref() != Some("cancelled"))
                .collect();
            let ms: Vec<f64> = of.iter().map(|t| t.duration_ms.unwrap() as f64).collect();
            let total: f64 = ms.iter().sum();
            let [p50, p95, p99] = p50_95_99(&ms);
            StageLatency {
                stage: name,
                runs: of.len() as u64,
                failures: of
                    .iter()
                    .filter(|t| t.outcome.as_deref() == Some("failed"))
                    .count() as u64,
                cancelled,
                avg_ms: mean(&ms),
                p50_ms: p50,
                p95_ms: p95,
                p99_ms: p99,
                total_ms: total,
                share_pct: if all == 0.0 {
                    None
                } else {
                    Some(total / all * 100.0)
                },
            }
        })
        .collect();
    out.sort_by(|a, b| b.total_ms.partial_cmp(&a.total_ms).unwrap()); // stable: names stay ascending
    out
}
