//! Embedding throughput: a batch of 64 short sentences and one of 64 scene-length transcript
//! slices. Ignored by default (it measures, it asserts nothing about time); run it in release:
//!
//! `cargo test --release -p heimdex-adapters --features embeddings --test embeddings_speed -- --ignored --nocapture`

mod embeddings_support;

use std::time::Instant;

use embeddings_support::embedder;
use heimdex_models::embeddings::TextEmbedder;

const SUBJECTS: [&str; 8] = [
    "The reporter",
    "A small dog",
    "Our guest",
    "The old man",
    "The children",
    "A nurse",
    "The team",
    "My neighbour",
];
const ACTIONS: [&str; 8] = [
    "walks along the river at dawn",
    "explains the new tax rules",
    "cooks dinner for the whole family",
    "repairs a bicycle in the garage",
    "reads the morning news aloud",
    "plays football in the rain",
    "describes the storm that hit the coast",
    "shows how the engine works",
];

/// 64 different short sentences (10–14 tokens each).
fn sentences() -> Vec<String> {
    (0..64)
        .map(|i| format!("{} {}.", SUBJECTS[i % 8], ACTIONS[(i / 8 + i) % 8]))
        .collect()
}

/// 64 scene-length slices: ten sentences each (about 120 tokens).
fn slices() -> Vec<String> {
    let all = sentences();
    (0..64)
        .map(|i| {
            (0..10)
                .map(|k| all[(i * 7 + k * 3) % 64].as_str())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// Texts per second for `texts`: the best of five runs after a warm-up.
fn rate(embedder: &TextEmbedder, texts: &[String]) -> f64 {
    embedder.embed_blocking(texts).unwrap();
    let best = (0..5)
        .map(|_| {
            let start = Instant::now();
            let out = embedder.embed_blocking(texts).unwrap();
            assert_eq!(out.len(), texts.len());
            start.elapsed().as_secs_f64()
        })
        .fold(f64::MAX, f64::min);
    texts.len() as f64 / best
}

#[test]
#[ignore = "a measurement: run in release with --ignored --nocapture"]
fn sentences_per_second_for_a_batch_of_64() {
    let start = Instant::now();
    let embedder = embedder();
    let load = start.elapsed().as_secs_f64();
    println!(
        "cores: {}, model load: {load:.2} s",
        std::thread::available_parallelism().unwrap()
    );
    for batch_size in [8, 16, 32, 64] {
        let embedder = embedder.clone().with_batch_size(batch_size);
        println!(
            "batch size {batch_size}: 64 short sentences {:.0}/s, 64 scene slices (~120 tokens) {:.1}/s",
            rate(&embedder, &sentences()),
            rate(&embedder, &slices()),
        );
    }
}
