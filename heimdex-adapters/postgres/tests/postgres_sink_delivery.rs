//! The PostgreSQL timing sink's delivery: `record` never waits, even when the writer cannot get a
//! connection; `close` writes what is still buffered; a pool closed under the sink means counted
//! drops, not a panic. Outages of the server itself are in `postgres_sink_outage.rs`.

use heimdex_core::retry::Backoff;
use heimdex_testsupport as support;

use std::time::{Duration, Instant};

use chrono::TimeDelta;
use heimdex_core::time::now;
use heimdex_core::{Catalog, Flush, TimingEvent, TimingSink, UserId, VideoId};
use heimdex_postgres::{PgOptions, PgStore};
use support::events::{two_attempts, video_in};
use support::pg::TestDb;

#[tokio::test]
async fn record_never_waits_when_the_writer_cannot_get_a_connection() {
    let db = TestDb::new().await;
    let (owner, video) = (UserId::new_v4(), VideoId::new_v4());
    video_in(&db.store(), owner, video).await;
    // A one-connection pool that the test holds: the writer cannot write anything meanwhile.
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_millis(300))
        .connect(db.url())
        .await
        .unwrap();
    let options = PgOptions::default().with_sink(|s| {
        s.with_capacity(16).with_batch(8).with_backoff(Backoff::new(
            50,
            Duration::from_millis(20),
            Duration::from_millis(50),
        ))
    });
    let pg = PgStore::from_pool_with(pool.clone(), options);
    let held = pool.acquire().await.unwrap();
    let started = Instant::now();
    for i in 0..2_000 {
        pg.record(TimingEvent::JobQueued {
            video,
            at: now() + TimeDelta::microseconds(i),
        });
    }
    let took = started.elapsed();
    assert!(
        took < Duration::from_millis(500),
        "2,000 records took {took:?}"
    );
    let dropped = pg.dropped_events();
    assert!(
        (2_000 - 16 - 8..2_000).contains(&dropped),
        "dropped {dropped}"
    );
    drop(held);
    pg.flush().await.unwrap();
    assert_eq!(
        pg.dropped_events(),
        dropped,
        "what was buffered is written once a connection frees"
    );
    let row = pg.video(video).await.unwrap().unwrap();
    assert_eq!(row.processing_stage.as_deref(), Some("queued"));
    assert!(row.queued_at.is_some());
}

#[tokio::test]
async fn close_writes_everything_still_buffered() {
    let db = TestDb::new().await;
    let (owner, video) = (UserId::new_v4(), VideoId::new_v4());
    video_in(&db.store(), owner, video).await;
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(2)
        .connect(db.url())
        .await
        .unwrap();
    let pg = PgStore::from_pool(pool);
    for event in two_attempts(video, now()) {
        pg.record(event);
    }
    pg.close().await.unwrap(); // no flush first
    let reader = db.store();
    let row = reader.video(video).await.unwrap().unwrap();
    assert_eq!(row.status, heimdex_core::VideoStatus::Ready);
    assert_eq!(reader.stage_timings(video).await.unwrap().len(), 5);
}

#[tokio::test]
async fn a_store_closed_elsewhere_drops_and_counts_instead_of_panicking() {
    let db = TestDb::new().await;
    let (owner, video) = (UserId::new_v4(), VideoId::new_v4());
    video_in(&db.store(), owner, video).await;
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect(db.url())
        .await
        .unwrap();
    let pg = PgStore::from_pool_with(
        pool.clone(),
        PgOptions::default().with_sink(|s| {
            s.with_backoff(Backoff::new(
                2,
                Duration::from_millis(5),
                Duration::from_millis(5),
            ))
        }),
    );
    pool.close().await; // the pool is gone: every write fails with PoolClosed
    pg.record(TimingEvent::JobQueued { video, at: now() });
    pg.flush().await.unwrap();
    assert_eq!(pg.dropped_events(), 1);
    assert_eq!(
        db.store().video(video).await.unwrap().unwrap().queued_at,
        None
    );
}
