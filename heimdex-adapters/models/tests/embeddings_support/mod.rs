//! The installed all-MiniLM-L6-v2, loaded once per test binary.
//!
//! Without the model (`scripts/setup-embeddings` not run) the tests that need it fail, naming the
//! set-up script (which `scripts/test` runs for the builds that compile these tests).

#![allow(dead_code)]

use std::sync::OnceLock;

use heimdex_models::embeddings::TextEmbedder;

/// The embedder; the test fails when the model is not installed.
pub fn embedder() -> TextEmbedder {
    static EMBEDDER: OnceLock<TextEmbedder> = OnceLock::new();
    EMBEDDER
        .get_or_init(|| {
            // A missing model's message names scripts/setup-embeddings.
            TextEmbedder::load_default()
                .unwrap_or_else(|err| panic!("cannot load the embedding model: {err}"))
        })
        .clone()
}

/// Embeds `texts` with `embedder`.
pub async fn embed(embedder: &TextEmbedder, texts: &[&str]) -> Vec<Vec<f32>> {
    let texts: Vec<String> = texts.iter().map(|t| (*t).to_owned()).collect();
    embedder.embed(&texts).await.unwrap()
}
