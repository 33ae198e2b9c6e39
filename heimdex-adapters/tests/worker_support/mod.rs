//! Helpers shared by the `worker_*` tests: stores, queued videos, and a scripted pipeline whose
//! stages take known times.
#![allow(dead_code)]

pub mod idle;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use heimdex_core::queue::{JobQueue, NewJob};
use heimdex_core::record::{NewProfile, NewVideo};
use heimdex_core::{Catalog, SequentialPipeline, Stage, StageError, StageName, UserId, VideoId};

/// A stage that sleeps for `takes` (cancellable: the pipeline races it), or panics.
#[derive(Debug)]
pub struct Sleepy {
    pub name: StageName,
    pub takes: Duration,
    pub running: Arc<AtomicUsize>,
    pub most: Arc<AtomicUsize>,
    pub panics: bool,
}

#[async_trait::async_trait]
impl Stage for Sleepy {
    fn name(&self) -> StageName {
        self.name.clone()
    }

    async fn run(&self, _ctx: &mut heimdex_core::JobContext) -> Result<(), StageError> {
        assert!(!self.panics, "stage {} panicked on purpose", self.name);
        let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        let _done = Decrement(Arc::clone(&self.running));
        tokio::time::sleep(self.takes).await;
        Ok(())
    }
}

struct Decrement(Arc<AtomicUsize>);

impl Drop for Decrement {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Counters shared by every stage of a [`pipeline`].
#[derive(Clone, Debug, Default)]
pub struct Gauge {
    pub running: Arc<AtomicUsize>,
    pub most: Arc<AtomicUsize>,
}

impl Gauge {
    /// The most stages that ran at the same time.
    pub fn most(&self) -> usize {
        self.most.load(Ordering::SeqCst)
    }

    /// Stages running now.
    pub fn running(&self) -> usize {
        self.running.load(Ordering::SeqCst)
    }
}

/// A pipeline of `(stage, takes)` steps; `panic_at` names a stage that panics instead.
pub fn pipeline(steps: &[(StageName, Duration)], gauge: &Gauge) -> Arc<SequentialPipeline> {
    let mut p = SequentialPipeline::new();
    for (name, takes) in steps {
        p = p.stage(Arc::new(Sleepy {
            name: name.clone(),
            takes: *takes,
            running: Arc::clone(&gauge.running),
            most: Arc::clone(&gauge.most),
            panics: false,
        }));
    }
    Arc::new(p)
}

/// Creates an owner and a video row, and enqueues it.
pub async fn queued_video(catalog: &dyn Catalog, queue: &dyn JobQueue) -> VideoId {
    let video = new_video(catalog).await;
    let job = NewJob {
        video,
        source: "/videos/talk.mp4".into(),
        owner: None,
    };
    queue.enqueue(job).await.unwrap();
    video
}

/// Creates an owner and a PENDING video row.
pub async fn new_video(catalog: &dyn Catalog) -> VideoId {
    let owner = UserId::new_v4();
    catalog
        .upsert_profile(NewProfile {
            user_id: owner,
            full_name: "Owner".into(),
        })
        .await
        .unwrap();
    catalog
        .create_video(NewVideo {
            id: None,
            owner_id: owner,
            storage_path: "/videos/talk.mp4".into(),
            filename: Some("talk.mp4".into()),
        })
        .await
        .unwrap()
}

/// Polls `check` every 10 ms until it holds, for at most `limit`.
pub async fn eventually<F, Fut>(limit: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + limit;
    while tokio::time::Instant::now() < deadline {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    check().await
}
