//! The MemoryStore against the golden data (docs/spec.md#golden-data), the sink rules, and a naive
//! reference on random data sets of a few thousand rows.

mod naive;

use heimdex_core::memory::MemoryStore;
use heimdex_core::record::Dataset;
use heimdex_core::testkit::assert::assert_same;
use heimdex_core::testkit::Import;
use heimdex_core::testkit::{
    assert_same_answers, metrics_conformance, random_dataset, scenes_conformance, sink_conformance,
};
use heimdex_core::time::{self, Timestamp};
use heimdex_core::{Bucket, Page, UserSort, Window};
use heimdex_core::{PerformanceMetrics, UsageMetrics};

const WINDOWS: [u16; 5] = [1, 7, 30, 90, 365];

#[tokio::test]
async fn memory_store_answers_the_golden_data_exactly() {
    metrics_conformance(&MemoryStore::new()).await;
}

#[tokio::test]
async fn memory_store_keeps_scenes_by_the_scene_index_rules() {
    scenes_conformance(&MemoryStore::new()).await;
}

#[tokio::test]
async fn memory_store_sink_follows_the_timing_rules() {
    sink_conformance(&MemoryStore::new()).await;
}

async fn loaded(data: &Dataset) -> MemoryStore {
    let store = MemoryStore::new();
    store.import(data).await.expect("import");
    store
}

/// Every metric of `store` against the naive reference over `data`, for every window.
async fn check_against_naive(store: &MemoryStore, data: &Dataset, now: Timestamp) {
    let (p, v, s) = (&data.profiles, &data.videos, &data.searches);
    assert_same(
        &store.overview().await.unwrap(),
        &naive::series::overview(v, s, now),
        "overview",
    );
    for days in WINDOWS {
        let w = Window::new(days).unwrap();
        let what = |m: &str| format!("{m} ({w})");
        assert_same(
            &store.latency(w).await.unwrap(),
            &naive::videos::latency(v, w, now),
            &what("latency"),
        );
        assert_same(
            &store.rtf(w).await.unwrap(),
            &naive::videos::rtf(v, w, now),
            &what("rtf"),
        );
        assert_same(
            &store.queue(w).await.unwrap(),
            &naive::videos::queue(v, w, now),
            &what("queue"),
        );
        let failures = naive::videos::failures_by_stage(v, w, now);
        assert_same(
            &store.failures_by_stage(w).await.unwrap(),
            &failures,
            &what("failures"),
        );
        let tp = naive::series::throughput(v, w, now);
        assert_same(
            &store.throughput(w, Bucket::Day).await.unwrap(),
            &tp,
            &what("throughput"),
        );
        let tp2 = naive::series::throughput_v2(v, w, now);
        assert_same(
            &store.throughput_v2(w).await.unwrap(),
            &tp2,
            &what("throughput v2"),
        );
        let series = naive::series::search_series(s, w, now);
        assert_same(
            &store.search_series(w, Bucket::Day).await.unwrap(),
            &series,
            &what("search series"),
        );
        let stages = naive::series::stage_latency(&data.stage_timings, w, now);
        assert_same(
            &store.stage_latency(w).await.unwrap(),
            &stages,
            &what("stage latency"),
        );
        for sort in UserSort::ALL {
            for page in [
                Page::new(1, 100).unwrap(),
                Page::new(2, 100).unwrap(),
                Page::new(3, 7).unwrap(),
            ] {
                let want = naive::users::users(p, v, s, w, page, sort, now);
                let got = store.users(w, page, sort).await.unwrap();
                assert_same(&got, &want, &format!("users ({w}, {sort}, {page:?})"));
            }
        }
    }
    for profile in p.iter().step_by(7) {
        let got = store.user_detail(profile.user_id).await.unwrap();
        assert_same(
            &got,
            &naive::users::user_detail(profile, v, s, now),
            "user detail",
        );
    }
}

#[tokio::test]
async fn random_data_sets_match_the_naive_reference() {
    for (seed, videos, days) in [(1, 3_000, 60), (2, 2_000, 400), (3, 500, 3)] {
        let data = random_dataset(seed, videos, days, time::now());
        assert!(
            data.videos.len() + data.searches.len() >= 1_500,
            "a few thousand rows"
        );
        let store = loaded(&data).await;
        check_against_naive(&store, &data, time::now()).await;
    }
}

#[tokio::test]
async fn an_empty_store_matches_the_naive_reference() {
    check_against_naive(&MemoryStore::new(), &Dataset::default(), time::now()).await;
}

#[tokio::test]
async fn two_stores_with_the_same_rows_give_the_same_answers() {
    let data = random_dataset(11, 1_500, 45, time::now());
    let windows: Vec<Window> = WINDOWS.iter().map(|&d| Window::new(d).unwrap()).collect();
    assert_same_answers(&loaded(&data).await, &loaded(&data).await, &windows).await;
}

#[tokio::test]
#[should_panic(expected = "differs")]
async fn stores_with_different_rows_are_told_apart() {
    let data = random_dataset(12, 400, 20, time::now());
    let mut fewer = data.clone();
    let gone = fewer
        .videos
        .iter()
        .position(|v| {
            v.processing_duration_ms.is_some()
                && v.status.is_finished()
                && v.processing_finished_at.is_some()
        })
        .unwrap();
    fewer
        .stage_timings
        .retain(|t| t.video_id != fewer.videos[gone].id);
    fewer.videos.remove(gone);
    assert_same_answers(
        &loaded(&data).await,
        &loaded(&fewer).await,
        &[Window::new(30).unwrap()],
    )
    .await;
}
