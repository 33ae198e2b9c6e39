//! Latency, RTF, queue analysis and failures by stage, naively.

use heimdex_core::query::{LatencySummary, QueueSummary, RtfSummary, StageFailures};
use heimdex_core::record::VideoRecord;
use heimdex_core::time::Timestamp;
use heimdex_core::{VideoStatus, Window};

use super::{in_window, mean, millis, p50_95_99, seconds};

fn finished_in(v: &VideoRecord, w: Window, now: Timestamp) -> bool {
    v.processing_finished_at
        .is_some_and(|f| in_window(f, w, now))
}

pub fn latency(videos: &[VideoRecord], w: Window, now: Timestamp) -> LatencySummary {
    let rows: Vec<&VideoRecord> = videos
        .iter()
        .filter(|v| matches!(v.status, VideoStatus::Ready | VideoStatus::Failed))
        .filter(|v| finished_in(v, w, now))
        .filter(|v| {
            v.processing_duration_ms.is_some()
                && v.processing_started_at.is_some()
                && v.queued_at.is_some()
        })
        .collect();
    let ms: Vec<f64> = rows
        .iter()
        .map(|v| v.processing_duration_ms.unwrap() as f64)
        .collect();
    let queue: Vec<f64> = rows
        .iter()
        .map(|v| millis(v.queued_at.unwrap(), v.processing_started_at.unwrap()))
        .collect();
    let total: Vec<f64> = rows
        .iter()
        .map(|v| millis(v.queued_at.unwrap(), v.processing_finished_at.unwrap()))
        .collect();
    let [p50, p95, p99] = p50_95_99(&ms);
    LatencySummary {
        videos_measured: rows.len() as u64,
        avg_processing_ms: mean(&ms),
        p50_processing_ms: p50,
        p95_processing_ms: p95,
        p99_processing_ms: p99,
        avg_queue_ms: mean(&queue),
        avg_total_ms: mean(&total),
    }
}

pub fn rtf(videos: &[VideoRecord], w: Window, now: Timestamp) -> RtfSummary {
    let rows: Vec<&VideoRecord> = videos
        .iter()
        .filter(|v| v.status == VideoStatus::Ready && finished_in(v, w, now))
        .filter(|v| v.processing_duration_ms.is_some() && v.duration_s.is_some_and(|d| d > 0.0))
        .collect();
    let processing: Vec<f64> = rows
        .iter()
        .map(|v| v.processing_duration_ms.unwrap() as f64 / 1000.0)
        .collect();
    let media: Vec<f64> = rows.iter().map(|v| v.duration_s.unwrap()).collect();
    let ratios: Vec<f64> = processing.iter().zip(&media).map(|(p, m)| p / m).collect();
    let [p50, p95, p99] = p50_95_99(&ratios);
    RtfSummary {
        videos_measured: rows.len() as u64,
        avg_rtf: mean(&ratios),
        p50_rtf: p50,
        p95_rtf: p95,
        p99_rtf: p99,
        avg_video_duration_s: mean(&media),
        avg_processing_duration_s: mean(&processing),
    }
}

pub fn queue(videos: &[VideoRecord], w: Window, now: Timestamp) -> QueueSummary {
    let rows: Vec<&VideoRecord> = videos
        .iter()
        .filter(|v| {
            matches!(v.status, VideoStatus::Ready | VideoStatus::Failed) && finished_in(v, w, now)
        })
        .filter(|v| v.queued_at.is_some() && v.processing_started_at.is_some())
        .collect();
    let (mut q, mut p, mut t) = (Vec::new(), Vec::new(), Vec::new());
    for v in &rows {
        let (queued, started, finished) = (
            v.queued_at.unwrap(),
            v.processing_started_at.unwrap(),
            v.processing_finished_at.unwrap(),
        );
        q.push(seconds(queued, started));
        p.push(seconds(started, finished));
        t.push(seconds(queued, finished));
    }
    let total = mean(&t);
    let pct = |part: Option<f64>| match (part, total) {
        (Some(part), Some(total)) if total != 0.0 => Some(part / total * 100.0),
        _ => None,
    };
    QueueSummary {
        videos_measured: rows.len() as u64,
        avg_queue_time_s: mean(&q),
        avg_processing_time_s: mean(&p),
        avg_total_time_s: total,
        queue_time_pct: pct(mean(&q)),
        processing_time_pct: pct(mean(&p)),
    }
}

pub fn failures_by_stage(videos: &[VideoRecord], w: Window, now: Timestamp) -> Vec<StageFailures> {
    let stages: Vec<String> = videos
        .iter()
        .filter(|v| v.status == VideoStatus::Failed && finished_in(v, w, now))
        .map(|v| {
            v.processing_stage
                .clone()
                .unwrap_or_else(|| "unknown".into())
        })
        .collect();
    let mut names = stages.clone();
    names.sort();
    names.dedup();
    let mut rows: Vec<StageFailures> = names
        .into_iter()
        .map(|name| {
            let count = stages.iter().filter(|s| **s == name).count() as u64;
            StageFailures {
                processing_stage: name,
                failure_count: count,
                failure_pct: count as f64 / stages.len() as f64 * 100.0,
            }
        })
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.failure_count)); // stable: names stay ascending
    rows
}
