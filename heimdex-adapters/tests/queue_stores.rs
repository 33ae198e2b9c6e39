//! What both durable queues promise beyond the generic conformance suite: the video-row timing
//! they write (contract §2), burial of jobs that cannot run, and the retry budget. Every test runs
//! against the embedded store and against PostgreSQL.

mod support;

use std::sync::Arc;
use std::time::Duration;

use heimdex_adapters::embedded::queue::EmbeddedJobQueue;
use heimdex_adapters::embedded::EmbeddedStore;
use heimdex_adapters::postgres::queue::PgJobQueue;
use heimdex_core::queue::{EnqueueOutcome, FinishOutcome, JobQueue, NewJob, RetryPolicy};
use heimdex_core::record::{NewProfile, NewVideo, VideoRecord};
use heimdex_core::{
    Error, FailureKind, JobOutcome, StageName, Store, TimingEvent, UserId, VideoId, VideoStatus,
    WorkerId,
};
use support::pg::TestDb;

type BoxFuture = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

/// A store, a queue over it, and a way to write a job row by hand.
struct Fixture {
    store: Arc<dyn Store>,
    queue: Arc<dyn JobQueue>,
    raw_job: Box<dyn Fn(VideoId) -> BoxFuture + Send + Sync>,
    db: Option<TestDb>,
}

fn policy(max_retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        base_delay: Duration::from_millis(40),
        max_delay: Duration::from_secs(1),
    }
}

async fn embedded(policy: RetryPolicy) -> Option<Fixture> {
    let store = Arc::new(EmbeddedStore::in_memory().await.unwrap());
    let pool = store.pool().clone();
    let queue = Arc::new(EmbeddedJobQueue::new(pool.clone(), policy));
    let raw_job = Box::new(move |video: VideoId| -> BoxFuture {
        let pool = pool.clone();
        Box::pin(async move {
            sqlx::query(
                "INSERT INTO jobs (video_id, source, available_at, enqueued_at, created_at, updated_at) \
                 VALUES (?1, NULL, 0, 0, 0, 0)",
            )
            .bind(video.to_string())
            .execute(&pool)
            .await
            .unwrap();
        })
    });
    Some(Fixture {
        store,
        queue,
        raw_job,
        db: None,
    })
}

async fn postgres(policy: RetryPolicy) -> Option<Fixture> {
    let db = TestDb::new().await;
    let store = Arc::new(db.store());
    let pool = db.pool().clone();
    let queue = Arc::new(PgJobQueue::new(pool.clone(), policy));
    let raw_job = Box::new(move |video: VideoId| -> BoxFuture {
        let pool = pool.clone();
        Box::pin(async move {
            sqlx::query("INSERT INTO jobs (video_id, source) VALUES ($1, NULL)")
                .bind(video.as_uuid())
                .execute(&pool)
                .await
                .unwrap();
        })
    });
    Some(Fixture {
        store,
        queue,
        raw_job,
        db: Some(db),
    })
}

impl Fixture {
    /// Drops the PostgreSQL test database.
    async fn done(self) {
        drop(self.db);
    }
    async fn video(&self) -> VideoId {
        let owner = UserId::new_v4();
        self.store
            .upsert_profile(NewProfile {
                user_id: owner,
                full_name: "Owner".into(),
            })
            .await
            .unwrap();
        self.store
            .create_video(NewVideo {
                id: None,
                owner_id: owner,
                storage_path: "/videos/a.mp4".into(),
                filename: Some("a.mp4".into()),
            })
            .await
            .unwrap()
    }

    async fn row(&self, video: VideoId) -> VideoRecord {
        self.store.flush().await.unwrap();
        self.store.video(video).await.unwrap().expect("video row")
    }

    async fn enqueue(&self, video: VideoId) -> EnqueueOutcome {
        let job = NewJob {
            video,
            source: "/videos/a.mp4".into(),
            owner: None,
        };
        self.queue.enqueue(job).await.unwrap()
    }
}

fn failed(message: &str) -> JobOutcome {
    JobOutcome::Failed {
        stage: StageName::TRANSCRIPTION,
        kind: FailureKind::Decode,
        message: message.into(),
    }
}

const LEASE: Duration = Duration::from_secs(30);
/// A lease meant to expire, long enough that a loaded machine does not expire it early.
const SHORT: Duration = Duration::from_millis(300);
/// Comfortably past [`SHORT`].
const PAST_SHORT: Duration = Duration::from_millis(450);

macro_rules! both_stores {
    ($($name:ident => $body:ident;)*) => {$(
        mod $name {
            #[tokio::test]
            async fn embedded() {
                super::$body(super::embedded).await
            }
            #[tokio::test]
            async fn postgres() {
                super::$body(super::postgres).await
            }
        }
    )*};
}

type Make<F> = fn(RetryPolicy) -> F;

trait MakeFut: std::future::Future<Output = Option<Fixture>> {}
impl<T: std::future::Future<Output = Option<Fixture>>> MakeFut for T {}

