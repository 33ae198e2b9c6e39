//! Every metric of the embedded store equals the core's summaries computed over *all* rows (the
//! naive reference), on a random dataset of 10,000 videos over 400 days with rows placed exactly
//! on and just outside each window's start and with tied timestamps. This is what proves the SQL
//! pre-filters never drop a row a metric counts.

mod embedded_support;

use chrono::TimeDelta;
use embedded_support::{pinned, same_json, t0, TempDir};
use heimdex_core::record::{Dataset, SearchRecord, StageTimingRecord, UserProfile, VideoRecord};
use heimdex_core::testkit::Import;
use heimdex_core::time::Timestamp;
use heimdex_core::{
    stats, Bucket, Page, SearchId, StageName, UserId, UserSort, VideoId, VideoStatus, Window,
};
use heimdex_core::{PerformanceMetrics, UsageMetrics};
use heimdex_embedded::EmbeddedStore;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const WINDOWS: [u16; 4] = [1, 7, 30, 365];

fn at_micros(rng: &mut StdRng, max_days: i64) -> Timestamp {
    t0() - TimeDelta::microseconds(rng.gen_range(0..max_days * 86_400_000_000))
}

/// One of the window starts, exactly or one microsecond before (edge cases), else random.
fn instant(rng: &mut StdRng) -> Timestamp {
    if rng.gen_bool(0.05) {
        let w = WINDOWS[rng.gen_range(0..WINDOWS.len())];
        let edge = Window::new(w).unwrap().start(t0());
        if rng.gen_bool(0.5) {
            edge
        } else {
            edge - TimeDelta::microseconds(1)
        }
    } else {
        at_micros(rng, 400)
    }
}

fn maybe<T>(keep: bool, v: T) -> Option<T> {
    keep.then_some(v)
}

fn dataset(seed: u64, videos: usize) -> Dataset {
    let mut rng = StdRng::seed_from_u64(seed);
    let profiles: Vec<UserProfile> = (0..60)
        .map(|i| UserProfile {
            user_id: UserId::new_v4(),
            full_name: format!("user {i}"),
            created_at: t0(),
            updated_at: t0(),
        })
        .collect();
    let stages = [
        "downloading",
        "metadata",
        "transcription",
        "indexing",
        "ocr_v2",
    ];
    let mut data = Dataset {
        profiles,
        ..Dataset::default()
    };
    for _ in 0..videos {
        let owner = data.profiles[rng.gen_range(0..50)].user_id; // the last 10 users have no videos
        let finished = instant(&mut rng);
        let mut v = VideoRecord::pending(
            VideoId::new_v4(),
            owner,
            "/v.mp4",
            finished - TimeDelta::days(1),
        );
        v.status = [
            VideoStatus::Ready,
            VideoStatus::Ready,
            VideoStatus::Failed,
            VideoStatus::Pending,
            VideoStatus::Processing,
        ][rng.gen_range(0..5)];
        v.updated_at = if rng.gen_bool(0.2) {
            instant(&mut rng)
        } else {
            finished
        };
        v.duration_s = maybe(
            rng.gen_bool(0.9),
            [0.0, rng.gen_range(1.0..7200.0)][usize::from(rng.gen_bool(0.95))],
        );
        if v.status.is_finished() || rng.gen_bool(0.1) {
            let ms = rng.gen_range(0..10_000_000);
            v.processing_finished_at = maybe(rng.gen_bool(0.9), finished);
            v.processing_started_at =
                maybe(rng.gen_bool(0.9), finished - TimeDelta::milliseconds(ms));
            v.queued_at = maybe(
                rng.gen_bool(0.9),
                finished - TimeDelta::milliseconds(ms + rng.gen_range(0..600_000)),
            );
            v.processing_duration_ms = maybe(rng.gen_bool(0.9), ms as i32);
            v.processing_attempt = Some(1);
        }
        v.processing_stage = maybe(
            rng.gen_bool(0.8),
            stages[rng.gen_range(0..stages.len())].to_string(),
        );
        if v.processing_finished_at.is_some() && rng.gen_bool(0.3) {
            let stage = StageName::new(stages[rng.gen_range(0..stages.len())]).unwrap();
            let end = instant(&mut rng);
            data.stage_timings.push(StageTimingRecord {
                video_id: v.id,
                attempt: 1,
                stage,
                started_at: end - TimeDelta::seconds(5),
                finished_at: maybe(rng.gen_bool(0.9), end),
                duration_ms: maybe(rng.gen_bool(0.95), rng.gen_range(0..100_000)),
                outcome: Some(["ok", "failed"][rng.gen_range(0..2)].into()),
                error: None,
            });
        }
        data.videos.push(v);
    }
    for i in 0..5_000 {
        let user = (i % 7 != 0).then(|| data.profiles[rng.gen_range(0..55)].user_id);
        data.searches.push(SearchRecord {
            id: SearchId::new_v4(),
            user_id: user,
            video_id: None,
            query_text: format!("q{i}"),
            results_count: Some(3),
            latency_ms: maybe(rng.gen_bool(0.9), rng.gen_range(1..2_000)),
            created_at: instant(&mut rng),
        });
    }
    // One heavy searcher with 70 searches older than the detail's 7-day window: 40 newer ones,
    // then 20 tied on one instant (the 41st to 60th latest, straddling the 50th), then 10 older.
    let heavy = data.profiles[0].user_id;
    let base = t0() - TimeDelta::days(8);
    for i in 0..70 {
        let created_at = match i {
            0..40 => base - TimeDelta::hours(i),
            40..60 => base - TimeDelta::hours(50),
            _ => base - TimeDelta::hours(i + 10),
        };
        data.searches.push(SearchRecord {
            id: SearchId::new_v4(),
            user_id: Some(heavy),
            video_id: None,
            query_text: "tie".into(),
            results_count: None,
            latency_ms: Some(i as i32),
            created_at,
        });
    }
    data
}

