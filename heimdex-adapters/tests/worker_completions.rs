//! No lost completions: a finished job's video is READY even when the store's timing buffer drops
//! every event, and heartbeats go on while the job's end is written, so a slow write never lets
//! the lease expire and another worker run the job again.

mod worker_support;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use heimdex_adapters::embedded::queue::EmbeddedJobQueue;
use heimdex_adapters::embedded::EmbeddedStore;
use heimdex_adapters::worker::{Worker, WorkerConfig};
use heimdex_core::queue::{JobQueue, RetryPolicy};
use heimdex_core::{Catalog, Flush, StageName, TimingEvent, TimingSink, VideoStatus, WorkerId};
use worker_support::{eventually, pipeline, queued_video, Gauge};

const SEC: Duration = Duration::from_secs(1);
const MS: Duration = Duration::from_millis(1);

/// A store whose buffer drops every event (a sink under overload), and whose direct writes take
/// `write_delay`.
#[derive(Debug)]
struct Overloaded {
    store: Arc<EmbeddedStore>,
    write_delay: Duration,
}

impl TimingSink for Overloaded {
    fn record(&self, _event: TimingEvent) {}
}

#[async_trait]
impl Flush for Overloaded {
    async fn flush(&self) -> heimdex_core::Result<()> {
        self.store.flush().await
    }

    async fn write_now(&self, events: Vec<TimingEvent>) -> heimdex_core::Result<()> {
        tokio::time::sleep(self.write_delay).await;
        self.store.write_now(events).await
    }
}

async fn run_one(write_delay: Duration, lease: Duration) {
    let store = Arc::new(EmbeddedStore::in_memory().await.unwrap());
    let queue = Arc::new(EmbeddedJobQueue::new(
        store.pool().clone(),
        RetryPolicy::default(),
    ));
    let video = queued_video(&*store, &*queue).await;
    let sink = Arc::new(Overloaded {
        store: store.clone(),
        write_delay,
    });
    let steps = [(StageName::METADATA, 5 * MS), (StageName::INDEXING, 5 * MS)];
    let config = WorkerConfig::default()
        .with_poll_interval(20 * MS)
        .with_lease(lease);
    let gauge = Gauge::default();
    let worker = Worker::new(queue.clone(), pipeline(&steps, &gauge), sink, config);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let run = tokio::spawn(worker.run(async move {
        let _ = stopped.await;
    }));
    assert!(
        eventually(5 * SEC, || async { gauge.most() >= 1 }).await,
        "the worker runs it"
    );
    // From then on, while the end is being written, nobody else can take the job.
    let thief = WorkerId::new("thief");
    let ready = eventually(10 * SEC, || async {
        let stolen = queue.claim(&thief, 10 * SEC).await.unwrap();
        assert!(stolen.is_none(), "the job was claimed again: {stolen:?}");
        store.video(video).await.unwrap().unwrap().status == VideoStatus::Ready
    })
    .await;
    assert!(ready, "the finished job's video is READY");
    stop.send(()).unwrap();
    let report = run.await.unwrap();
    assert_eq!((report.claimed, report.succeeded), (1, 1), "{report:?}");
    let row = store.video(video).await.unwrap().unwrap();
    assert_eq!(row.processing_stage.as_deref(), Some("completed"));
    assert!(row.processing_finished_at.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finished_job_is_ready_even_when_the_timing_buffer_drops_every_event() {
    run_one(Duration::ZERO, SEC).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heartbeats_go_on_while_the_end_is_written_so_the_job_never_runs_twice() {
    // The write takes four leases; without heartbeats the thief would claim the job.
    run_one(800 * MS, 200 * MS).await;
}
