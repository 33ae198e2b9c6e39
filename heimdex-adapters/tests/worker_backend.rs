//! The path the `heimdex enqueue` and `heimdex worker` commands take: `open_backend` on a store
//! configuration, `enqueue_file`, then a worker with the backend's wake-up signal, on both stores.

use heimdex_testsupport as support;
mod worker_support;

use std::sync::Arc;
use std::time::Duration;

use heimdex_adapters::enqueue::enqueue_file;
use heimdex_adapters::worker::{open_backend, Worker, WorkerConfig};
use heimdex_adapters::StoreConfig;
use heimdex_core::queue::RetryPolicy;
use heimdex_core::record::NewProfile;
use heimdex_core::{StageName, UserId, VideoStatus};
use worker_support::idle::IdleWatch;
use worker_support::{eventually, pipeline, Gauge};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enqueue_then_work_through_open_backend_on_both_stores() {
    let dir = std::env::temp_dir().join(format!("heimdex-backend-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("talk.mp4");
    std::fs::write(&file, b"bytes").unwrap();
    let pg = support::pg::TestDb::new().await;
    let configs = [
        StoreConfig::Embedded {
            path: dir.join("heimdex.db"),
        },
        StoreConfig::Postgres {
            url: pg.url().to_string(),
            max_connections: 5,
            grant_roles: Vec::new(),
        },
    ];
    for config in configs {
        let backend = open_backend(&config, RetryPolicy::default()).await.unwrap();
        let owner = UserId::new_v4();
        let profile = NewProfile {
            user_id: owner,
            full_name: "Owner".into(),
        };
        backend.store.upsert_profile(profile).await.unwrap();

        let gauge = Gauge::default();
        let steps = [(StageName::METADATA, Duration::from_millis(5))];
        // A 10 s poll: only the backend's signal can start the job quickly.
        let worker_config = WorkerConfig::default().with_poll_interval(Duration::from_secs(10));
        let watched = IdleWatch::new(backend.queue.clone());
        let worker = Worker::new(
            watched.clone(),
            pipeline(&steps, &gauge),
            backend.store.clone(),
            worker_config,
        )
        .with_signal(backend.signal.clone());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let run = tokio::spawn(worker.run(async move {
            let _ = stopped.await;
        }));
        let idle = eventually(Duration::from_secs(5), || async {
            watched.empty_claims() > 0
        });
        assert!(idle.await, "the worker found the queue empty and waits");

        let path = file.to_str().unwrap();
        let video = enqueue_file(&*backend.store, &*backend.queue, owner, path)
            .await
            .unwrap();
        let store = Arc::clone(&backend.store);
        let ready = eventually(Duration::from_secs(5), || async {
            store.flush().await.unwrap();
            store.video(video).await.unwrap().unwrap().status == VideoStatus::Ready
        })
        .await;
        assert!(ready, "{config:?}: processed");
        stop.send(()).unwrap();
        let report = run.await.unwrap();
        assert_eq!(
            (report.claimed, report.succeeded),
            (1, 1),
            "{config:?}: {report:?}"
        );
        let row = backend.store.video(video).await.unwrap().unwrap();
        assert!(row.queued_at.is_some() && row.processing_started_at >= row.queued_at);
        assert_eq!(row.processing_stage.as_deref(), Some("completed"));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
