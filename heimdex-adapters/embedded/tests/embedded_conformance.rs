//! The embedded store against the core's conformance suites, and against `MemoryStore` (the
//! reference) on random datasets of 10,000 videos over 400 days.

mod embedded_support;

use embedded_support::TempDir;
use heimdex_core::memory::MemoryStore;
use heimdex_core::testkit::Import;
use heimdex_core::testkit::{
    assert_same_answers, metrics_conformance, random_dataset, scenes_conformance, sink_conformance,
};
use heimdex_core::{time, Window};
use heimdex_embedded::EmbeddedStore;

#[tokio::test]
async fn golden_metrics_conformance_on_a_file() {
    let dir = TempDir::new();
    let store = EmbeddedStore::open(&dir.db()).await.unwrap();
    metrics_conformance(&store).await;
}

#[tokio::test]
async fn golden_metrics_conformance_in_memory() {
    metrics_conformance(&EmbeddedStore::in_memory().await.unwrap()).await;
}

#[tokio::test]
async fn sink_conformance_on_a_file() {
    let dir = TempDir::new();
    let store = EmbeddedStore::open(&dir.db()).await.unwrap();
    sink_conformance(&store).await;
}

#[tokio::test]
async fn sink_conformance_in_memory() {
    sink_conformance(&EmbeddedStore::in_memory().await.unwrap()).await;
}

#[tokio::test]
async fn scenes_conformance_on_a_file() {
    let dir = TempDir::new();
    let store = EmbeddedStore::open(&dir.db()).await.unwrap();
    scenes_conformance(&store).await;
}

const WINDOWS: [u16; 4] = [1, 7, 30, 365];

async fn same_answers_as_memory(seed: u64, videos: usize) {
    let data = random_dataset(seed, videos, 400, time::now());
    let memory = MemoryStore::new();
    memory.import(&data).await.unwrap();
    let dir = TempDir::new();
    let embedded = EmbeddedStore::open(&dir.db()).await.unwrap();
    embedded.import(&data).await.unwrap();
    let windows: Vec<Window> = WINDOWS.map(|d| Window::new(d).unwrap()).to_vec();
    assert_same_answers(&memory, &embedded, &windows).await;
}

#[tokio::test]
async fn same_answers_as_the_memory_store_on_10_000_random_videos() {
    same_answers_as_memory(1, 10_000).await;
}

#[tokio::test]
async fn same_answers_as_the_memory_store_on_another_random_dataset() {
    same_answers_as_memory(0x5eed, 3_000).await;
}
