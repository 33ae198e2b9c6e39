//! Helpers shared by the `queue_*` tests: each durable queue over its own store, with a way to
//! write a job row by hand.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use heimdex_adapters::embedded::queue::EmbeddedJobQueue;
use heimdex_adapters::embedded::EmbeddedStore;
use heimdex_adapters::postgres::queue::PgJobQueue;
use heimdex_core::queue::{EnqueueOutcome, JobQueue, NewJob, RetryPolicy};
use heimdex_core::record::{NewProfile, NewVideo, VideoRecord};
use heimdex_core::{FailureKind, JobOutcome, StageName, Store, UserId, VideoId};

use heimdex_testsupport::pg::TestDb;

type BoxFuture = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

/// A store, a queue over it, and a way to write a job row by hand.
pub struct Fixture {
    pub store: Arc<dyn Store>,
    pub queue: Arc<dyn JobQueue>,
    pub raw_job: Box<dyn Fn(VideoId) -> BoxFuture + Send + Sync>,
    pub db: Option<TestDb>,
}

pub fn policy(max_retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        base_delay: Duration::from_millis(40),
        max_delay: Duration::from_secs(1),
    }
}

pub async fn embedded(policy: RetryPolicy) -> Option<Fixture> {
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

pub async fn postgres(policy: RetryPolicy) -> Option<Fixture> {
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
    pub async fn done(self) {
        drop(self.db);
    }
    pub async fn video(&self) -> VideoId {
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

    pub async fn row(&self, video: VideoId) -> VideoRecord {
        self.store.flush().await.unwrap();
        self.store.video(video).await.unwrap().expect("video row")
    }

    pub async fn enqueue(&self, video: VideoId) -> EnqueueOutcome {
        let job = NewJob {
            video,
            source: "/videos/a.mp4".into(),
            owner: None,
        };
        self.queue.enqueue(job).await.unwrap()
    }
}

pub fn failed(message: &str) -> JobOutcome {
    JobOutcome::Failed {
        stage: StageName::TRANSCRIPTION,
        kind: FailureKind::Decode,
        message: message.into(),
    }
}

pub const LEASE: Duration = Duration::from_secs(30);
/// A lease meant to expire, long enough that a loaded machine does not expire it early.
pub const SHORT: Duration = Duration::from_millis(300);
/// Comfortably past [`SHORT`].
pub const PAST_SHORT: Duration = Duration::from_millis(450);

/// The zero-delay policy the conformance suite expects.
pub fn conformance_policy() -> RetryPolicy {
    RetryPolicy {
        max_retries: 2,
        base_delay: Duration::ZERO,
        max_delay: Duration::ZERO,
    }
}
