//! Stage latency: how long each pipeline stage takes, from `video_stage_timings` (not in the
//! contract; the per-stage history the origin listed as future work).

use std::collections::HashMap;

use super::Mean;
use crate::query::{StageLatency, Window};
use crate::record::StageTimingRecord;
use crate::stats::percentiles;
use crate::time::Timestamp;

#[derive(Default)]
struct Acc {
    failures: u64,
    cancelled: u64,
    durations: Vec<f64>,
    mean: Mean,
    total_ms: f64,
}

/// Latency per stage over the stage runs that finished in the window.
///
/// Population: `video_stage_timings` rows with `finished_at >= now - N days` and `duration_ms`
/// present (every attempt counts; a stage still running has neither). A stage is listed when it
/// has such a row. Per stage: `cancelled` = rows with `outcome = 'cancelled'` (runs stopped from
/// outside), left out of every other figure; `runs` = the other rows, `failures` = rows with
/// `outcome = 'failed'`, `avg_ms`/`p50_ms`/`p95_ms`/`p99_ms` over their `duration_ms`
/// (`percentile_cont`; `None` without runs), `total_ms` = sum of their `duration_ms`, `share_pct` =
/// `total_ms` / (sum of `total_ms` over every stage in the window) · 100, `None` when that sum is
/// 0. Ordered by `total_ms` descending, then stage name ascending (bytes, SQL `COLLATE "C"`).
///
/// SQL equivalent:
/// ```sql
/// -- with d = duration_ms FILTER (WHERE outcome IS DISTINCT FROM 'cancelled')
/// SELECT stage, count(d) AS runs,
///        count(*) FILTER (WHERE outcome = 'failed') AS failures,
///        count(*) FILTER (WHERE outcome = 'cancelled') AS cancelled,
///        avg(d)::float8 AS avg_ms,
///        percentile_cont(0.50) WITHIN GROUP (ORDER BY d) AS p50_ms,
///        percentile_cont(0.95) WITHIN GROUP (ORDER BY d) AS p95_ms,
///        percentile_cont(0.99) WITHIN GROUP (ORDER BY d) AS p99_ms,
///        coalesce(sum(d), 0)::float8 AS total_ms,
///        coalesce(sum(d), 0)::float8 / NULLIF(sum(sum(d)) OVER (), 0) * 100 AS share_pct
/// FROM video_stage_timings
/// WHERE finished_at >= now() - make_interval(days => N) AND duration_ms IS NOT NULL
/// GROUP BY stage
/// ORDER BY total_ms DESC, stage COLLATE "C" ASC;
/// ```
pub fn stage_latency(
    timings: &[StageTimingRecord],
    window: Window,
    now: Timestamp,
) -> Vec<StageLatency> {
    let mut stages: HashMap<&str, Acc> = HashMap::new();
    let mut grand_total = 0.0;
    for t in timings {
        let (Some(finished), Some(ms)) = (t.finished_at, t.duration_ms) else {
            continue;
        };
        if !window.contains(finished, now) {
            continue;
        }
        let ms = f64::from(ms);
        let acc = stages.entry(t.stage.as_str()).or_default();
        if t.outcome.as_deref() == Some("cancelled") {
            acc.cancelled += 1;
            continue;
        }
        acc.failures += u64::from(t.outcome.as_deref() == Some("failed"));
        acc.durations.push(ms);
        acc.mean.add(ms);
        acc.total_ms += ms;
        grand_total += ms;
    }
    let mut rows: Vec<StageLatency> = stages
        .into_iter()
        .map(|(stage, mut acc)| {
            let p = percentiles(&mut acc.durations);
            StageLatency {
                stage: stage.to_owned(),
                runs: acc.durations.len() as u64,
                failures: acc.failures,
                cancelled: acc.cancelled,
                avg_ms: acc.mean.get(),
                p50_ms: p.map(|p| p.p50),
                p95_ms: p.map(|p| p.p95),
                p99_ms: p.map(|p| p.p99),
                total_ms: acc.total_ms,
                share_pct: (grand_total != 0.0).then(|| acc.total_ms / grand_total * 100.0),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.total_ms
            .total_cmp(&a.total_ms)
            .then_with(|| a.stage.cmp(&b.stage))
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{ago, now, DAY};
    use super::*;
    use crate::ids::VideoId;
    use crate::stage::StageName;
    use uuid::Uuid;

    fn run(
        stage: &str,
        ms: Option<i32>,
        outcome: Option<&str>,
        finished_ago: Option<i64>,
    ) -> StageTimingRecord {
        StageTimingRecord {
            video_id: VideoId(Uuid::from_u128(1)),
            attempt: 1,
            stage: StageName::new(stage).unwrap(),
            started_at: ago(10 * DAY),
            finished_at: finished_ago.map(ago),
            duration_ms: ms,
            outcome: outcome.map(str::to_owned),
            error: None,
        }
    }

    #[test]
    fn stages_ordered_by_total_time_with_shares() {
        let rows = [
            run("transcription", Some(300), Some("ok"), Some(1)),
            run("transcription", Some(100), Some("failed"), Some(1)),
            run("metadata", Some(100), Some("ok"), Some(1)),
            run("downloading", Some(0), Some("ok"), Some(1)),
            run("indexing", None, None, None), // still running: out
            run("indexing", Some(5000), Some("ok"), Some(7 * DAY + 1)), // too old: out
        ];
        let out = stage_latency(&rows, Window::seven_days(), now());
        let names: Vec<_> = out.iter().map(|s| s.stage.as_str()).collect();
        assert_eq!(names, ["transcription", "metadata", "downloading"]);
        let t = &out[0];
        assert_eq!((t.runs, t.failures, t.total_ms), (2, 1, 400.0));
        assert_eq!((t.avg_ms, t.p50_ms), (Some(200.0), Some(200.0)));
        assert_eq!(t.share_pct, Some(80.0));
        assert_eq!(out[1].share_pct, Some(20.0));
        assert_eq!(
            (out[2].runs, out[2].total_ms, out[2].share_pct),
            (1, 0.0, Some(0.0))
        );
    }

    #[test]
    fn all_zero_durations_have_no_share_and_tie_on_name() {
        let rows = [
            run("b_stage", Some(0), Some("ok"), Some(1)),
            run("a_stage", Some(0), Some("ok"), Some(1)),
        ];
        let out = stage_latency(&rows, Window::seven_days(), now());
        assert_eq!(out[0].stage, "a_stage");
        assert_eq!((out[0].share_pct, out[1].share_pct), (None, None));
        assert_eq!(out[0].p99_ms, Some(0.0));
    }
}
