//! all-MiniLM-L6-v2 through candle: real semantic embeddings, the same numbers as
//! sentence-transformers.

mod embeddings_support;

use embeddings_support::{embed, embedder};
use heimdex_core::{FailureKind, StageError};
use heimdex_models::embeddings::{cosine, EmbedError, TextEmbedder, EMBEDDING_DIM};

#[tokio::test]
async fn a_sentence_is_closer_to_its_paraphrase_than_to_an_unrelated_one() {
    let embedder = embedder();
    let v = embed(
        &embedder,
        &[
            "a dog runs in the park",
            "a puppy playing outside",
            "quarterly tax report",
        ],
    )
    .await;
    let (paraphrase, unrelated) = (cosine(&v[0], &v[1]), cosine(&v[0], &v[2]));
    assert!(
        paraphrase > unrelated + 0.2,
        "paraphrase {paraphrase:.4}, unrelated {unrelated:.4}"
    );
}

#[tokio::test]
async fn embeddings_are_384_floats_of_unit_length() {
    let embedder = embedder();
    let texts = ["Hello, world!", "", "Ünïcödé and émojis 🎬 still embed."];
    for (text, v) in texts.iter().zip(embed(&embedder, &texts).await) {
        assert_eq!(v.len(), EMBEDDING_DIM, "{text:?}");
        assert!(v.iter().all(|x| x.is_finite()), "{text:?}");
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-5, "{text:?}: norm {norm}");
    }
}

#[tokio::test]
async fn a_sentence_embeds_the_same_in_a_batch_as_alone() {
    let embedder = embedder();
    let sentence = "The quick brown fox jumps over the lazy dog.";
    let alone = embed(&embedder, &[sentence]).await.remove(0);
    // A longer and a shorter neighbour make the batch pad this sentence on one side of it.
    let batch = embed(
        &embedder,
        &[
            "Short.",
            sentence,
            "A considerably longer sentence, which forces padding of every other sentence in \
             this batch to its own length.",
        ],
    )
    .await;
    let diff = alone
        .iter()
        .zip(&batch[1])
        .map(|(a, b)| (a - b).abs())
        .fold(0f32, f32::max);
    assert!(diff < 1e-5, "largest difference {diff}");
    // Small batches of two give the same answer as one batch of three.
    let split = embed(&embedder.clone().with_batch_size(2), &[sentence, "Short."]).await;
    let diff = split[0]
        .iter()
        .zip(&alone)
        .map(|(a, b)| (a - b).abs())
        .fold(0f32, f32::max);
    assert!(diff < 1e-5, "largest difference with batch size 2: {diff}");
}

/// The similarity matrix sentence-transformers' README prints for these three sentences with
/// all-MiniLM-L6-v2 (`model.similarity(embeddings, embeddings)`, four decimals). Matching it
/// checks the whole path against the Python package: tokenizer, weights, encoder, pooling and
/// normalisation.
#[tokio::test]
async fn reproduces_the_similarities_sentence_transformers_publishes() {
    let embedder = embedder();
    let v = embed(
        &embedder,
        &[
            "The weather is lovely today.",
            "It's so sunny outside!",
            "He drove to the stadium.",
        ],
    )
    .await;
    let published = [(0, 1, 0.6660f32), (0, 2, 0.1046), (1, 2, 0.1411)];
    for (i, j, want) in published {
        let got = cosine(&v[i], &v[j]);
        eprintln!("similarity({i}, {j}) = {got:.5} (published {want:.4})");
        assert!(
            (got - want).abs() < 1e-4,
            "similarity({i}, {j}) = {got:.5}, sentence-transformers prints {want:.4}"
        );
    }
}

#[tokio::test]
async fn no_texts_give_no_vectors() {
    let embedder = embedder();
    assert!(embedder.embed(&[]).await.unwrap().is_empty());
}

#[test]
fn a_missing_model_is_a_model_failure_naming_the_setup_script() {
    let empty = std::env::temp_dir().join(format!("heimdex-no-model-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let err = TextEmbedder::load(&empty).unwrap_err();
    std::fs::remove_dir_all(&empty).unwrap();
    assert!(matches!(err, EmbedError::ModelMissing { .. }), "{err:?}");
    let stage: StageError = err.into();
    assert_eq!(stage.kind, FailureKind::Model);
    assert!(
        stage.message.contains("scripts/setup-embeddings"),
        "{}",
        stage.message
    );
}

#[test]
fn a_stopped_run_embeds_no_further_batch_and_an_unstopped_one_embeds_all() {
    use std::sync::atomic::AtomicBool;
    let embedder = embedder().with_batch_size(1);
    let texts: Vec<String> = ["one", "two", "three"].map(String::from).to_vec();
    let stopped = embedder.embed_blocking_until(&texts, &AtomicBool::new(true));
    assert!(
        matches!(&stopped, Err(EmbedError::Task(m)) if m.contains("cancelled")),
        "{stopped:?}"
    );
    let all = embedder
        .embed_blocking_until(&texts, &AtomicBool::new(false))
        .unwrap();
    assert_eq!(all.len(), 3);
}
