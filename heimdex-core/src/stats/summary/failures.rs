//! Failures by stage: where FAILED videos stopped.

use std::collections::HashMap;

use crate::query::{StageFailures, Window};
use crate::record::VideoRecord;
use crate::status::VideoStatus;
use crate::time::Timestamp;

/// The stage reported for a FAILED video whose `processing_stage` is null.
pub const UNKNOWN_STAGE: &str = "unknown";

/// FAILED videos grouped by the stage that failed (docs/spec.md#failures-by-stage).
///
/// Population: status FAILED and `processing_finished_at >= now - N days` (a FAILED row without a
/// finish time is not in any window). Group by `coalesce(processing_stage, 'unknown')`;
/// `failure_count` = rows in the group, `failure_pct` = count / population · 100. Ordered by count
/// descending, then stage name ascending by bytes (SQL: `COLLATE "C"`, so `_` sorts the same in
/// every store).
///
/// SQL equivalent:
/// ```sql
/// SELECT coalesce(processing_stage, 'unknown') AS processing_stage,
///        count(*) AS failure_count,
///        count(*)::float8 / sum(count(*)) OVER () * 100 AS failure_pct
/// FROM videos
/// WHERE status = 'FAILED' AND processing_finished_at >= now() - make_interval(days => N)
/// GROUP BY 1
/// ORDER BY failure_count DESC, processing_stage COLLATE "C" ASC;
/// ```
pub fn failures_by_stage(
    videos: &[VideoRecord],
    window: Window,
    now: Timestamp,
) -> Vec<StageFailures> {
    let mut counts: HashMap<&str, u64> = HashMap::new();
    let mut total = 0u64;
    for v in videos {
        let in_window = v
            .processing_finished_at
            .is_some_and(|f| window.contains(f, now));
        if v.status != VideoStatus::Failed || !in_window {
            continue;
        }
        total += 1;
        *counts
            .entry(v.processing_stage.as_deref().unwrap_or(UNKNOWN_STAGE))
            .or_default() += 1;
    }
    let mut rows: Vec<StageFailures> = counts
        .into_iter()
        .map(|(stage, count)| StageFailures {
            processing_stage: stage.to_owned(),
            failure_count: count,
            failure_pct: count as f64 / total as f64 * 100.0,
        })
        .collect();
    rows.sort_by(|a, b| {
        b.failure_count
            .cmp(&a.failure_count)
            .then_with(|| a.processing_stage.cmp(&b.processing_stage))
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{now, timed, video, DAY};
    use super::*;
    use crate::status::VideoStatus::{Failed, Ready};

    fn failed_at(n: u128, stage: Option<&str>, minutes_ago: i64) -> VideoRecord {
        let mut v = timed(
            n,
            Failed,
            [minutes_ago + 2, minutes_ago + 1, minutes_ago],
            1,
            None,
        );
        v.processing_stage = stage.map(str::to_owned);
        v
    }

    #[test]
    fn groups_by_stage_ordered_by_count_then_name() {
        let rows = [
            failed_at(1, Some("transcription"), 0),
            failed_at(2, Some("transcription"), 5),
            failed_at(3, Some("scene_detection"), 5),
            failed_at(4, Some("metadata"), 5),
            failed_at(5, None, 5),
            timed(6, Ready, [3, 2, 1], 1, None),
        ];
        let out = failures_by_stage(&rows, Window::thirty_days(), now());
        let names: Vec<_> = out.iter().map(|r| r.processing_stage.as_str()).collect();
        assert_eq!(
            names,
            ["transcription", "metadata", "scene_detection", "unknown"]
        );
        assert_eq!(out[0].failure_count, 2);
        assert_eq!(out[0].failure_pct, 40.0);
        assert_eq!(out[3].failure_pct, 20.0);
    }

    #[test]
    fn name_ties_sort_by_bytes() {
        let rows = [failed_at(1, Some("ab"), 0), failed_at(2, Some("a_b"), 0)];
        let out = failures_by_stage(&rows, Window::seven_days(), now());
        assert_eq!(out[0].processing_stage, "a_b"); // '_' (0x5f) < 'b' (0x62)
    }

    #[test]
    fn rows_without_finish_time_or_outside_the_window_are_left_out() {
        let mut no_finish = video(1, Failed);
        no_finish.processing_stage = Some("metadata".into());
        let rows = [no_finish, failed_at(2, Some("indexing"), 7 * DAY + 1)];
        assert!(failures_by_stage(&rows, Window::seven_days(), now()).is_empty());
        let single = failures_by_stage(
            &[failed_at(3, Some("x"), 7 * DAY)],
            Window::seven_days(),
            now(),
        );
        assert_eq!((single[0].failure_count, single[0].failure_pct), (1, 100.0));
    }
}
