//! The answers docs/spec.md#golden-data expects from the golden rows. Every number is the spec's
//! literal;
//! only calendar days (and which rows share one) come from the rows' own timestamps, so the
//! answers hold at any time of day.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{Golden, ALICE, BOB, CAROL, V1, V2, V3, V4};
use crate::ids::UserId;
use crate::query::{
    LatencySummary, Overview, QueueSummary, RecentSearch, RecentVideo, RtfSummary, SearchPoint,
    StageFailures, StageLatency, ThroughputPoint, ThroughputV2Point, UserDetail, UserSummary,
    Window,
};

/// v2's RTF: 3540 s of processing for 1800 s of media.
const RTF_V2: f64 = 1.966_666_666_666_666_7;
/// v1's RTF: 3000 s of processing for 3600 s of media.
const RTF_V1: f64 = 0.833_333_333_333_333_4;

impl Golden {
    /// Overview (all time; searches over 7 and 30 days).
    pub fn expected_overview() -> Overview {
        Overview {
            videos_ready_total: 2,
            videos_failed_total: 1,
            videos_total: 4,
            failure_rate_pct: 25.0,
            hours_ready_total: 1.5,
            searches_7d: 3,
            avg_search_latency_ms_7d: Some(150.0),
            searches_30d: 4,
            avg_search_latency_ms_30d: Some(362.5),
        }
    }

    /// Latency over 7 or 30 days.
    pub fn expected_latency() -> LatencySummary {
        LatencySummary {
            videos_measured: 3,
            avg_processing_ms: Some(2_200_000.0),
            p50_processing_ms: Some(3_000_000.0),
            p95_processing_ms: Some(3_486_000.0),
            p99_processing_ms: Some(3_529_200.0),
            avg_queue_ms: Some(240_000.0),
            avg_total_ms: Some(2_440_000.0),
        }
    }

    /// RTF over 7 or 30 days.
    pub fn expected_rtf() -> RtfSummary {
        RtfSummary {
            videos_measured: 2,
            avg_rtf: Some(1.4),
            p50_rtf: Some(1.4),
            p95_rtf: Some(1.91),
            p99_rtf: Some(1.955_333_333_333_333_3),
            avg_video_duration_s: Some(2700.0),
            avg_processing_duration_s: Some(3270.0),
        }
    }

    /// Queue analysis over 7 or 30 days.
    pub fn expected_queue() -> QueueSummary {
        QueueSummary {
            videos_measured: 3,
            avg_queue_time_s: Some(240.0),
            avg_processing_time_s: Some(2200.0),
            avg_total_time_s: Some(2440.0),
            queue_time_pct: Some(9.836_065_573_770_492),
            processing_time_pct: Some(90.163_934_426_229_5),
        }
    }

    /// Failures by stage over 7 or 30 days.
    pub fn expected_failures() -> Vec<StageFailures> {
        vec![StageFailures {
            processing_stage: "transcription".into(),
            failure_count: 1,
            failure_pct: 100.0,
        }]
    }

    /// Stage latency over 7 or 30 days (beyond the contract: from the golden stage rows, whose
    /// 6,600,000 ms in all split 5,430,000 / 960,000 / 210,000).
    pub fn expected_stage_latency() -> Vec<StageLatency> {
        let row = |stage: &str, runs, failures, [avg, p50, p95, p99]: [f64; 4], total: f64| {
            StageLatency {
                stage: stage.into(),
                runs,
                failures,
                cancelled: 0,
                avg_ms: Some(avg),
                p50_ms: Some(p50),
                p95_ms: Some(p95),
                p99_ms: Some(p99),
                total_ms: total,
                share_pct: Some(total / 6_600_000.0 * 100.0),
            }
        };
        vec![
            row(
                "transcription",
                3,
                1,
                [1_810_000.0, 2_400_000.0, 2_940_000.0, 2_988_000.0],
                5_430_000.0,
            ),
            row(
                "indexing",
                2,
                0,
                [480_000.0, 480_000.0, 534_000.0, 538_800.0],
                960_000.0,
            ),
            row(
                "downloading",
                3,
                0,
                [70_000.0, 60_000.0, 114_000.0, 118_800.0],
                210_000.0,
            ),
        ]
    }

    /// Throughput v1 over 7 or 30 days: v1 (1.0 h) and v2 (0.5 h) on their completion days.
    pub fn expected_throughput(&self) -> Vec<ThroughputPoint> {
        let mut days = vec![(self.day_of_finish(V1), 1.0), (self.day_of_finish(V2), 0.5)];
        days.sort_by_key(|d| d.0);
        days.into_iter()
            .map(|(day, hours_ready)| ThroughputPoint {
                day,
                videos_ready: 1,
                hours_ready,
            })
            .collect()
    }

