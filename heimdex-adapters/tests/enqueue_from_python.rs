//! `heimdex_enqueue(video_id, source)`, the SQL function a service in any language calls to queue
//! a video, driven from Python with psycopg: it queues a video that a Heimdex worker on
//! PostgreSQL processes to READY, wakes an idle worker through NOTIFY, answers `already_active`
//! for a video with a live job, and refuses an unknown video or an empty source with a SQLSTATE.

use heimdex_testsupport as support;
mod worker_support;

use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use heimdex_adapters::postgres::queue::PgJobQueue;
use heimdex_adapters::worker::{Worker, WorkerConfig};
use heimdex_core::queue::RetryPolicy;
use heimdex_core::{Catalog, Flush, StageName, VideoId, VideoStatus};
use support::pg::TestDb;
use worker_support::idle::IdleWatch;
use worker_support::{eventually, new_video, pipeline, Gauge};

const SEC: Duration = Duration::from_secs(1);

/// Calls `heimdex_enqueue` from Python: prints its answer, or `error <SQLSTATE>`.
const CLIENT: &str = r#"
import os, sys
import psycopg
try:
    with psycopg.connect(os.environ["HEIMDEX_TEST_DATABASE_URL"], autocommit=True) as conn:
        row = conn.execute("SELECT heimdex_enqueue(%s, %s)", (sys.argv[1], sys.argv[2])).fetchone()
        print(row[0])
except psycopg.Error as err:
    print("error", err.sqlstate)
"#;

/// What the Python client printed for `video` and `source`. Fails the test when Python or psycopg
/// is missing (`scripts/test` installs it).
fn enqueue_from_python(url: &str, video: &str, source: &str) -> String {
    let out = Command::new("python3")
        .args(["-c", CLIENT, video, source])
        .env("HEIMDEX_TEST_DATABASE_URL", url)
        .output()
        .expect("python3 runs (scripts/test installs psycopg for it)");
    assert!(
        out.status.success(),
        "the Python client failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

async fn ready(store: &impl Catalog, flush: &impl Flush, video: VideoId) -> bool {
    eventually(5 * SEC, || async {
        flush.flush().await.unwrap();
        store.video(video).await.unwrap().unwrap().status == VideoStatus::Ready
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_video_enqueued_from_python_is_processed_to_ready_and_wakes_an_idle_worker() {
    let db = TestDb::new().await;
    let store = Arc::new(db.store());
    let first = new_video(&*store).await;
    let url = db.url().to_owned();
    let call = move |video: String, source: &'static str| {
        let url = url.clone();
        tokio::task::spawn_blocking(move || enqueue_from_python(&url, &video, source))
    };
    let source = "/videos/talk.mp4";
    assert_eq!(call(first.to_string(), source).await.unwrap(), "enqueued");
    assert_eq!(
        call(first.to_string(), source).await.unwrap(),
        "already_active",
        "a queued job is not queued twice"
    );
    let queued = store.video(first).await.unwrap().unwrap();
    assert_eq!(queued.processing_stage.as_deref(), Some("queued"));
    assert!(queued.queued_at.is_some(), "queued_at written with the job");

    let queue = Arc::new(PgJobQueue::new(db.pool().clone(), RetryPolicy::default()));
    let listener = Arc::new(queue.listen().await.unwrap());
    let steps = [(StageName::METADATA, Duration::from_millis(5))];
    let config = WorkerConfig::default().with_poll_interval(Duration::from_secs(10));
    let watched = IdleWatch::new(queue.clone());
    let worker = Worker::new(
        watched.clone(),
        pipeline(&steps, &Gauge::default()),
        store.clone(),
        config,
    )
    .with_signal(listener);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let run = tokio::spawn(worker.run(async move {
        let _ = stopped.await;
    }));
    assert!(ready(&*store, &*store, first).await, "the worker ran it");

    // Idle now, for a 10 s poll interval: only NOTIFY can start the next one this soon.
    assert!(eventually(5 * SEC, || async { watched.empty_claims() > 0 }).await);
    let second = new_video(&*store).await;
    assert_eq!(call(second.to_string(), source).await.unwrap(), "enqueued");
    assert!(ready(&*store, &*store, second).await, "woken by NOTIFY");

    stop.send(()).unwrap();
    let report = run.await.unwrap();
    assert_eq!(report.succeeded, 2, "{report:?}");
}

#[tokio::test]
async fn an_unknown_video_or_an_empty_source_is_refused_with_a_sqlstate_and_queues_nothing() {
    let db = TestDb::new().await;
    let store = db.store();
    let video = new_video(&store).await.to_string();
    let url = db.url().to_owned();
    let unknown = VideoId::new_v4().to_string();
    let answers = tokio::task::spawn_blocking(move || {
        [
            enqueue_from_python(&url, &unknown, "/videos/talk.mp4"),
            enqueue_from_python(&url, &video, "  "),
            enqueue_from_python(&url, "not-a-uuid", "/videos/talk.mp4"),
        ]
    })
    .await
    .unwrap();
    // no_data_found, invalid_parameter_value, invalid_text_representation.
    assert_eq!(answers, ["error P0002", "error 22023", "error 22P02"]);
    let jobs: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(jobs, 0, "nothing was queued");
}

#[tokio::test]
async fn the_read_only_heimdex_admin_role_may_not_enqueue() {
    let db = TestDb::new().await;
    let video = new_video(&db.store()).await;
    let mut tx = db.pool().begin().await.unwrap();
    sqlx::query("SET LOCAL ROLE heimdex_admin")
        .execute(&mut *tx)
        .await
        .unwrap();
    let refused = sqlx::query("SELECT heimdex_enqueue($1, '/videos/talk.mp4')")
        .bind(video.as_uuid())
        .execute(&mut *tx)
        .await
        .unwrap_err();
    let code = refused.as_database_error().and_then(|e| e.code());
    assert_eq!(code.as_deref(), Some("42501"), "{refused}");
}
