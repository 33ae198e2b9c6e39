//! The durable queues as a whole: the core conformance suite on both, the sink they report to,
//! many claimers on one embedded file, and `enqueue_file` on a real store.

mod queue_support;
use heimdex_testsupport as support;

use std::sync::Arc;

use heimdex_adapters::embedded::queue::EmbeddedJobQueue;
use heimdex_adapters::embedded::EmbeddedStore;
use heimdex_adapters::postgres::queue::PgJobQueue;
use heimdex_core::queue::{FinishOutcome, JobQueue, NewJob};
use heimdex_core::record::NewProfile;
use heimdex_core::{Error, JobOutcome, Store, TimingEvent, UserId, VideoId, WorkerId};
use queue_support::{conformance_policy, embedded, failed, policy, postgres, Fixture, LEASE};
use support::pg::TestDb;

#[tokio::test]
async fn enqueue_file_creates_the_video_and_queues_it_or_says_why_not() {
    use heimdex_adapters::enqueue::enqueue_file;
    let fx = embedded(policy(3)).await.unwrap();
    let owner = UserId::new_v4();
    fx.store
        .upsert_profile(NewProfile {
            user_id: owner,
            full_name: "Owner".into(),
        })
        .await
        .unwrap();
    let dir = std::env::temp_dir().join(format!("heimdex-enqueue-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("talk.mp4");
    std::fs::write(&file, b"not really a video").unwrap();

    let video = enqueue_file(&*fx.store, &*fx.queue, owner, file.to_str().unwrap())
        .await
        .unwrap();
    let row = fx.row(video).await;
    assert_eq!(
        row.storage_path,
        file.canonicalize().unwrap().to_str().unwrap()
    );
    assert_eq!(
        (row.filename.as_deref(), row.owner_id),
        (Some("talk.mp4"), owner)
    );
    assert_eq!(row.processing_stage.as_deref(), Some("queued"));
    let job = fx
        .queue
        .claim(&WorkerId::new("w"), LEASE)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((job.job.video, job.job.owner), (video, Some(owner)));
    assert_eq!(job.job.source, row.storage_path);

    let uri = "https://cdn.example/v/clip.mp4";
    let remote = enqueue_file(&*fx.store, &*fx.queue, owner, uri)
        .await
        .unwrap();
    assert_eq!(fx.row(remote).await.storage_path, uri);

    let missing = dir.join("nope.mp4");
    let err = enqueue_file(&*fx.store, &*fx.queue, owner, missing.to_str().unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err}");
    let err = enqueue_file(&*fx.store, &*fx.queue, owner, dir.to_str().unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput(m) if m.contains("not a regular file")),
        "{err}"
    );
    let newcomer = UserId::new_v4();
    let theirs = enqueue_file(&*fx.store, &*fx.queue, newcomer, uri)
        .await
        .expect("an owner without a profile is given one");
    assert_eq!(fx.row(theirs).await.owner_id, newcomer);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn four_claimers_on_one_embedded_file_claim_each_job_once() {
    let dir = std::env::temp_dir().join(format!("heimdex-queue-{}", uuid::Uuid::new_v4()));
    let store = EmbeddedStore::open(&dir.join("heimdex.db")).await.unwrap();
    let queue = Arc::new(EmbeddedJobQueue::new(store.pool().clone(), policy(3)));
    for i in 0..400 {
        let job = NewJob {
            video: VideoId::new_v4(),
            source: format!("/v/{i}.mp4"),
            owner: None,
        };
        queue.enqueue(job).await.unwrap();
    }
    let claimers: Vec<_> = (0..4)
        .map(|c| {
            let queue = Arc::clone(&queue);
            tokio::spawn(async move {
                let w = WorkerId::new(format!("claimer-{c}"));
                let mut got = Vec::new();
                while let Some(job) = queue.claim(&w, LEASE).await.unwrap() {
                    assert_eq!(
                        queue.finish(&job, &JobOutcome::Succeeded).await.unwrap(),
                        FinishOutcome::Done
                    );
                    got.push(job.job.video);
                }
                got
            })
        })
        .collect();
    let mut seen = std::collections::HashMap::<VideoId, u32>::new();
    for c in claimers {
        for v in c.await.unwrap() {
            *seen.entry(v).or_default() += 1;
        }
    }
    assert_eq!(seen.len(), 400, "every job claimed");
    assert!(seen.values().all(|&n| n == 1), "no job claimed twice");
    drop(store);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn the_embedded_queue_passes_the_queue_conformance_suite() {
    let fx = embedded(conformance_policy()).await.unwrap();
    heimdex_core::testkit::queue::queue_conformance(&*fx.queue, 2, &|d| {
        Box::pin(tokio::time::sleep(d))
    })
    .await;
}

#[tokio::test]
async fn the_postgres_queue_passes_the_queue_conformance_suite() {
    let fx = postgres(conformance_policy()).await.unwrap();
    heimdex_core::testkit::queue::queue_conformance(&*fx.queue, 2, &|d| {
        Box::pin(tokio::time::sleep(d))
    })
    .await;
    fx.done().await;
}

/// What a queue with a sink reported: every `queued_at` it wrote, in order.
fn queued_events(sink: &heimdex_core::memory::MemorySink) -> Vec<heimdex_core::time::Timestamp> {
    sink.snapshot()
        .into_iter()
        .filter_map(|e| match e {
            TimingEvent::JobQueued { at, .. } => Some(at),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_queue_with_a_sink_reports_each_queued_at_it_writes() {
    let sink = Arc::new(heimdex_core::memory::MemorySink::default());
    let pg = TestDb::new().await;
    let store = Arc::new(EmbeddedStore::in_memory().await.unwrap());
    let zero = conformance_policy();
    let queues: [(Arc<dyn Store>, Arc<dyn JobQueue>); 2] = [
        (
            store.clone(),
            Arc::new(EmbeddedJobQueue::new(store.pool().clone(), zero).with_sink(sink.clone())),
        ),
        (
            Arc::new(pg.store()),
            Arc::new(PgJobQueue::new(pg.pool().clone(), zero).with_sink(sink.clone())),
        ),
    ];
    for (store, queue) in queues {
        sink.drain();
        let fx = Fixture {
            store,
            queue,
            raw_job: Box::new(|_| Box::pin(async {})),
            db: None,
        };
        let video = fx.video().await;
        fx.enqueue(video).await;
        let enqueued_at = fx.row(video).await.queued_at.unwrap();
        let job = fx
            .queue
            .claim(&WorkerId::new("w"), LEASE)
            .await
            .unwrap()
            .unwrap();
        let FinishOutcome::RetryScheduled { at } =
            fx.queue.finish(&job, &failed("x")).await.unwrap()
        else {
            panic!("retried");
        };
        fx.queue
            .claim(&WorkerId::new("w"), LEASE)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            queued_events(&sink),
            vec![enqueued_at, at],
            "{:?}",
            fx.queue
        );
        assert_eq!(fx.row(video).await.queued_at, Some(at));
    }
}

#[tokio::test]
async fn a_failing_timing_write_never_stops_an_enqueue() {
    let embedded_store = Arc::new(EmbeddedStore::in_memory().await.unwrap());
    sqlx::raw_sql(
        "CREATE TRIGGER broken_timing BEFORE UPDATE OF queued_at ON videos \
         BEGIN SELECT RAISE(ABORT, 'timing store broken'); END;",
    )
    .execute(embedded_store.pool())
    .await
    .unwrap();
    let pg = TestDb::new().await;
    sqlx::raw_sql(
        "CREATE FUNCTION broken_timing() RETURNS trigger LANGUAGE plpgsql AS \
         $$ BEGIN RAISE EXCEPTION 'timing store broken'; END $$; \
         CREATE TRIGGER broken_timing BEFORE UPDATE OF queued_at ON videos \
         FOR EACH ROW EXECUTE FUNCTION broken_timing();",
    )
    .execute(pg.pool())
    .await
    .unwrap();
    let policy = policy(3);
    let queues: [(Arc<dyn Store>, Arc<dyn JobQueue>); 2] = [
        (
            embedded_store.clone(),
            Arc::new(EmbeddedJobQueue::new(embedded_store.pool().clone(), policy)),
        ),
        (
            Arc::new(pg.store()),
            Arc::new(PgJobQueue::new(pg.pool().clone(), policy)),
        ),
    ];
    for (store, queue) in queues {
        let fx = Fixture {
            store,
            queue,
            raw_job: Box::new(|_| Box::pin(async {})),
            db: None,
        };
        let video = fx.video().await;
        assert_eq!(
            fx.enqueue(video).await,
            heimdex_core::queue::EnqueueOutcome::Enqueued
        );
        let row = fx.row(video).await;
        assert_eq!(
            (row.queued_at, row.processing_stage),
            (None, None),
            "the write failed"
        );
        let job = fx.queue.claim(&WorkerId::new("w"), LEASE).await.unwrap();
        assert_eq!(
            job.map(|j| j.job.video),
            Some(video),
            "{:?}: enqueued all the same",
            fx.queue
        );
    }
}
