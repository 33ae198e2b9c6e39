//! The worker on PostgreSQL: an idle worker is woken by LISTEN/NOTIFY (not by polling), runs the
//! job through the store's sink, and buries a job that cannot run without stopping.

use heimdex_testsupport as support;
mod worker_support;

use std::sync::Arc;
use std::time::Duration;

use heimdex_adapters::postgres::queue::PgJobQueue;
use heimdex_adapters::worker::{Worker, WorkerConfig};
use heimdex_core::queue::{JobQueue, RetryPolicy};
use heimdex_core::{Catalog, Flush, StageName, VideoStatus};
use support::pg::TestDb;
use worker_support::idle::IdleWatch;
use worker_support::{eventually, new_video, pipeline, queued_video, Gauge};

const SEC: Duration = Duration::from_secs(1);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_worker_is_woken_by_notify_long_before_its_next_poll() {
    let db = TestDb::new().await;
    let store = Arc::new(db.store());
    let queue = Arc::new(PgJobQueue::new(db.pool().clone(), RetryPolicy::default()));
    let listener = Arc::new(queue.listen().await.unwrap());
    let gauge = Gauge::default();
    let steps = [(StageName::METADATA, Duration::from_millis(5))];
    let config = WorkerConfig::default().with_poll_interval(Duration::from_secs(10));
    let watched = IdleWatch::new(queue.clone());
    let worker = Worker::new(
        watched.clone(),
        pipeline(&steps, &gauge),
        store.clone(),
        config,
    )
    .with_signal(listener);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let run = tokio::spawn(worker.run(async move {
        let _ = stopped.await;
    }));
    // The worker finds the queue empty and goes idle for its 10 s poll interval.
    assert!(eventually(5 * SEC, || async { watched.empty_claims() > 0 }).await);
    let mut done = Vec::new();
    for _ in 0..3 {
        let sent = tokio::time::Instant::now();
        let video = queued_video(&*store, &*queue).await;
        let ready = eventually(5 * SEC, || async {
            store.flush().await.unwrap();
            store.video(video).await.unwrap().unwrap().status == VideoStatus::Ready
        })
        .await;
        assert!(ready, "picked up and processed");
        done.push(sent.elapsed());
    }
    stop.send(()).unwrap();
    let report = run.await.unwrap();
    assert_eq!(report.succeeded, 3, "{report:?}");
    // Polling alone could not have started these before 10 s; notify did, in well under one.
    assert!(done.iter().all(|d| *d < 2 * SEC), "{done:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_whose_row_cannot_be_decoded_goes_dead_and_the_next_one_runs() {
    let db = TestDb::new().await;
    let store = Arc::new(db.store());
    let queue = Arc::new(PgJobQueue::new(db.pool().clone(), RetryPolicy::default()));
    let bad = new_video(&*store).await;
    sqlx::query("INSERT INTO jobs (video_id, source) VALUES ($1, NULL)")
        .bind(bad.as_uuid())
        .execute(db.pool())
        .await
        .unwrap();
    let good = queued_video(&*store, &*queue).await;
    let gauge = Gauge::default();
    let steps = [(StageName::METADATA, Duration::from_millis(5))];
    let config = WorkerConfig::default().with_poll_interval(Duration::from_millis(20));
    let worker = Worker::new(
        queue.clone(),
        pipeline(&steps, &gauge),
        store.clone(),
        config,
    );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let run = tokio::spawn(worker.run(async move {
        let _ = stopped.await;
    }));
    let ready = eventually(5 * SEC, || async {
        store.flush().await.unwrap();
        store.video(good).await.unwrap().unwrap().status == VideoStatus::Ready
    })
    .await;
    assert!(ready);
    stop.send(()).unwrap();
    let report = run.await.unwrap();
    assert_eq!(
        (report.claimed, report.succeeded, report.claim_errors),
        (1, 1, 0),
        "{report:?}"
    );
    let dead = queue.dead_jobs().await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(
        (dead[0].video, dead[0].reason.as_str()),
        (bad, "undecodable job: no source")
    );
    let row = store.video(bad).await.unwrap().unwrap();
    assert_eq!(row.status, VideoStatus::Failed);
    assert_eq!(
        row.error_message.as_deref(),
        Some("undecodable job: no source")
    );
}