both_stores! {
    enqueue_writes_queued_at_and_stage_queued_once => enqueue_writes_queued_at;
    a_retry_is_queued_from_when_it_became_claimable => retry_queue_time;
    retries_run_out_then_the_job_is_dead_until_requeued => retry_dead_requeue;
    an_expired_lease_is_redelivered_as_a_new_attempt => lease_expiry;
    an_expired_lease_with_no_retry_left_fails_the_video_at_its_stage => expiry_without_retries;
    a_job_without_a_source_is_buried_with_its_reason => undecodable;
    release_gives_the_job_back_without_using_a_retry => release_budget;
}

async fn enqueue_writes_queued_at<F: MakeFut>(make: Make<F>) {
    let Some(fx) = make(policy(3)).await else {
        return;
    };
    let video = fx.video().await;
    assert_eq!(fx.enqueue(video).await, EnqueueOutcome::Enqueued);
    let row = fx.row(video).await;
    assert_eq!(row.processing_stage.as_deref(), Some("queued"));
    assert_eq!(row.status, VideoStatus::Pending);
    let queued_at = row.queued_at.expect("queued_at written by enqueue");
    assert_eq!(fx.enqueue(video).await, EnqueueOutcome::AlreadyActive);
    assert_eq!(
        fx.row(video).await.queued_at,
        Some(queued_at),
        "a refused enqueue writes nothing"
    );
    fx.done().await;
}

async fn retry_queue_time<F: MakeFut>(make: Make<F>) {
    let slow = RetryPolicy {
        base_delay: Duration::from_millis(400),
        ..policy(3)
    };
    let Some(fx) = make(slow).await else {
        return;
    };
    let video = fx.video().await;
    fx.enqueue(video).await;
    let w = WorkerId::new("w");
    let first = fx.queue.claim(&w, LEASE).await.unwrap().unwrap();
    let FinishOutcome::RetryScheduled { at } =
        fx.queue.finish(&first, &failed("boom")).await.unwrap()
    else {
        panic!("a first failure is retried");
    };
    assert!(
        fx.queue.claim(&w, LEASE).await.unwrap().is_none(),
        "not claimable before its time"
    );
    let due = (at - heimdex_core::time::now())
        .to_std()
        .unwrap_or_default();
    tokio::time::sleep(due + Duration::from_millis(20)).await;
    let second = fx.queue.claim(&w, LEASE).await.unwrap().unwrap();
    assert_eq!(second.job.attempt, 2);
    assert_eq!(
        fx.row(video).await.queued_at,
        Some(at),
        "queue time counts from the retry's due time"
    );
    fx.done().await;
}

async fn retry_dead_requeue<F: MakeFut>(make: Make<F>) {
    let Some(fx) = make(policy(1)).await else {
        return;
    };
    let video = fx.video().await;
    fx.enqueue(video).await;
    let w = WorkerId::new("w");
    let a1 = fx.queue.claim(&w, LEASE).await.unwrap().unwrap();
    assert!(matches!(
        fx.queue.finish(&a1, &failed("one")).await.unwrap(),
        FinishOutcome::RetryScheduled { .. }
    ));
    tokio::time::sleep(Duration::from_millis(60)).await;
    let a2 = fx.queue.claim(&w, LEASE).await.unwrap().unwrap();
    assert_eq!(
        fx.queue.finish(&a2, &failed("two")).await.unwrap(),
        FinishOutcome::Dead
    );
    assert_eq!(
        fx.queue.finish(&a2, &failed("two")).await.unwrap(),
        FinishOutcome::Dead,
        "replayed finish"
    );
    let dead = fx.queue.dead_jobs().await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!((dead[0].video, dead[0].attempts), (video, 2));
    assert!(
        dead[0].reason.contains("two") && dead[0].reason.contains("transcription"),
        "{}",
        dead[0].reason
    );
    assert!(
        fx.queue.claim(&w, LEASE).await.unwrap().is_none(),
        "dead jobs are not claimed"
    );

    fx.queue.requeue_dead(video).await.unwrap();
    assert!(fx.queue.dead_jobs().await.unwrap().is_empty());
    assert_eq!(
        fx.row(video).await.processing_stage.as_deref(),
        Some("queued")
    );
    let a3 = fx.queue.claim(&w, LEASE).await.unwrap().unwrap();
    assert_eq!(
        a3.job.attempt, 3,
        "attempts keep counting so stage timings stay apart"
    );
    assert!(
        matches!(
            fx.queue.finish(&a3, &failed("three")).await.unwrap(),
            FinishOutcome::RetryScheduled { .. }
        ),
        "fresh budget"
    );
    let err = fx.queue.requeue_dead(video).await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err}");
    fx.done().await;
}

