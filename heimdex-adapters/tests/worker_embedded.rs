//! The worker over the embedded store: time limits, shutdown, concurrency, heartbeats, lost
//! leases, undecodable jobs and panicking pipelines, checked on the queue and the video rows.

mod worker_support;

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use heimdex_adapters::embedded::queue::EmbeddedJobQueue;
use heimdex_adapters::embedded::EmbeddedStore;
use heimdex_adapters::worker::{Worker, WorkerConfig, WorkerReport};
use heimdex_core::queue::{JobQueue, RetryPolicy};
use heimdex_core::{Catalog, Flush, Pipeline, StageName, VideoStatus, WorkerId};
use tokio::sync::oneshot;
use worker_support::{eventually, new_video, pipeline, queued_video, Gauge, Sleepy};

const SEC: Duration = Duration::from_secs(1);
const MS: Duration = Duration::from_millis(1);

struct Setup {
    store: Arc<EmbeddedStore>,
    queue: Arc<EmbeddedJobQueue>,
}

async fn setup(max_retries: u32) -> Setup {
    let store = Arc::new(EmbeddedStore::in_memory().await.unwrap());
    let policy = RetryPolicy {
        max_retries,
        base_delay: 50 * MS,
        max_delay: SEC,
    };
    let queue = Arc::new(EmbeddedJobQueue::new(store.pool().clone(), policy));
    Setup { store, queue }
}

fn config() -> WorkerConfig {
    WorkerConfig::default()
        .with_poll_interval(20 * MS)
        .with_lease(SEC)
        .with_grace(SEC)
}

