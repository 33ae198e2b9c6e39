//! Embedding the Heimdex pipeline in another service: custom stages, a custom timing sink fanned
//! out with the in-memory store, the in-memory queue, and the admin metrics over what ran.
//!
//! ```text
//! cargo run -p heimdex-examples --example embed_pipeline
//! ```
//!
//! Three talks are enqueued. A probe stage writes each video's media facts through
//! `Catalog::set_media_info`, a word-counting stand-in for transcription takes 1 ms per word and
//! fails on a talk without speech, and an indexing stage reads the word count the transcription
//! left in the job's context. Every timing event is printed as it happens and stored in the
//! `MemoryStore`, which then answers latency, RTF, queue, failures-by-stage and per-stage questions.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use heimdex_core::memory::{MemoryQueue, MemoryStore};
use heimdex_core::queue::{JobQueue, NewJob, RetryPolicy};
use heimdex_core::record::{MediaInfo, NewProfile, NewVideo};
use heimdex_core::timing::FanoutSink;
use heimdex_core::PerformanceMetrics;
use heimdex_core::{
    BoxError, Cancellation, Catalog, FailureKind, Flush, JobContext, JobOutcome, Outcome, Pipeline,
    SequentialPipeline, Stage, StageError, StageName, TimingEvent, TimingSink, UserId, Window,
    WorkerId,
};

/// What the example "knows" about each source: media duration and what is said in it.
type Library = HashMap<&'static str, (f64, String)>;

fn library() -> Library {
    let intro = "welcome to the heimdex demo where every stage of every job is timed ";
    HashMap::from([
        ("talks/intro.mp4", (0.8, intro.to_owned())),
        ("talks/keynote.mp4", (1.5, intro.repeat(3))),
        ("talks/silent.mp4", (0.6, String::new())),
    ])
}

/// The metadata stage: probes the source and writes its media facts to the catalog.
#[derive(Debug)]
struct Probe {
    library: Arc<Library>,
    catalog: Arc<MemoryStore>,
}

#[async_trait]
impl Stage for Probe {
    fn name(&self) -> StageName {
        StageName::METADATA
    }

    async fn run(&self, ctx: &mut JobContext) -> Result<(), StageError> {
        tokio::time::sleep(Duration::from_millis(3)).await;
        let Some(&(duration_s, _)) = self.library.get(ctx.job.source.as_str()) else {
            return Err(StageError::new(FailureKind::Input, "unknown source"));
        };
        let info = MediaInfo {
            duration_s,
            frame_rate: Some(25.0),
            width: Some(1280),
            height: Some(720),
        };
        self.catalog
            .set_media_info(ctx.job.video, info)
            .await
            .map_err(|e| StageError::new(FailureKind::Dependency, "catalog write").with_source(e))
    }
}

/// How many words the transcription found, left in the context for later stages.
#[derive(Debug)]
struct Words(usize);

/// A stand-in for speech-to-text: 1 ms of "work" per word.
#[derive(Debug)]
struct WordCounter {
    library: Arc<Library>,
}

#[async_trait]
impl Stage for WordCounter {
    fn name(&self) -> StageName {
        StageName::TRANSCRIPTION
    }

    async fn run(&self, ctx: &mut JobContext) -> Result<(), StageError> {
        let text = self
            .library
            .get(ctx.job.source.as_str())
            .map_or("", |t| t.1.as_str());
        let words = text.split_whitespace().count();
        tokio::time::sleep(Duration::from_millis(1 + words as u64)).await;
        if words == 0 {
            return Err(StageError::new(FailureKind::Decode, "no speech found"));
        }
        ctx.insert(Words(words));
        Ok(())
    }
}

/// Stores what the transcription found.
#[derive(Debug)]
struct Index;

#[async_trait]
impl Stage for Index {
    fn name(&self) -> StageName {
        StageName::INDEXING
    }

    async fn run(&self, ctx: &mut JobContext) -> Result<(), StageError> {
        let Some(Words(n)) = ctx.get::<Words>() else {
            return Err(StageError::new(FailureKind::Internal, "nothing to index"));
        };
        tokio::time::sleep(Duration::from_millis(2 + *n as u64 / 10)).await;
        Ok(())
    }
}

/// A custom sink: one line per timing event, with the time since the example started.
#[derive(Debug)]
struct LineSink {
    start: Instant,
}

