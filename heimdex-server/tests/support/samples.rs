//! Answers with every field filled (`full`) or every optional field null (`sparse`), served by a
//! mock store, so a response check sees both branches of every nullable field.

use chrono::NaiveDate;
use heimdex_core::query::*;
use heimdex_core::{UserId, VideoId, VideoStatus};

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 12, d).unwrap()
}

fn some<T>(full: bool, v: T) -> Option<T> {
    full.then_some(v)
}

fn summary(full: bool) -> UserSummary {
    UserSummary {
        user_id: UserId::new_v4(),
        full_name: "Alice".into(),
        videos_total: 3,
        videos_ready: 2,
        hours_ready: 1.5,
        last_activity: some(full, heimdex_core::time::now()),
        searches_7d: 2,
        avg_latency_ms_7d: some(full, 200.0),
    }
}

/// A store answering every query with `full` or sparse values.
pub fn store(full: bool) -> MockMetricsQuery {
    let mut m = MockMetricsQuery::new();
    m.expect_overview().returning(move || {
        Ok(Overview {
            videos_ready_total: 2,
            videos_failed_total: 1,
            videos_total: 4,
            failure_rate_pct: 25.0,
            hours_ready_total: 1.5,
            searches_7d: 3,
            avg_search_latency_ms_7d: some(full, 150.0),
            searches_30d: 4,
            avg_search_latency_ms_30d: some(full, 362.5),
        })
    });
    m.expect_throughput().returning(|_, _| {
        Ok(vec![ThroughputPoint {
            day: day(22),
            videos_ready: 1,
            hours_ready: 1.0,
        }])
    });
    m.expect_search_series().returning(move |_, _| {
        Ok(vec![SearchPoint {
            day: day(22),
            searches: 2,
            avg_latency_ms: some(full, 200.0),
        }])
    });
    m.expect_users().returning(move |_, p, _| {
        Ok(UsersPage {
            items: vec![summary(full)],
            page: p.page(),
            page_size: p.page_size(),
            total_users: 3,
        })
    });
    m.expect_user_detail().returning(move |_| {
        Ok(UserDetail {
            summary: summary(full),
            recent_videos: vec![RecentVideo {
                id: VideoId::new_v4(),
                filename: some(full, "a.mp4".into()),
                status: VideoStatus::Failed,
                duration_s: some(full, 3600.0),
                updated_at: heimdex_core::time::now(),
                error_message: some(full, "decode error".into()),
            }],
            recent_searches: vec![RecentSearch {
                query_text: "cats".into(),
                created_at: heimdex_core::time::now(),
                latency_ms: some(full, 100),
                results_count: some(full, 7),
                video_id: some(full, VideoId::new_v4()),
            }],
        })
    });
    m.expect_latency().returning(move |_| {
        Ok(LatencySummary {
            videos_measured: u64::from(full),
            avg_processing_ms: some(full, 2_200_000.0),
            p50_processing_ms: some(full, 3_000_000.0),
            p95_processing_ms: some(full, 3_486_000.0),
            p99_processing_ms: some(full, 3_529_200.0),
            avg_queue_ms: some(full, 240_000.0),
            avg_total_ms: some(full, 2_440_000.0),
        })
    });
    m.expect_rtf().returning(move |_| {
        Ok(RtfSummary {
            videos_measured: u64::from(full),
            avg_rtf: some(full, 1.4),
            p50_rtf: some(full, 1.4),
            p95_rtf: some(full, 1.91),
            p99_rtf: some(full, 1.955),
            avg_video_duration_s: some(full, 2700.0),
            avg_processing_duration_s: some(full, 3270.0),
        })
    });
    m.expect_queue().returning(move |_| {
        Ok(QueueSummary {
            videos_measured: u64::from(full),
            avg_queue_time_s: some(full, 240.0),
            avg_processing_time_s: some(full, 2200.0),
            avg_total_time_s: some(full, 2440.0),
            queue_time_pct: some(full, 9.8),
            processing_time_pct: some(full, 90.2),
        })
    });
    m.expect_failures_by_stage().returning(|_| {
        Ok(vec![StageFailures {
            processing_stage: "transcription".into(),
            failure_count: 1,
            failure_pct: 100.0,
        }])
    });
    m.expect_throughput_v2().returning(move |_| {
        Ok(vec![ThroughputV2Point {
            day: day(22),
            videos_ready: 1,
            videos_failed: 1,
            hours_ready: 0.5,
            avg_processing_s: some(full, 3540.0),
            avg_rtf: some(full, 1.97),
        }])
    });
    m.expect_stage_latency().returning(move |_| {
        Ok(vec![StageLatency {
            stage: "transcription".into(),
            runs: 3,
            failures: 1,
            cancelled: 1,
            avg_ms: some(full, 10.0),
            p50_ms: some(full, 10.0),
            p95_ms: some(full, 10.0),
            p99_ms: some(full, 10.0),
            total_ms: 30.0,
            share_pct: some(full, 50.0),
        }])
    });
    m.expect_ping().returning(move || {
        if full {
            Ok(())
        } else {
            Err(heimdex_core::Error::invalid("down"))
        }
    });
    m
}