async fn lease_expiry<F: MakeFut>(make: Make<F>) {
    let Some(fx) = make(policy(3)).await else {
        return;
    };
    let video = fx.video().await;
    fx.enqueue(video).await;
    let stale = fx
        .queue
        .claim(&WorkerId::new("dies"), SHORT)
        .await
        .unwrap()
        .unwrap();
    assert!(
        fx.queue
            .claim(&WorkerId::new("other"), LEASE)
            .await
            .unwrap()
            .is_none(),
        "leased"
    );
    tokio::time::sleep(PAST_SHORT).await;
    let fresh = fx
        .queue
        .claim(&WorkerId::new("other"), LEASE)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((fresh.job.video, fresh.job.attempt), (video, 2));
    assert_ne!(fresh.lease.token, stale.lease.token);
    assert_eq!(
        fx.row(video).await.queued_at,
        Some(stale.lease.expires_at),
        "queued from the expiry"
    );

    let late = fx
        .queue
        .finish(&stale, &JobOutcome::Succeeded)
        .await
        .unwrap_err();
    assert!(matches!(late, Error::Conflict(_)), "{late}");
    assert!(matches!(
        fx.queue.heartbeat(&stale, LEASE).await,
        Err(Error::Conflict(_))
    ));
    assert!(matches!(
        fx.queue.release(&stale).await,
        Err(Error::Conflict(_))
    ));
    // The newer attempt is untouched: its lease still works and its finish counts.
    fx.queue.heartbeat(&fresh, LEASE).await.unwrap();
    assert_eq!(
        fx.queue
            .finish(&fresh, &JobOutcome::Succeeded)
            .await
            .unwrap(),
        FinishOutcome::Done
    );
    assert_eq!(
        fx.queue
            .finish(&fresh, &JobOutcome::Succeeded)
            .await
            .unwrap(),
        FinishOutcome::Done,
        "replay"
    );
    fx.done().await;
}

async fn expiry_without_retries<F: MakeFut>(make: Make<F>) {
    let Some(fx) = make(policy(0)).await else {
        return;
    };
    let video = fx.video().await;
    fx.enqueue(video).await;
    let held = fx
        .queue
        .claim(&WorkerId::new("dies"), SHORT)
        .await
        .unwrap()
        .unwrap();
    let at = heimdex_core::time::now();
    fx.store.record(TimingEvent::JobStarted {
        video,
        attempt: 1,
        at,
    });
    fx.store.record(TimingEvent::StageStarted {
        video,
        attempt: 1,
        stage: StageName::TRANSCRIPTION,
        at,
    });
    assert_eq!(fx.row(video).await.status, VideoStatus::Processing);
    tokio::time::sleep(PAST_SHORT).await;
    assert!(fx
        .queue
        .claim(&WorkerId::new("other"), LEASE)
        .await
        .unwrap()
        .is_none());
    let dead = fx.queue.dead_jobs().await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].attempts, 1);
    assert_eq!(dead[0].reason, "lease expired on attempt 1, no retry left");
    let row = fx.row(video).await;
    assert_eq!(row.status, VideoStatus::Failed);
    assert_eq!(
        row.processing_stage.as_deref(),
        Some("transcription"),
        "failure stays attributed"
    );
    assert_eq!(row.error_message.as_deref(), Some(dead[0].reason.as_str()));
    assert_eq!(row.processing_finished_at, Some(held.lease.expires_at));
    fx.done().await;
}

async fn undecodable<F: MakeFut>(make: Make<F>) {
    let Some(fx) = make(policy(3)).await else {
        return;
    };
    let (bad, good) = (fx.video().await, fx.video().await);
    (fx.raw_job)(bad).await;
    tokio::time::sleep(Duration::from_millis(2)).await;
    fx.enqueue(good).await;
    let claimed = fx
        .queue
        .claim(&WorkerId::new("w"), LEASE)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        claimed.job.video, good,
        "the bad row is skipped, the next job is claimed"
    );
    let dead = fx.queue.dead_jobs().await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!((dead[0].video, dead[0].attempts), (bad, 0));
    assert_eq!(dead[0].reason, "undecodable job: no source");
    let row = fx.row(bad).await;
    assert_eq!(row.status, VideoStatus::Failed);
    assert_eq!(
        row.error_message.as_deref(),
        Some("undecodable job: no source")
    );
    fx.done().await;
}

async fn release_budget<F: MakeFut>(make: Make<F>) {
    let Some(fx) = make(policy(1)).await else {
        return;
    };
    let video = fx.video().await;
    fx.enqueue(video).await;
    let w = WorkerId::new("w");
    let first = fx.queue.claim(&w, LEASE).await.unwrap().unwrap();
    fx.queue.release(&first).await.unwrap();
    let second = fx
        .queue
        .claim(&w, LEASE)
        .await
        .unwrap()
        .expect("claimable again at once");
    assert_eq!(second.job.attempt, 2);
    assert!(
        matches!(
            fx.queue.finish(&second, &failed("x")).await.unwrap(),
            FinishOutcome::RetryScheduled { .. }
        ),
        "the released attempt did not use the only retry"
    );
    fx.done().await;
}

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
    let err = enqueue_file(&*fx.store, &*fx.queue, UserId::new_v4(), uri)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::NotFound { .. }),
        "unknown owner: {err}"
    );
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

/// The zero-delay policy the conformance suite expects.
fn conformance_policy() -> RetryPolicy {
    RetryPolicy {
        max_retries: 2,
        base_delay: Duration::ZERO,
        max_delay: Duration::ZERO,
    }
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
