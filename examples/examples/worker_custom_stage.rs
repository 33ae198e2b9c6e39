//! A worker process of your own: the Heimdex worker and queue on the embedded store, running a
//! pipeline with a custom stage, on real files.
//!
//! ```text
//! cargo run -p heimdex-examples --example worker_custom_stage [FILE…]
//! ```
//!
//! Without arguments it writes three sample files to a temporary folder. Each file is queued
//! (`enqueue_file`), then a `Worker` with two slots runs `LocalSource` (the built-in `downloading`
//! stage) and a custom `Checksum` stage that reads the whole file on the blocking pool and hashes it (FNV-1a), until
//! every video has ended; the timing lands in `.heimdex/examples.db`, which the `admin_server`
//! example then serves.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use heimdex_adapters::enqueue::enqueue_file;
use heimdex_adapters::stages::{LocalSource, SourceFile};
use heimdex_adapters::worker::{open_backend, Worker, WorkerConfig};
use heimdex_adapters::StoreConfig;
use heimdex_core::record::NewProfile;
use heimdex_core::{
    BoxError, FailureKind, JobContext, SequentialPipeline, Stage, StageError, StageName, UserId,
    VideoStatus, Window,
};

/// The custom stage: reads the file the `downloading` stage found and hashes it.
#[derive(Debug)]
struct Checksum;

#[async_trait]
impl Stage for Checksum {
    fn name(&self) -> StageName {
        StageName::new("checksum").expect("a valid stage name")
    }

    async fn run(&self, ctx: &mut JobContext) -> Result<(), StageError> {
        let Some(file) = ctx.get::<SourceFile>() else {
            return Err(StageError::new(FailureKind::Internal, "no source file"));
        };
        let path = file.path.clone();
        let shown = path.display().to_string();
        // CPU and file work belongs on the blocking pool, never on the async workers.
        let hash = tokio::task::spawn_blocking(move || std::fs::read(&path).map(|b| fnv1a(&b)))
            .await
            .map_err(|e| StageError::new(FailureKind::Internal, "hashing task").with_source(e))?
            .map_err(|e| StageError::new(FailureKind::Io, "cannot read source").with_source(e))?;
        println!("{shown}: fnv1a {hash:016x}");
        Ok(())
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn sample_files() -> std::io::Result<Vec<PathBuf>> {
    let dir = std::env::temp_dir().join("heimdex-example-worker");
    std::fs::create_dir_all(&dir)?;
    (1..=3)
        .map(|i| {
            let path = dir.join(format!("clip-{i}.mp4"));
            std::fs::write(&path, vec![i as u8; (i * 4) << 20])?;
            Ok(path)
        })
        .collect()
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let mut files: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if files.is_empty() {
        files = sample_files()?;
    }
    let config = StoreConfig::Embedded {
        path: PathBuf::from(".heimdex/examples.db"),
    };
    let backend = open_backend(&config, Default::default()).await?;
    let owner = UserId::new_v4();
    let profile = NewProfile {
        user_id: owner,
        full_name: "Example worker".into(),
    };
    backend.store.upsert_profile(profile).await?;

    let mut videos = Vec::new();
    for file in &files {
        let source = file.to_string_lossy();
        match enqueue_file(&*backend.store, &*backend.queue, owner, &source).await {
            Ok(video) => videos.push(video),
            Err(err) => eprintln!("{source}: {err}"),
        }
    }

    let pipeline = SequentialPipeline::new()
        .stage(Arc::new(LocalSource))
        .stage(Arc::new(Checksum));
    let worker = Worker::new(
        backend.queue.clone(),
        Arc::new(pipeline),
        backend.store.clone(),
        WorkerConfig::default()
            .with_concurrency(2)
            .with_poll_interval(Duration::from_millis(100)),
    )
    .with_signal(backend.signal.clone());

    // Stop once every queued video has ended (a service would stop on SIGTERM instead).
    let store = backend.store.clone();
    let all_done = async move {
        loop {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let _ = store.flush().await;
            let mut ended = 0;
            for video in &videos {
                if let Ok(Some(row)) = store.video(*video).await {
                    ended += usize::from(matches!(
                        row.status,
                        VideoStatus::Ready | VideoStatus::Failed
                    ));
                }
            }
            if ended == videos.len() {
                break;
            }
        }
    };
    let report = worker.run(all_done).await;
    backend.store.flush().await?;
    println!("worker: {report:?}");

    let window = Window::new(1)?;
    let latency = backend.store.latency(window).await?;
    println!(
        "latency over the last day: {} videos, p50 {:?} ms, p95 {:?} ms",
        latency.videos_measured, latency.p50_processing_ms, latency.p95_processing_ms
    );
    for stage in backend.store.stage_latency(window).await? {
        println!("  {stage:?}");
    }
    Ok(())
}
