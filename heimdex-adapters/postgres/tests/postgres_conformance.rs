//! The core's conformance suites against PostgreSQL: the golden data (docs/spec.md#golden-data)
//! through the metric functions, the timing sink, and random data sets (10,000 videos over 400
//! days, with nulls, failures and zero durations) answered exactly as the in-memory store answers
//! them.

use heimdex_testsupport as support;

use std::time::Instant;

use heimdex_core::memory::MemoryStore;
use heimdex_core::testkit::Import;
use heimdex_core::testkit::{
    assert_same_answers, metrics_conformance, random_dataset, scenes_conformance, sink_conformance,
};
use heimdex_core::Window;
use support::pg::TestDb;

#[tokio::test]
async fn golden_data_gives_the_contract_numbers() {
    let db = TestDb::new().await;
    metrics_conformance(&db.store()).await;
}

#[tokio::test]
async fn the_timing_sink_follows_the_contract() {
    let db = TestDb::new().await;
    sink_conformance(&db.store()).await;
}

#[tokio::test]
async fn scenes_are_replaced_never_duplicated() {
    let db = TestDb::new().await;
    scenes_conformance(&db.store()).await;
}

/// Every window a caller can ask for that changes the answer's shape: a day, a week, a month,
/// a quarter, a year.
fn windows() -> Vec<Window> {
    [1, 7, 30, 90, 365]
        .map(|d| Window::new(d).unwrap())
        .to_vec()
}

async fn same_as_memory(seed: u64, videos: usize, days: i64) {
    let data = random_dataset(seed, videos, days, heimdex_core::time::now());
    let db = TestDb::new().await;
    let pg = db.store();
    let memory = MemoryStore::new();
    let started = Instant::now();
    pg.import(&data).await.unwrap();
    memory.import(&data).await.unwrap();
    sqlx::query("ANALYZE").execute(db.pool()).await.unwrap();
    let imported = started.elapsed();
    assert_same_answers(&pg, &memory, &windows()).await;
    eprintln!(
        "seed {seed}: {} videos, {} searches, {} stage rows; import {imported:?}, compare {:?}",
        data.videos.len(),
        data.searches.len(),
        data.stage_timings.len(),
        started.elapsed() - imported
    );
}

#[tokio::test]
async fn ten_thousand_random_videos_over_400_days_agree_with_the_memory_store() {
    same_as_memory(1, 10_000, 400).await;
}

#[tokio::test]
async fn small_random_data_sets_agree_with_the_memory_store() {
    // Small sets put few rows in each group, where ties, single values and empty windows happen.
    for seed in 2..6 {
        same_as_memory(seed, 60, 40).await;
    }
}