impl Setup {
    /// Starts a worker; the returned sender stops it and the handle yields its report.
    fn start(
        &self,
        pipeline: Arc<dyn Pipeline>,
        config: WorkerConfig,
    ) -> (oneshot::Sender<()>, tokio::task::JoinHandle<WorkerReport>) {
        let worker = Worker::new(self.queue.clone(), pipeline, self.store.clone(), config)
            .with_signal(self.queue.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let run = tokio::spawn(worker.run(async move {
            let _ = stopped.await;
        }));
        (stop, run)
    }

    async fn status(&self, video: heimdex_core::VideoId) -> (VideoStatus, Option<String>) {
        self.store.flush().await.unwrap();
        let row = self.store.video(video).await.unwrap().unwrap();
        (row.status, row.processing_stage)
    }
}

#[tokio::test]
async fn the_time_limit_fails_the_job_as_timed_out_at_the_running_stage() {
    let s = setup(0).await;
    let video = queued_video(&*s.store, &*s.queue).await;
    let steps = [
        (StageName::METADATA, 5 * MS),
        (StageName::TRANSCRIPTION, 30 * SEC),
    ];
    let (stop, run) = s.start(
        pipeline(&steps, &Gauge::default()),
        config().with_time_limit(200 * MS),
    );
    let dead = eventually(5 * SEC, || async {
        !s.queue.dead_jobs().await.unwrap().is_empty()
    })
    .await;
    assert!(dead, "the timed-out attempt used the only try");
    stop.send(()).unwrap();
    let report = run.await.unwrap();
    assert_eq!((report.claimed, report.dead), (1, 1), "{report:?}");
    let reason = &s.queue.dead_jobs().await.unwrap()[0].reason;
    assert!(reason.starts_with("transcription:"), "{reason}");
    assert_eq!(
        s.status(video).await,
        (VideoStatus::Failed, Some("transcription".into()))
    );
    let timings = s.store.stage_timings(video).await.unwrap();
    let last = timings.last().unwrap();
    assert_eq!(
        (last.stage.as_str(), last.outcome.as_deref()),
        ("transcription", Some("failed"))
    );
    assert!(
        last.error.as_deref().unwrap_or_default().contains("time"),
        "{last:?}"
    );
}

#[tokio::test]
async fn shutdown_lets_short_jobs_finish_and_releases_long_ones() {
    let s = setup(3).await;
    let long = queued_video(&*s.store, &*s.queue).await;
    let steps = [(StageName::TRANSCRIPTION, 30 * SEC)];
    let gauge = Gauge::default();
    let (stop, run) = s.start(pipeline(&steps, &gauge), config().with_grace(150 * MS));
    assert!(
        eventually(5 * SEC, || async { gauge.running() == 1 }).await,
        "job started"
    );
    let asked = tokio::time::Instant::now();
    stop.send(()).unwrap();
    let report = run.await.unwrap();
    assert!(
        asked.elapsed() >= 150 * MS && asked.elapsed() < 5 * SEC,
        "{:?}",
        asked.elapsed()
    );
    assert_eq!((report.claimed, report.released), (1, 1), "{report:?}");
    let again = s.queue.claim(&WorkerId::new("next"), SEC).await.unwrap();
    let again = again.expect("a released job is claimable at once");
    assert_eq!((again.job.video, again.job.attempt), (long, 2));

    let s = setup(3).await;
    let short = queued_video(&*s.store, &*s.queue).await;
    let gauge = Gauge::default();
    let steps = [(StageName::METADATA, 300 * MS)];
    let (stop, run) = s.start(pipeline(&steps, &gauge), config().with_grace(5 * SEC));
    assert!(eventually(5 * SEC, || async { gauge.running() == 1 }).await);
    stop.send(()).unwrap();
    let report = run.await.unwrap();
    assert_eq!((report.succeeded, report.released), (1, 0), "{report:?}");
    assert_eq!(
        s.status(short).await,
        (VideoStatus::Ready, Some("completed".into()))
    );
}

#[tokio::test]
async fn concurrency_bounds_the_jobs_running_at_once_and_all_get_done() {
    let s = setup(3).await;
    for _ in 0..7 {
        queued_video(&*s.store, &*s.queue).await;
    }
    let gauge = Gauge::default();
    let steps = [(StageName::METADATA, 120 * MS)];
    let (stop, run) = s.start(pipeline(&steps, &gauge), config().with_concurrency(3));
    let all_done = eventually(10 * SEC, || async {
        let done: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs WHERE state = 'done'")
            .fetch_one(s.store.pool())
            .await
            .unwrap();
        done == 7
    })
    .await;
    assert!(all_done);
    stop.send(()).unwrap();
    let report = run.await.unwrap();
    assert_eq!((report.claimed, report.succeeded), (7, 7), "{report:?}");
    assert_eq!(gauge.most(), 3, "three at a time, never more");
}

#[tokio::test]
async fn heartbeats_keep_a_job_longer_than_its_lease() {
    let s = setup(3).await;
    let video = queued_video(&*s.store, &*s.queue).await;
    let gauge = Gauge::default();
    let steps = [(StageName::METADATA, 1500 * MS)];
    let (stop, run) = s.start(pipeline(&steps, &gauge), config().with_lease(450 * MS));
    assert!(eventually(5 * SEC, || async { gauge.running() == 1 }).await);
    for _ in 0..5 {
        tokio::time::sleep(200 * MS).await;
        let stolen = s.queue.claim(&WorkerId::new("thief"), SEC).await.unwrap();
        assert!(stolen.is_none(), "the lease was kept alive");
    }
    assert!(
        eventually(5 * SEC, || async {
            s.status(video).await.0 == VideoStatus::Ready
        })
        .await
    );
    stop.send(()).unwrap();
    let report = run.await.unwrap();
    assert_eq!((report.succeeded, report.lease_lost), (1, 0), "{report:?}");
}

#[tokio::test]
async fn a_lost_lease_cancels_the_run_and_records_nothing_on_the_queue() {
    let s = setup(3).await;
    queued_video(&*s.store, &*s.queue).await;
    let gauge = Gauge::default();
    let steps = [(StageName::METADATA, 30 * SEC)];
    let (stop, run) = s.start(pipeline(&steps, &gauge), config().with_lease(150 * MS));
    assert!(eventually(5 * SEC, || async { gauge.running() == 1 }).await);
    sqlx::query("UPDATE jobs SET lease_token = 'stolen'")
        .execute(s.store.pool())
        .await
        .unwrap();
    assert!(
        eventually(5 * SEC, || async { gauge.running() == 0 }).await,
        "run cancelled"
    );
    stop.send(()).unwrap();
    let report = run.await.unwrap();
    assert_eq!(
        (report.claimed, report.lease_lost, report.released),
        (1, 1, 0),
        "{report:?}"
    );
    let (state, token): (String, String) = sqlx::query_as("SELECT state, lease_token FROM jobs")
        .fetch_one(s.store.pool())
        .await
        .unwrap();
    assert_eq!(
        (state.as_str(), token.as_str()),
        ("running", "stolen"),
        "the thief's claim is untouched"
    );
}

#[tokio::test]
async fn undecodable_jobs_and_panics_never_stop_the_worker() {
    let s = setup(0).await;
    let bad = new_video(&*s.store).await;
    sqlx::query(
        "INSERT INTO jobs (video_id, source, available_at, enqueued_at, created_at, updated_at) \
         VALUES (?1, NULL, 0, 0, 0, 0)",
    )
    .bind(bad.to_string())
    .execute(s.store.pool())
    .await
    .unwrap();
    let panicking = queued_video(&*s.store, &*s.queue).await;
    let gauge = Gauge::default();
    let boom = heimdex_core::SequentialPipeline::new().stage(Arc::new(Sleepy {
        name: StageName::METADATA,
        takes: MS,
        running: Arc::clone(&gauge.running),
        most: Arc::clone(&gauge.most),
        panics: true,
    }));
    let (stop, run) = s.start(Arc::new(boom), config());
    assert!(
        eventually(5 * SEC, || async {
            s.queue.dead_jobs().await.unwrap().len() == 2
        })
        .await
    );
    stop.send(()).unwrap();
    let report = run.await.unwrap();
    assert_eq!(report.claim_errors, 0, "{report:?}");
    let dead = s.queue.dead_jobs().await.unwrap();
    let reason = |v| {
        dead.iter()
            .find(|d| d.video == v)
            .map(|d| d.reason.clone())
            .unwrap()
    };
    assert_eq!(reason(bad), "undecodable job: no source");
    assert!(reason(panicking).contains("panic"), "{}", reason(panicking));
    assert_eq!(gauge.running.load(Ordering::SeqCst), 0);
}