#[tokio::test]
async fn every_metric_equals_the_core_summary_over_all_rows() {
    let dir = TempDir::new();
    let store = EmbeddedStore::open_with(&dir.db(), pinned(t0()))
        .await
        .unwrap();
    let data = dataset(7, 10_000);
    store.import(&data).await.unwrap();
    let (v, s, p, now) = (&data.videos, &data.searches, &data.profiles, t0());
    let check =
        |what: String, got: Result<(), String>| got.unwrap_or_else(|e| panic!("{what}: {e}"));

    check(
        "overview".into(),
        same_json(
            &store.overview().await.unwrap(),
            &stats::overview(v, s, now),
        ),
    );
    for days in WINDOWS {
        let w = Window::new(days).unwrap();
        check(
            format!("latency {w}"),
            same_json(&store.latency(w).await.unwrap(), &stats::latency(v, w, now)),
        );
        check(
            format!("rtf {w}"),
            same_json(&store.rtf(w).await.unwrap(), &stats::rtf(v, w, now)),
        );
        check(
            format!("queue {w}"),
            same_json(&store.queue(w).await.unwrap(), &stats::queue(v, w, now)),
        );
        check(
            format!("failures {w}"),
            same_json(
                &store.failures_by_stage(w).await.unwrap(),
                &stats::failures_by_stage(v, w, now),
            ),
        );
        check(
            format!("throughput {w}"),
            same_json(
                &store.throughput(w, Bucket::Day).await.unwrap(),
                &stats::throughput(v, w, now),
            ),
        );
        check(
            format!("throughput_v2 {w}"),
            same_json(
                &store.throughput_v2(w).await.unwrap(),
                &stats::throughput_v2(v, w, now),
            ),
        );
        check(
            format!("search {w}"),
            same_json(
                &store.search_series(w, Bucket::Day).await.unwrap(),
                &stats::search_series(s, w, now),
            ),
        );
        check(
            format!("stages {w}"),
            same_json(
                &store.stage_latency(w).await.unwrap(),
                &stats::stage_latency(&data.stage_timings, w, now),
            ),
        );
        for sort in UserSort::ALL {
            for page in [Page::new(1, 100).unwrap(), Page::new(2, 7).unwrap()] {
                let got = store.users(w, page, sort).await.unwrap();
                check(
                    format!("users {w} {sort} {page:?}"),
                    same_json(&got, &stats::users(p, v, s, w, page, sort, now)),
                );
            }
        }
    }
    for profile in p.iter().take(12).chain(p.iter().rev().take(3)) {
        let got = store.user_detail(profile.user_id).await.unwrap();
        check(
            format!("detail {}", profile.full_name),
            same_json(&got, &stats::user_detail(profile, v, s, now)),
        );
    }
}
