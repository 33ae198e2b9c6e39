//! Fencing: once the queue has handed a video's job to a newer attempt, the attempt that lost its
//! lease can no longer write the video's status or its scenes, even before the newer attempt has
//! written anything. On the embedded store and on PostgreSQL.

use heimdex_testsupport as support;
mod worker_support;

use std::sync::Arc;
use std::time::Duration;

use heimdex_adapters::embedded::queue::EmbeddedJobQueue;
use heimdex_adapters::embedded::EmbeddedStore;
use heimdex_adapters::postgres::queue::PgJobQueue;
use heimdex_core::queue::{JobQueue, RetryPolicy};
use heimdex_core::{Error, JobOutcome, SceneRecord, Store, TimingEvent, VideoStatus, WorkerId};
use support::pg::TestDb;
use worker_support::queued_video;

const LEASE: Duration = Duration::from_millis(50);

async fn a_lost_lease_writes_nothing_over_the_newer_attempt(
    store: Arc<dyn Store>,
    queue: Arc<dyn JobQueue>,
) {
    let video = queued_video(&*store, &*queue).await;
    let w = WorkerId::new("w");
    let old = queue.claim(&w, LEASE).await.unwrap().expect("first claim");
    store
        .write_now(vec![TimingEvent::JobStarted {
            video,
            attempt: old.job.attempt,
            at: heimdex_core::time::now(),
        }])
        .await
        .unwrap();
    tokio::time::sleep(2 * LEASE).await;
    let new = queue.claim(&w, Duration::from_secs(60)).await.unwrap();
    let new = new.expect("the expired job is claimed again");
    assert_eq!(new.job.attempt, old.job.attempt + 1);

    // The old attempt finishes late: its status write is fenced off.
    store
        .write_now(vec![TimingEvent::JobFinished {
            video,
            attempt: old.job.attempt,
            at: heimdex_core::time::now(),
            elapsed: Duration::from_millis(120),
            outcome: JobOutcome::Succeeded,
        }])
        .await
        .unwrap();
    let row = store.video(video).await.unwrap().unwrap();
    assert_ne!(
        row.status,
        VideoStatus::Ready,
        "a lost attempt set READY: {row:?}"
    );
    assert_eq!(row.processing_finished_at, None);
    let scenes = [SceneRecord::new(0, 0.0, 1.0)];
    let late = store
        .replace_scenes_of_attempt(video, old.job.attempt, &scenes)
        .await;
    assert!(matches!(late, Err(Error::Conflict(_))), "{late:?}");
    assert!(store.scenes(video).await.unwrap().is_empty());
    let finished = queue.finish(&old, &JobOutcome::Succeeded).await;
    assert!(matches!(finished, Err(Error::Conflict(_))), "{finished:?}");

    // The newer attempt writes as usual.
    store
        .replace_scenes_of_attempt(video, new.job.attempt, &scenes)
        .await
        .unwrap();
    let at = heimdex_core::time::now();
    store
        .write_now(vec![
            TimingEvent::JobStarted {
                video,
                attempt: new.job.attempt,
                at,
            },
            TimingEvent::JobFinished {
                video,
                attempt: new.job.attempt,
                at: heimdex_core::time::now(),
                elapsed: Duration::from_millis(10),
                outcome: JobOutcome::Succeeded,
            },
        ])
        .await
        .unwrap();
    assert_eq!(
        store.video(video).await.unwrap().unwrap().status,
        VideoStatus::Ready
    );
}

#[tokio::test]
async fn the_embedded_store_fences_off_a_lost_attempt() {
    let store = Arc::new(EmbeddedStore::in_memory().await.unwrap());
    let queue = Arc::new(EmbeddedJobQueue::new(
        store.pool().clone(),
        RetryPolicy::default(),
    ));
    a_lost_lease_writes_nothing_over_the_newer_attempt(store, queue).await;
}

#[tokio::test]
async fn postgres_fences_off_a_lost_attempt() {
    let db = TestDb::new().await;
    let store = Arc::new(db.store());
    let queue = Arc::new(PgJobQueue::new(db.pool().clone(), RetryPolicy::default()));
    a_lost_lease_writes_nothing_over_the_newer_attempt(store, queue).await;
}
