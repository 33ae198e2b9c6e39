//! The embedded store's metrics on the contract's golden data (§6), on a real SQLite file.

mod embedded_support;

use chrono::TimeDelta;
use embedded_support::{pinned, t0, TempDir};
use heimdex_core::record::{Dataset, SearchRecord, StageTimingRecord, UserProfile, VideoRecord};
use heimdex_core::testkit::Import;
use heimdex_core::time::Timestamp;
use heimdex_core::{
    Bucket, Error, MetricsQuery, Page, SearchId, StageName, UserId, UserSort, VideoId, VideoStatus,
    Window,
};
use heimdex_core::{PerformanceMetrics, UsageMetrics};
use heimdex_embedded::EmbeddedStore;
use uuid::Uuid;

fn ago(days: i64, minutes: i64) -> Timestamp {
    t0() - TimeDelta::days(days) - TimeDelta::minutes(minutes)
}

fn close(actual: Option<f64>, expected: f64) {
    let a = actual.expect("a value, not null");
    assert!(
        (a - expected).abs() <= 1e-9 * expected.abs().max(1.0),
        "{a} != {expected}"
    );
}

const A: UserId = UserId(Uuid::from_u128(0xA));
const B: UserId = UserId(Uuid::from_u128(0xB));
const C: UserId = UserId(Uuid::from_u128(0xC));

fn timed(
    n: u128,
    status: VideoStatus,
    dur: Option<f64>,
    [q, s, f]: [Timestamp; 3],
    ms: i32,
    stage: &str,
) -> VideoRecord {
    let mut v = VideoRecord::pending(
        VideoId(Uuid::from_u128(n)),
        A,
        format!("/v{n}.mp4"),
        ago(10, 0),
    );
    v.status = status;
    v.duration_s = dur;
    v.updated_at = f;
    v.queued_at = Some(q);
    v.processing_started_at = Some(s);
    v.processing_finished_at = Some(f);
    v.processing_duration_ms = Some(ms);
    v.processing_stage = Some(stage.into());
    v.processing_attempt = Some(1);
    v
}

fn search(n: u128, user: Option<UserId>, latency: i32, at: Timestamp) -> SearchRecord {
    SearchRecord {
        id: SearchId(Uuid::from_u128(n)),
        user_id: user,
        video_id: None,
        query_text: format!("q{n}"),
        results_count: Some(1),
        latency_ms: Some(latency),
        created_at: at,
    }
}

/// Contract §6, times relative to [`t0`].
fn golden() -> Dataset {
    let profile = |user_id, name: &str| UserProfile {
        user_id,
        full_name: name.into(),
        created_at: ago(30, 0),
        updated_at: ago(30, 0),
    };
    let mut v4 = VideoRecord::pending(VideoId(Uuid::from_u128(4)), B, "/v4.mp4", ago(5, 0));
    v4.filename = Some("v4.mp4".into());
    Dataset {
        profiles: vec![profile(A, "Alice"), profile(B, "Bob"), profile(C, "Carol")],
        videos: vec![
            timed(
                1,
                VideoStatus::Ready,
                Some(3600.0),
                [ago(2, 60), ago(2, 50), ago(2, 0)],
                3_000_000,
                "completed",
            ),
            timed(
                2,
                VideoStatus::Ready,
                Some(1800.0),
                [ago(1, 60), ago(1, 59), ago(1, 0)],
                3_540_000,
                "completed",
            ),
            timed(
                3,
                VideoStatus::Failed,
                None,
                [ago(1, 10), ago(1, 9), ago(1, 8)],
                60_000,
                "transcription",
            ),
            v4,
        ],
        searches: vec![
            search(1, Some(A), 100, ago(1, 0)),
            search(2, Some(A), 300, ago(2, 0)),
            search(3, Some(A), 1000, ago(20, 0)),
            search(4, None, 50, ago(3, 0)),
        ],
        stage_timings: vec![StageTimingRecord {
            video_id: VideoId(Uuid::from_u128(3)),
            attempt: 1,
            stage: StageName::TRANSCRIPTION,
            started_at: ago(1, 9),
            finished_at: Some(ago(1, 8)),
            duration_ms: Some(60_000),
            outcome: Some("failed".into()),
            error: Some("boom".into()),
        }],
    }
}

async fn golden_store(dir: &TempDir) -> EmbeddedStore {
    let store = EmbeddedStore::open_with(&dir.db(), pinned(t0()))
        .await
        .unwrap();
    store.import(&golden()).await.unwrap();
    store
}

#[tokio::test]
async fn overview_matches_the_golden_data() {
    let dir = TempDir::new();
    let o = golden_store(&dir).await.overview().await.unwrap();
    assert_eq!(
        (o.videos_ready_total, o.videos_failed_total, o.videos_total),
        (2, 1, 4)
    );
    close(Some(o.failure_rate_pct), 25.0);
    close(Some(o.hours_ready_total), 1.5);
    assert_eq!((o.searches_7d, o.searches_30d), (3, 4));
    close(o.avg_search_latency_ms_7d, 150.0);
    close(o.avg_search_latency_ms_30d, 362.5);
}

