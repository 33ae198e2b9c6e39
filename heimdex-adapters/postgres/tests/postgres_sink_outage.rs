//! The timing sink while its database goes away and comes back: `record` never waits, what was
//! buffered is written once the server is back, what could not be kept is counted, and no row is
//! left half-written. Each test runs its own throwaway cluster (initdb/pg_ctl) that it stops and
//! starts.

use heimdex_core::retry::Backoff;
use heimdex_testsupport as support;

use std::time::{Duration, Instant};

use chrono::TimeDelta;
use heimdex_core::record::{NewProfile, NewVideo};
use heimdex_core::time::now;
use heimdex_core::{
    Catalog, Flush, JobOutcome, MetricsQuery, TimingEvent, TimingSink, UserId, VideoId, VideoStatus,
};
use heimdex_postgres::{PgOptions, PgStore};
use support::pg::{Cluster, TestDb};

async fn setup(options: PgOptions) -> (Cluster, TestDb, PgStore, VideoId) {
    let cluster = Cluster::start();
    let db = TestDb::on_server(&cluster.url("postgres")).await;
    heimdex_postgres::MIGRATOR.run(db.pool()).await.unwrap();
    let store = PgStore::connect_with(db.url(), options).await.unwrap();
    let owner = UserId::new_v4();
    store
        .upsert_profile(NewProfile {
            user_id: owner,
            full_name: "Ops".into(),
        })
        .await
        .unwrap();
    let new = NewVideo {
        id: None,
        owner_id: owner,
        storage_path: "a.mp4".into(),
        filename: None,
    };
    let video = store.create_video(new).await.unwrap();
    (cluster, db, store, video)
}

/// Records `event` and checks it returned at once: well within the 500 ms a single wait for a
/// connection would take (the margin is for a busy test machine).
fn record_quickly(store: &PgStore, event: TimingEvent) {
    let started = Instant::now();
    store.record(event);
    let took = started.elapsed();
    assert!(
        took < Duration::from_millis(250),
        "record took {took:?} while the database was down"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_recorded_during_a_short_outage_are_written_when_the_server_returns() {
    let options = PgOptions::default()
        .with_acquire_timeout(Duration::from_millis(500))
        .with_sink(|s| {
            s.with_backoff(Backoff::new(
                40,
                Duration::from_millis(50),
                Duration::from_millis(400),
            ))
        });
    let (cluster, _db, store, video) = setup(options).await;
    let t0 = now();
    record_quickly(&store, TimingEvent::JobQueued { video, at: t0 });
    store.flush().await.unwrap();

    cluster.stop();
    record_quickly(
        &store,
        TimingEvent::JobStarted {
            video,
            attempt: 1,
            at: t0 + TimeDelta::seconds(1),
        },
    );
    tokio::time::sleep(Duration::from_millis(700)).await; // the writer is retrying by now
    let done = TimingEvent::JobFinished {
        video,
        attempt: 1,
        at: t0 + TimeDelta::seconds(3),
        elapsed: Duration::from_millis(2_000),
        outcome: JobOutcome::Succeeded,
    };
    record_quickly(&store, done);
    assert!(store.ping().await.is_err(), "the server is down");

    cluster.start_again();
    store.flush().await.unwrap();
    assert_eq!(store.dropped_events(), 0, "nothing was lost");
    let row = store.video(video).await.unwrap().unwrap();
    assert_eq!(row.status, VideoStatus::Ready);
    assert_eq!(row.processing_duration_ms, Some(2_000));
    assert_eq!(row.processing_started_at, Some(t0 + TimeDelta::seconds(1)));
    assert_eq!(row.queued_at, Some(t0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_outage_drops_and_counts_what_it_cannot_keep_then_writing_resumes() {
    let options = PgOptions::default()
        .with_acquire_timeout(Duration::from_millis(200))
        .with_sink(|s| {
            s.with_capacity(4).with_batch(2).with_backoff(Backoff::new(
                3,
                Duration::from_millis(20),
                Duration::from_millis(40),
            ))
        });
    let (cluster, _db, store, video) = setup(options).await;
    let t0 = now();
    cluster.stop();
    let started = Instant::now();
    for i in 0..500 {
        store.record(TimingEvent::JobQueued {
            video,
            at: t0 + TimeDelta::milliseconds(i),
        });
    }
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "500 records took {:?}",
        started.elapsed()
    );
    store.flush().await.unwrap(); // returns once the writer gave up on what it held
    assert_eq!(
        store.dropped_events(),
        500,
        "every event was either refused by the full channel or given up on"
    );
    assert!(store.ping().await.is_err(), "the server is down");

    cluster.start_again();
    let attempt = TimingEvent::JobStarted {
        video,
        attempt: 1,
        at: t0 + TimeDelta::seconds(5),
    };
    record_quickly(&store, attempt);
    store.flush().await.unwrap();
    assert_eq!(store.dropped_events(), 500);
    let row = store.video(video).await.unwrap().unwrap();
    assert_eq!(row.status, VideoStatus::Processing);
    assert_eq!(row.processing_attempt, Some(1));
    assert_eq!(
        row.queued_at, None,
        "the dropped events left no trace, not half a write"
    );
}
