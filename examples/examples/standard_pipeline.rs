//! The standard pipeline in one call: what `heimdex worker` runs, inside your own service.
//!
//! ```text
//! cargo run -p heimdex-examples --example standard_pipeline -- talk.mp4
//! # every stage (FFmpeg, Whisper, embeddings; scripts/setup-whisper and setup-embeddings first):
//! cargo run -p heimdex-examples --example standard_pipeline \
//!     --features "heimdex-adapters/whisper heimdex-adapters/embeddings" -- talk.mp4
//! ```
//!
//! Opens the configured store (PostgreSQL with `DATABASE_URL`, else the embedded file at
//! `HEIMDEX_DB_PATH`), enqueues the file for a new owner, builds the pipeline with
//! [`standard_pipeline`] (every stage the enabled features bring; `downloading` alone without
//! them), runs one worker until the video is processed, and prints each stage's timing.

use std::sync::Arc;
use std::time::Duration;

use heimdex_adapters::enqueue::enqueue_file;
use heimdex_adapters::worker::{open_backend, Worker, WorkerConfig};
use heimdex_adapters::{standard_pipeline, PipelineConfig, StoreConfig};
use heimdex_core::record::NewProfile;
use heimdex_core::{Catalog, UserId, VideoId, VideoStatus};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(path) = std::env::args().nth(1) else {
        return Err("usage: standard_pipeline <video file>".into());
    };
    let backend = open_backend(&StoreConfig::from_env(), Default::default()).await?;
    let owner = UserId::new_v4();
    let profile = NewProfile {
        user_id: owner,
        full_name: "Example owner".into(),
    };
    backend.store.upsert_profile(profile).await?;
    let video = enqueue_file(&*backend.store, &*backend.queue, owner, &path).await?;

    let pipeline = standard_pipeline(backend.store.clone(), &PipelineConfig::default())?;
    let worker = Worker::new(
        backend.queue.clone(),
        Arc::new(pipeline),
        backend.store.clone(),
        WorkerConfig::default(),
    )
    .with_signal(backend.signal.clone());
    let store: Arc<dyn Catalog> = backend.store.clone();
    worker.run(processed(store, video)).await;
    backend.store.flush().await?;

    let row = backend
        .store
        .video(video)
        .await?
        .ok_or("the video is gone")?;
    println!("video {video}: {}", row.status.as_str());
    for stage in backend.store.stage_timings(video).await? {
        println!(
            "  attempt {} {:<18} {:>7} ms  {}",
            stage.attempt,
            stage.stage.as_str(),
            stage.duration_ms.unwrap_or_default(),
            stage.outcome.as_deref().unwrap_or("running"),
        );
    }
    Ok(())
}

/// Resolves once `video` is READY or FAILED: the worker's shutdown signal.
async fn processed(store: Arc<dyn Catalog>, video: VideoId) {
    loop {
        if let Ok(Some(row)) = store.video(video).await {
            if matches!(row.status, VideoStatus::Ready | VideoStatus::Failed) {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