#[tokio::test]
async fn latency_rtf_and_queue_match_the_golden_data() {
    let dir = TempDir::new();
    let store = golden_store(&dir).await;
    let w = Window::thirty_days();
    let l = store.latency(w).await.unwrap();
    assert_eq!(l.videos_measured, 3);
    close(l.avg_processing_ms, 2_200_000.0);
    close(l.p50_processing_ms, 3_000_000.0);
    close(l.p95_processing_ms, 3_486_000.0);
    close(l.p99_processing_ms, 3_529_200.0);
    close(l.avg_queue_ms, 240_000.0);
    close(l.avg_total_ms, 2_440_000.0);

    let r = store.rtf(w).await.unwrap();
    let (lo, hi) = (3000.0 / 3600.0, 3540.0 / 1800.0);
    assert_eq!(r.videos_measured, 2);
    close(r.avg_rtf, 1.4);
    close(r.p50_rtf, 1.4);
    close(r.p95_rtf, 1.91);
    close(r.p99_rtf, lo + 0.99 * (hi - lo));
    close(r.avg_video_duration_s, 2700.0);
    close(r.avg_processing_duration_s, 3270.0);

    let q = store.queue(w).await.unwrap();
    assert_eq!(q.videos_measured, 3);
    close(q.avg_queue_time_s, 240.0);
    close(q.avg_processing_time_s, 2200.0);
    close(q.avg_total_time_s, 2440.0);
    close(q.queue_time_pct, 9.836065573770492);
    close(q.processing_time_pct, 90.1639344262295);
}

#[tokio::test]
async fn failures_and_throughput_match_the_golden_data() {
    let dir = TempDir::new();
    let store = golden_store(&dir).await;
    let f = store
        .failures_by_stage(Window::thirty_days())
        .await
        .unwrap();
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0].processing_stage.as_str(), f[0].failure_count),
        ("transcription", 1)
    );
    close(Some(f[0].failure_pct), 100.0);

    let t = store.throughput_v2(Window::thirty_days()).await.unwrap();
    let days: Vec<_> = t
        .iter()
        .map(|p| (p.day, p.videos_ready, p.videos_failed))
        .collect();
    assert_eq!(
        days,
        [
            (ago(1, 0).date_naive(), 1, 1),
            (ago(2, 0).date_naive(), 1, 0)
        ]
    );
    close(Some(t[0].hours_ready), 0.5);
    close(t[0].avg_processing_s, 3540.0);
    close(t[0].avg_rtf, 3540.0 / 1800.0);
    close(Some(t[1].hours_ready), 1.0);
    close(t[1].avg_processing_s, 3000.0);
    close(t[1].avg_rtf, 3000.0 / 3600.0);

    let v1 = store
        .throughput(Window::thirty_days(), Bucket::Day)
        .await
        .unwrap();
    let got: Vec<_> = v1
        .iter()
        .map(|p| (p.day, p.videos_ready, p.hours_ready))
        .collect();
    assert_eq!(
        got,
        [
            (ago(2, 0).date_naive(), 1, 1.0),
            (ago(1, 0).date_naive(), 1, 0.5)
        ]
    );
    assert!(
        store
            .throughput_v2(Window::new(1).unwrap())
            .await
            .unwrap()
            .len()
            == 1
    );
}

#[tokio::test]
async fn users_and_user_detail_match_the_golden_data() {
    let dir = TempDir::new();
    let store = golden_store(&dir).await;
    let page = store
        .users(
            Window::seven_days(),
            Page::default(),
            UserSort::LastActivity,
        )
        .await
        .unwrap();
    assert_eq!(page.total_users, 3);
    let rows: Vec<_> = page
        .items
        .iter()
        .map(|u| {
            (
                u.full_name.as_str(),
                u.videos_total,
                u.videos_ready,
                u.hours_ready,
                u.searches_7d,
                u.avg_latency_ms_7d,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("Alice", 3, 2, 1.5, 2, Some(200.0)),
            ("Bob", 1, 0, 0.0, 0, None),
            ("Carol", 0, 0, 0.0, 0, None)
        ]
    );
    assert_eq!(page.items[0].last_activity, Some(ago(1, 0)));
    assert_eq!(page.items[1].last_activity, Some(ago(5, 0)));
    assert_eq!(page.items[2].last_activity, None);

    let detail = store.user_detail(A).await.unwrap();
    assert_eq!(detail.summary, page.items[0]);
    let videos: Vec<_> = detail
        .recent_videos
        .iter()
        .map(|v| v.id.0.as_u128())
        .collect();
    assert_eq!(videos, [2, 3, 1]);
    let searches: Vec<_> = detail
        .recent_searches
        .iter()
        .map(|s| s.latency_ms)
        .collect();
    assert_eq!(searches, [Some(100), Some(300), Some(1000)]);

    let err = store.user_detail(UserId::new_v4()).await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
}

#[tokio::test]
async fn search_series_and_stage_latency_read_their_own_tables() {
    let dir = TempDir::new();
    let store = golden_store(&dir).await;
    let series = store
        .search_series(Window::seven_days(), Bucket::Day)
        .await
        .unwrap();
    let got: Vec<_> = series
        .iter()
        .map(|p| (p.day, p.searches, p.avg_latency_ms))
        .collect();
    assert_eq!(
        got,
        [
            (ago(3, 0).date_naive(), 1, Some(50.0)),
            (ago(2, 0).date_naive(), 1, Some(300.0)),
            (ago(1, 0).date_naive(), 1, Some(100.0))
        ]
    );

    let stages = store.stage_latency(Window::seven_days()).await.unwrap();
    assert_eq!(stages.len(), 1);
    assert_eq!(
        (stages[0].stage.as_str(), stages[0].runs, stages[0].failures),
        ("transcription", 1, 1)
    );
    close(stages[0].p95_ms, 60_000.0);
    assert!(store
        .stage_latency(Window::new(1).unwrap())
        .await
        .unwrap()
        .is_empty());
    store.ping().await.unwrap();
}
