//! Delivery of the embedded store's timing sink: `record` never blocks (a full channel drops and
//! counts), a locked database is retried with backoff and then given up on, and the writer drains
//! on close and on drop.

mod embedded_support;

use heimdex_core::retry::Backoff;
use std::time::{Duration, Instant};

use embedded_support::events::{new_video, stage_done, stage_rows, started, write_lock};
use embedded_support::{file_store, t0, TempDir};
use heimdex_core::{Catalog, Flush, StageName, TimingSink, VideoStatus};
use heimdex_embedded::{EmbeddedOptions, EmbeddedStore};

#[tokio::test]
async fn a_full_channel_drops_and_counts_instead_of_blocking() {
    let dir = TempDir::new();
    let options = EmbeddedOptions::default()
        .with_sink(|s| s.with_capacity(4).with_batch(2))
        .with_clock(t0);
    let store = EmbeddedStore::open_with(&dir.db(), options).await.unwrap();
    let video = new_video(&store).await;
    store.record(started(video, 1, 0));
    store.flush().await.unwrap();

    let mut lock = write_lock(&dir.db()).await; // the writer now waits for the database
    let began = Instant::now();
    for i in 0..50 {
        store.record(stage_done(
            video,
            1,
            StageName::new(format!("stage_{i}")).unwrap(),
            10,
        ));
    }
    let took = began.elapsed();
    assert!(
        took < Duration::from_millis(50),
        "record blocked for {took:?}"
    );
    let dropped = store.dropped_events();
    assert!(
        (44..=46).contains(&dropped),
        "dropped {dropped} of 50 with room for 4 + a batch of 2"
    );

    sqlx::query("ROLLBACK").execute(&mut lock).await.unwrap();
    store.flush().await.unwrap();
    assert_eq!(
        store.dropped_events(),
        dropped,
        "what was buffered got written"
    );
    assert_eq!(stage_rows(&store).await as u64, 50 - dropped);
}

#[tokio::test]
async fn a_write_that_keeps_failing_is_retried_then_counted_and_dropped() {
    let dir = TempDir::new();
    let options = EmbeddedOptions::default()
        .with_busy_timeout(Duration::from_millis(20))
        .with_sink(|s| {
            s.with_backoff(Backoff::new(
                2,
                Duration::from_millis(5),
                Duration::from_millis(5),
            ))
        })
        .with_clock(t0);
    let store = EmbeddedStore::open_with(&dir.db(), options).await.unwrap();
    let video = new_video(&store).await;
    store.record(started(video, 1, 0));
    store.flush().await.unwrap();
    let before = store.video(video).await.unwrap().unwrap();

    let lock = write_lock(&dir.db()).await;
    store.record(stage_done(video, 1, StageName::METADATA, 10));
    store.record(stage_done(video, 1, StageName::TRANSCRIPTION, 10));
    store.flush().await.unwrap(); // resolves: the writer gave up instead of waiting forever
    assert_eq!(store.dropped_events(), 2);
    drop(lock);

    assert_eq!(store.video(video).await.unwrap().unwrap(), before);
    store.record(stage_done(video, 1, StageName::INDEXING, 10));
    store.flush().await.unwrap();
    assert_eq!(
        store.dropped_events(),
        2,
        "the writer recovers once the database is free"
    );
    assert_eq!(stage_rows(&store).await, 1);
}

#[tokio::test]
async fn a_briefly_locked_database_is_retried_with_backoff_and_nothing_is_lost() {
    let dir = TempDir::new();
    let options = EmbeddedOptions::default()
        .with_busy_timeout(Duration::from_millis(20))
        .with_sink(|s| s.with_backoff(Backoff::new(8, Duration::from_millis(20), Duration::MAX)))
        .with_clock(t0);
    let store = EmbeddedStore::open_with(&dir.db(), options).await.unwrap();
    let video = new_video(&store).await;
    store.record(started(video, 1, 0));
    store.flush().await.unwrap();

    let mut lock = write_lock(&dir.db()).await;
    store.record(stage_done(video, 1, StageName::METADATA, 10));
    tokio::time::sleep(Duration::from_millis(150)).await; // longer than one busy timeout
    sqlx::query("ROLLBACK").execute(&mut lock).await.unwrap();
    store.flush().await.unwrap();
    assert_eq!(store.dropped_events(), 0);
    assert_eq!(stage_rows(&store).await, 1);
}

#[tokio::test]
async fn close_drains_everything_recorded_before_it() {
    let dir = TempDir::new();
    let store = file_store(&dir).await;
    let video = new_video(&store).await;
    store.record(started(video, 1, 0));
    for i in 0..200 {
        store.record(stage_done(
            video,
            1,
            StageName::new(format!("s{i}")).unwrap(),
            5,
        ));
    }
    store.close().await.unwrap(); // no flush: closing drains

    let reopened = file_store(&dir).await;
    assert_eq!(stage_rows(&reopened).await, 200);
    assert_eq!(
        reopened.video(video).await.unwrap().unwrap().status,
        VideoStatus::Processing
    );
}

#[tokio::test]
async fn dropping_the_store_still_drains_what_was_recorded() {
    let dir = TempDir::new();
    let store = file_store(&dir).await;
    let video = new_video(&store).await;
    for i in 0..100 {
        store.record(stage_done(
            video,
            1,
            StageName::new(format!("s{i}")).unwrap(),
            5,
        ));
    }
    drop(store); // no flush, no close: the writer keeps going until its channel is empty

    let reopened = file_store(&dir).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while stage_rows(&reopened).await < 100 {
        assert!(
            Instant::now() < deadline,
            "the writer did not drain after the store was dropped"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn record_works_from_a_thread_outside_the_runtime() {
    let store = std::sync::Arc::new(EmbeddedStore::in_memory().await.unwrap());
    let video = new_video(&store).await;
    let sink = store.clone();
    std::thread::spawn(move || sink.record(started(video, 1, 0)))
        .join()
        .unwrap();
    store.flush().await.unwrap();
    assert_eq!(
        store.video(video).await.unwrap().unwrap().status,
        VideoStatus::Processing
    );
}
