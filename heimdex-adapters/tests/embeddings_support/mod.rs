//! The installed all-MiniLM-L6-v2, loaded once per test binary.
//!
//! Without the model (`scripts/setup-embeddings` not run) the tests that need it are skipped with
//! a note, except under CI (env `CI` set), where they fail and name the set-up script.

#![allow(dead_code)]

use std::sync::OnceLock;

use heimdex_adapters::embeddings::{EmbedError, TextEmbedder};

/// The embedder, or `None` (after printing why) when the model is not installed outside CI.
pub fn embedder() -> Option<TextEmbedder> {
    static EMBEDDER: OnceLock<Option<TextEmbedder>> = OnceLock::new();
    EMBEDDER
        .get_or_init(|| match TextEmbedder::load_default() {
            Ok(embedder) => Some(embedder),
            Err(err @ EmbedError::ModelMissing { .. }) if std::env::var_os("CI").is_none() => {
                eprintln!("skipped: {err}");
                None
            }
            Err(err) => panic!("cannot load the embedding model: {err}"),
        })
        .clone()
}

/// Embeds `texts` with `embedder`.
pub async fn embed(embedder: &TextEmbedder, texts: &[&str]) -> Vec<Vec<f32>> {
    let texts: Vec<String> = texts.iter().map(|t| (*t).to_owned()).collect();
    embedder.embed(&texts).await.unwrap()
}