impl TimingSink for LineSink {
    fn record(&self, event: TimingEvent) {
        let since = self.start.elapsed().as_secs_f64() * 1e3;
        let video = event.video().to_string()[..8].to_owned();
        let what = match &event {
            TimingEvent::JobQueued { .. } => "queued".to_owned(),
            TimingEvent::JobStarted { attempt, .. } => format!("attempt {attempt} started"),
            TimingEvent::StageStarted { stage, .. } => format!("  {stage} started"),
            TimingEvent::StageFinished {
                stage,
                elapsed,
                outcome,
                ..
            } => format!("  {stage} {} in {:.1} ms", outcome.as_str(), ms(*elapsed)),
            TimingEvent::JobFinished {
                elapsed, outcome, ..
            } => match outcome {
                JobOutcome::Succeeded => format!("READY in {:.1} ms", ms(*elapsed)),
                JobOutcome::Failed {
                    stage,
                    kind,
                    message,
                } => format!(
                    "FAILED at {stage} ({kind}: {message}) in {:.1} ms",
                    ms(*elapsed)
                ),
            },
            other => format!("{other:?}"),
        };
        println!("[{since:7.1} ms] {video} {what}");
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn show(value: Option<f64>, unit: &str) -> String {
    value.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.3}{unit}"))
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let library = Arc::new(library());
    let store = Arc::new(MemoryStore::new());
    let lines = Arc::new(LineSink {
        start: Instant::now(),
    });
    let sink: Arc<dyn TimingSink> = Arc::new(FanoutSink::new(vec![store.clone(), lines]));
    let no_retries = RetryPolicy {
        max_retries: 0,
        ..RetryPolicy::default()
    };
    let queue = MemoryQueue::new(no_retries).with_sink(sink.clone());

    let owner = UserId::new_v4();
    let profile = NewProfile {
        user_id: owner,
        full_name: "Example Owner".into(),
    };
    store.upsert_profile(profile).await?;
    for source in ["talks/intro.mp4", "talks/keynote.mp4", "talks/silent.mp4"] {
        let video = NewVideo {
            id: None,
            owner_id: owner,
            storage_path: source.into(),
            filename: source.rsplit('/').next().map(str::to_owned),
        };
        let video = store.create_video(video).await?;
        let job = NewJob {
            video,
            source: source.into(),
            owner: Some(owner),
        };
        queue.enqueue(job).await?;
    }

    let pipeline = SequentialPipeline::builder()
        .with_stage(Arc::new(Probe {
            library: library.clone(),
            catalog: store.clone(),
        }))
        .with_stage(Arc::new(WordCounter { library }))
        .with_stage(Arc::new(Index))
        .build();
    let worker = WorkerId::new("embed-example");
    while let Some(claimed) = queue.claim(&worker, Duration::from_secs(60)).await? {
        let report = pipeline
            .run(claimed.job.clone(), &*sink, &Cancellation::new())
            .await;
        println!("  {} stage timings:", claimed.job.source);
        for stage in &report.stages {
            let outcome = match &stage.outcome {
                Outcome::Ok => "ok".to_owned(),
                Outcome::Failed { kind, message } => format!("failed ({kind}: {message})"),
            };
            println!(
                "    {:<14} {:>7.2} ms  {outcome}",
                stage.stage.as_str(),
                ms(stage.elapsed)
            );
        }
        let finished = queue.finish(&claimed, &report.outcome).await?;
        println!("  queue: {finished:?}\n");
    }
    store.flush().await?;

    let window = Window::thirty_days();
    let latency = store.latency(window).await?;
    println!(
        "latency: {} videos, avg {}, p50 {}, p95 {}, queue {}",
        latency.videos_measured,
        show(latency.avg_processing_ms, " ms"),
        show(latency.p50_processing_ms, " ms"),
        show(latency.p95_processing_ms, " ms"),
        show(latency.avg_queue_ms, " ms"),
    );
    let rtf = store.rtf(window).await?;
    println!(
        "rtf: {} videos, avg {}, p50 {} (media avg {})",
        rtf.videos_measured,
        show(rtf.avg_rtf, ""),
        show(rtf.p50_rtf, ""),
        show(rtf.avg_video_duration_s, " s"),
    );
    let waits = store.queue(window).await?;
    println!(
        "queue: {} videos, queue time {} of the total",
        waits.videos_measured,
        show(waits.queue_time_pct, " %")
    );
    for f in store.failures_by_stage(window).await? {
        println!(
            "failures at {}: {} ({:.1} %)",
            f.processing_stage, f.failure_count, f.failure_pct
        );
    }
    for s in store.stage_latency(window).await? {
        println!(
            "stage {:<14} runs {} failures {} p50 {}",
            s.stage,
            s.runs,
            s.failures,
            show(s.p50_ms, " ms")
        );
    }
    Ok(())
}
