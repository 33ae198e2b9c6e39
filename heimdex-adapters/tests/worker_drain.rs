//! A deploy is not a failure: a worker stopped mid-job (SIGTERM's drain) releases the job, its
//! video goes back to the queue (never FAILED), the interrupted stage is recorded as `cancelled`,
//! every metric but the cancelled count is the same before and after, and a second worker
//! finishes the video. On the embedded store and on PostgreSQL.

use heimdex_testsupport as support;
mod worker_support;

use std::sync::Arc;
use std::time::Duration;

use heimdex_adapters::embedded::queue::EmbeddedJobQueue;
use heimdex_adapters::embedded::EmbeddedStore;
use heimdex_adapters::postgres::queue::PgJobQueue;
use heimdex_adapters::worker::{Worker, WorkerConfig};
use heimdex_core::queue::{JobQueue, RetryPolicy};
use heimdex_core::{Bucket, StageName, Store, VideoId, VideoStatus, Window};
use support::pg::TestDb;
use worker_support::{eventually, pipeline, queued_video, Gauge};

const SEC: Duration = Duration::from_secs(1);
const MS: Duration = Duration::from_millis(1);

/// Every metric answer over 7 days, with stage latency's cancelled counts left out.
async fn metrics(store: &dyn Store) -> String {
    let w = Window::seven_days();
    let mut stages = store.stage_latency(w).await.unwrap();
    stages.iter_mut().for_each(|s| s.cancelled = 0);
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
        store.overview().await.unwrap(),
        store.throughput(w, Bucket::Day).await.unwrap(),
        store.latency(w).await.unwrap(),
        store.rtf(w).await.unwrap(),
        store.queue(w).await.unwrap(),
        store.failures_by_stage(w).await.unwrap(),
        store.throughput_v2(w).await.unwrap(),
        stages,
    )
}

async fn status(store: &dyn Store, video: VideoId) -> VideoStatus {
    store.flush().await.unwrap();
    store.video(video).await.unwrap().unwrap().status
}

/// Runs a worker on `pipeline` until `stop` resolves, then drains with a 50 ms grace.
fn worker(
    store: Arc<dyn Store>,
    queue: Arc<dyn JobQueue>,
    steps: &[(StageName, Duration)],
    gauge: &Gauge,
) -> (
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<heimdex_adapters::worker::WorkerReport>,
) {
    let config = WorkerConfig::default()
        .with_poll_interval(20 * MS)
        .with_lease(SEC)
        .with_grace(50 * MS);
    let worker = Worker::new(queue, pipeline(steps, gauge), store, config);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let run = tokio::spawn(worker.run(async move {
        let _ = stopped.await;
    }));
    (stop, run)
}

async fn drain_is_not_a_failure(store: Arc<dyn Store>, queue: Arc<dyn JobQueue>) {
    let quick = [
        (StageName::METADATA, 5 * MS),
        (StageName::TRANSCRIPTION, 5 * MS),
    ];
    // One video done before the deploy, so the metrics have something to keep.
    let done = queued_video(&*store, &*queue).await;
    let (stop, run) = worker(store.clone(), queue.clone(), &quick, &Gauge::default());
    assert!(
        eventually(5 * SEC, || async {
            status(&*store, done).await == VideoStatus::Ready
        })
        .await
    );
    stop.send(()).unwrap();
    run.await.unwrap();

    let video = queued_video(&*store, &*queue).await;
    let slow = [
        (StageName::METADATA, 5 * MS),
        (StageName::TRANSCRIPTION, 30 * SEC),
    ];
    let gauge = Gauge::default();
    let (stop, run) = worker(store.clone(), queue.clone(), &slow, &gauge);
    // Mid-transcription, with metadata's end written.
    let mid_job = eventually(5 * SEC, || async {
        store.flush().await.unwrap();
        let row = store.video(video).await.unwrap().unwrap();
        row.processing_stage.as_deref() == Some("transcription")
    })
    .await;
    assert!(mid_job && gauge.running() == 1);
    let before = metrics(&*store).await;
    stop.send(()).unwrap(); // what SIGTERM does
    let report = run.await.unwrap();
    assert_eq!(
        (report.released, report.retried, report.dead),
        (1, 0, 0),
        "{report:?}"
    );

    let row = store.video(video).await.unwrap().unwrap();
    assert_eq!(
        row.status,
        VideoStatus::Pending,
        "released, not FAILED: {row:?}"
    );
    assert_eq!(row.processing_stage.as_deref(), Some("queued"));
    assert_eq!(row.processing_finished_at, None);
    let timings = store.stage_timings(video).await.unwrap();
    let interrupted = timings
        .iter()
        .find(|t| t.stage == StageName::TRANSCRIPTION)
        .expect("the interrupted stage is recorded");
    assert_eq!(interrupted.outcome.as_deref(), Some("cancelled"));
    assert_eq!(metrics(&*store).await, before, "a drain moves no metric");
    let stages = store.stage_latency(Window::seven_days()).await.unwrap();
    let transcription = stages.iter().find(|s| s.stage == "transcription").unwrap();
    assert_eq!((transcription.cancelled, transcription.failures), (1, 0));
    assert!(store
        .failures_by_stage(Window::seven_days())
        .await
        .unwrap()
        .is_empty());

    // The next worker (the new deploy) finishes it; it is never FAILED on the way.
    let (stop, run) = worker(store.clone(), queue.clone(), &quick, &Gauge::default());
    let ready = eventually(5 * SEC, || async {
        let now = status(&*store, video).await;
        assert_ne!(now, VideoStatus::Failed, "FAILED while being re-run");
        now == VideoStatus::Ready
    })
    .await;
    assert!(ready, "the second worker finishes the released video");
    stop.send(()).unwrap();
    let report = run.await.unwrap();
    assert_eq!(
        (report.succeeded, report.retried, report.dead),
        (1, 0, 0),
        "{report:?}"
    );
    let row = store.video(video).await.unwrap().unwrap();
    assert_eq!(row.processing_attempt, Some(2));
    assert!(store
        .failures_by_stage(Window::seven_days())
        .await
        .unwrap()
        .is_empty());
}

fn policy() -> RetryPolicy {
    RetryPolicy {
        max_retries: 3,
        base_delay: 50 * MS,
        max_delay: SEC,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drained_job_on_the_embedded_store_is_queued_again_not_failed() {
    let store = Arc::new(EmbeddedStore::in_memory().await.unwrap());
    let queue = Arc::new(EmbeddedJobQueue::new(store.pool().clone(), policy()));
    drain_is_not_a_failure(store, queue).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drained_job_on_postgres_is_queued_again_not_failed() {
    let db = TestDb::new().await;
    let store = Arc::new(db.store());
    let queue = Arc::new(PgJobQueue::new(db.pool().clone(), policy()));
    drain_is_not_a_failure(store, queue).await;
}