    /// Throughput v2 over 7 or 30 days. The contract's rows are day −1d (v2 READY and v3 FAILED:
    /// ready 1, failed 1, 0.5 h, 3540 s, RTF 1.9666…) and day −2d (v1: ready 1, failed 0, 1.0 h,
    /// 3000 s, RTF 0.8333…); v3 finished 8 minutes before v2, so just after midnight UTC it falls on
    /// the day before v2's, and the rows are grouped by the days the timestamps really have.
    pub fn expected_throughput_v2(&self) -> Vec<ThroughputV2Point> {
        let mut days: BTreeMap<NaiveDate, ThroughputV2Point> = BTreeMap::new();
        let mut add = |day: NaiveDate, ready: Option<(f64, f64, f64)>| {
            let p = days.entry(day).or_insert(ThroughputV2Point {
                day,
                videos_ready: 0,
                videos_failed: 0,
                hours_ready: 0.0,
                avg_processing_s: None,
                avg_rtf: None,
            });
            match ready {
                // No golden day has two READY videos, so each average is the one video's value.
                Some((hours, processing_s, rtf)) => {
                    p.videos_ready += 1;
                    p.hours_ready += hours;
                    p.avg_processing_s = Some(processing_s);
                    p.avg_rtf = Some(rtf);
                }
                None => p.videos_failed += 1,
            }
        };
        add(self.day_of_finish(V1), Some((1.0, 3000.0, RTF_V1)));
        add(self.day_of_finish(V2), Some((0.5, 3540.0, RTF_V2)));
        add(self.day_of_finish(V3), None);
        days.into_values().rev().collect()
    }

    /// Search series over 7 or 30 days: one search on each of its days (100, 300 and 50 ms, and
    /// 1000 ms on day −20 in 30 days).
    pub fn expected_search_series(&self, window: Window) -> Vec<SearchPoint> {
        let mut points: Vec<SearchPoint> = self
            .dataset
            .searches
            .iter()
            .filter(|s| window.contains(s.created_at, self.now))
            .map(|s| SearchPoint {
                day: s.created_at.date_naive(),
                searches: 1,
                avg_latency_ms: s.latency_ms.map(f64::from),
            })
            .collect();
        points.sort_by_key(|p| p.day);
        points
    }

    /// The users list over 7 days, sorted by `last_activity` (Bob −3h, Alice −1d, Carol null).
    pub fn expected_users_7d(&self) -> Vec<UserSummary> {
        let v = |id| self.video(id).updated_at;
        let summary = |user_id: UserId,
                       name: &str,
                       counts: (u64, u64, f64),
                       last,
                       searches: (u64, Option<f64>)| UserSummary {
            user_id,
            full_name: name.into(),
            videos_total: counts.0,
            videos_ready: counts.1,
            hours_ready: counts.2,
            last_activity: last,
            searches_7d: searches.0,
            avg_latency_ms_7d: searches.1,
        };
        vec![
            summary(BOB, "Bob", (1, 0, 0.0), Some(v(V4)), (0, None)),
            summary(ALICE, "Alice", (3, 2, 1.5), Some(v(V2)), (2, Some(200.0))),
            summary(CAROL, "Carol", (0, 0, 0.0), None, (0, None)),
        ]
    }

    /// The detail of a golden user (`None` for any other id).
    pub fn expected_user_detail(&self, user: UserId) -> Option<UserDetail> {
        let summary = self
            .expected_users_7d()
            .into_iter()
            .find(|u| u.user_id == user)?;
        let videos = match user {
            u if u == ALICE => vec![V2, V3, V1],
            u if u == BOB => vec![V4],
            _ => vec![],
        };
        let recent_videos = videos
            .into_iter()
            .map(|id| {
                let v = self.video(id);
                RecentVideo {
                    id,
                    filename: v.filename.clone(),
                    status: v.status,
                    duration_s: v.duration_s,
                    updated_at: v.updated_at,
                    error_message: v.error_message.clone(),
                }
            })
            .collect();
        let mut recent_searches: Vec<RecentSearch> = self
            .dataset
            .searches
            .iter()
            .filter(|s| s.user_id == Some(user))
            .map(|s| RecentSearch {
                query_text: s.query_text.clone(),
                created_at: s.created_at,
                latency_ms: s.latency_ms,
                results_count: s.results_count,
                video_id: s.video_id,
            })
            .collect();
        recent_searches.sort_by_key(|s| std::cmp::Reverse(s.created_at));
        Some(UserDetail {
            summary,
            recent_videos,
            recent_searches,
        })
    }

    fn day_of_finish(&self, id: crate::ids::VideoId) -> NaiveDate {
        self.video(id).completed_at().date_naive()
    }
}
