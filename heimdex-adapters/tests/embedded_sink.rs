//! The embedded store's timing sink: what events write, and that bad events, a locked database
//! and a full channel are counted and dropped without blocking, failing or corrupting a row.
#![cfg(feature = "embedded")]

mod embedded_support;

use std::time::{Duration, Instant};

use chrono::TimeDelta;
use embedded_support::{file_store, profile, t0, TempDir};
use heimdex_adapters::embedded::{EmbeddedOptions, EmbeddedStore};
use heimdex_core::record::{NewVideo, VideoRecord};
use heimdex_core::{
    Catalog, FailureKind, Flush, JobOutcome, Outcome, StageName, TimingEvent, TimingSink, VideoId,
    VideoStatus,
};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, SqliteConnection};

async fn new_video(store: &EmbeddedStore) -> VideoId {
    let owner = profile(store, "Alice").await;
    store
        .create_video(NewVideo {
            id: None,
            owner_id: owner,
            storage_path: "/videos/talk.mp4".into(),
            filename: Some("talk.mp4".into()),
        })
        .await
        .unwrap()
}

fn started(video: VideoId, attempt: u32, at_min: i64) -> TimingEvent {
    TimingEvent::JobStarted {
        video,
        attempt,
        at: t0() + TimeDelta::minutes(at_min),
    }
}

fn stage_done(video: VideoId, attempt: u32, stage: StageName, ms: u64) -> TimingEvent {
    TimingEvent::StageFinished {
        video,
        attempt,
        stage,
        started_at: t0() + TimeDelta::minutes(1),
        finished_at: t0() + TimeDelta::minutes(1) + TimeDelta::milliseconds(ms as i64),
        elapsed: Duration::from_millis(ms),
        outcome: Outcome::Ok,
    }
}

async fn stage_rows(store: &EmbeddedStore) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM video_stage_timings")
        .fetch_one(store.pool())
        .await
        .unwrap()
}

/// Holds SQLite's write lock on `path` from a second connection until dropped or released.
async fn write_lock(path: &std::path::Path) -> SqliteConnection {
    let mut conn = SqliteConnection::connect_with(&SqliteConnectOptions::new().filename(path))
        .await
        .unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut conn)
        .await
        .unwrap();
    conn
}

#[tokio::test]
async fn a_successful_attempt_writes_the_video_row_and_one_stage_row_per_stage() {
    let dir = TempDir::new();
    let store = file_store(&dir).await;
    let video = new_video(&store).await;
    store.record(TimingEvent::JobQueued { video, at: t0() });
    store.record(started(video, 1, 4));
    for (stage, ms) in [
        (StageName::METADATA, 1_500),
        (StageName::TRANSCRIPTION, 60_000),
    ] {
        store.record(TimingEvent::StageStarted {
            video,
            attempt: 1,
            stage: stage.clone(),
            at: t0() + TimeDelta::minutes(4),
        });
        store.record(stage_done(video, 1, stage, ms));
    }
    let finished = t0() + TimeDelta::minutes(6);
    store.record(TimingEvent::JobFinished {
        video,
        attempt: 1,
        at: finished,
        elapsed: Duration::from_millis(120_000),
        outcome: JobOutcome::Succeeded,
    });
    store.flush().await.unwrap();

    let row = store.video(video).await.unwrap().unwrap();
    assert_eq!(row.status, VideoStatus::Ready);
    assert_eq!(row.queued_at, Some(t0()));
    assert_eq!(
        row.processing_started_at,
        Some(t0() + TimeDelta::minutes(4))
    );
    assert_eq!(row.processing_finished_at, Some(finished));
    assert_eq!(row.processing_duration_ms, Some(120_000));
    assert_eq!(row.processing_stage.as_deref(), Some("completed"));
    assert_eq!(row.processing_attempt, Some(1));
    assert_eq!(row.error_message, None);

    let stages = store.stage_timings(video).await.unwrap();
    let got: Vec<(&str, Option<i32>, Option<&str>)> = stages
        .iter()
        .map(|s| (s.stage.as_str(), s.duration_ms, s.outcome.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("metadata", Some(1_500), Some("ok")),
            ("transcription", Some(60_000), Some("ok"))
        ]
    );
    assert_eq!(store.dropped_events(), 0);
}

#[tokio::test]
async fn a_failed_attempt_keeps_the_failing_stage() {
    let dir = TempDir::new();
    let store = file_store(&dir).await;
    let video = new_video(&store).await;
    store.record(started(video, 1, 0));
    store.record(TimingEvent::StageStarted {
        video,
        attempt: 1,
        stage: StageName::TRANSCRIPTION,
        at: t0(),
    });
    store.record(TimingEvent::JobFinished {
        video,
        attempt: 1,
        at: t0() + TimeDelta::minutes(1),
        elapsed: Duration::from_millis(60_000),
        outcome: JobOutcome::Failed {
            stage: StageName::TRANSCRIPTION,
            kind: FailureKind::Decode,
            message: "x".repeat(600),
        },
    });
    store.flush().await.unwrap();
    let row = store.video(video).await.unwrap().unwrap();
    assert_eq!(row.status, VideoStatus::Failed);
    assert_eq!(row.processing_stage.as_deref(), Some("transcription"));
    assert_eq!(row.error_message.map(|m| m.chars().count()), Some(500));
    assert_eq!(row.processing_duration_ms, Some(60_000));
}

#[tokio::test]
async fn events_for_an_unknown_video_are_counted_and_dropped() {
    let dir = TempDir::new();
    let store = file_store(&dir).await;
    let known = new_video(&store).await;
    let stranger = VideoId::new_v4();
    store.record(started(stranger, 1, 0));
    store.record(stage_done(stranger, 1, StageName::METADATA, 10));
    store.record(started(known, 1, 0)); // in the same batch, unaffected
    store.flush().await.unwrap();
    assert_eq!(store.dropped_events(), 2);
    assert_eq!(store.video(stranger).await.unwrap(), None);
    assert_eq!(
        store.video(known).await.unwrap().unwrap().status,
        VideoStatus::Processing
    );
    assert_eq!(stage_rows(&store).await, 0);
}

#[tokio::test]
async fn absurd_durations_are_counted_and_dropped_and_leave_rows_intact() {
    let dir = TempDir::new();
    let store = file_store(&dir).await;
    let video = new_video(&store).await;
    store.record(started(video, 1, 0));
    store.record(stage_done(video, 1, StageName::METADATA, 1_000));
    store.flush().await.unwrap();
    let before: VideoRecord = store.video(video).await.unwrap().unwrap();
    let stages_before = store.stage_timings(video).await.unwrap();

    let absurd = i32::MAX as u64 + 1;
    store.record(stage_done(video, 1, StageName::METADATA, absurd));
    store.record(stage_done(video, 1, StageName::TRANSCRIPTION, absurd));
    store.record(TimingEvent::JobFinished {
        video,
        attempt: 1,
        at: t0() + TimeDelta::days(30),
        elapsed: Duration::from_millis(absurd),
        outcome: JobOutcome::Succeeded,
    });
    store.flush().await.unwrap();
    assert_eq!(store.dropped_events(), 3);
    assert_eq!(store.video(video).await.unwrap().unwrap(), before);
    assert_eq!(store.stage_timings(video).await.unwrap(), stages_before);
}

#[tokio::test]
async fn stale_job_events_are_dropped_but_an_older_attempts_stage_row_is_kept() {
    let dir = TempDir::new();
    let store = file_store(&dir).await;
    let video = new_video(&store).await;
    store.record(started(video, 2, 0));
    store.flush().await.unwrap();
    let before = store.video(video).await.unwrap().unwrap();

    store.record(started(video, 1, 1));
    store.record(TimingEvent::JobFinished {
        video,
        attempt: 1,
        at: t0() + TimeDelta::minutes(2),
        elapsed: Duration::from_millis(1_000),
        outcome: JobOutcome::Succeeded,
    });
    store.record(stage_done(video, 1, StageName::METADATA, 700));
    store.flush().await.unwrap();
    assert_eq!(
        store.dropped_events(),
        2,
        "the two job events of attempt 1 are stale"
    );
    assert_eq!(store.video(video).await.unwrap().unwrap(), before);
    let stages = store.stage_timings(video).await.unwrap();
    assert_eq!(stages.len(), 1);
    assert_eq!((stages[0].attempt, stages[0].duration_ms), (1, Some(700)));
}

#[tokio::test]
async fn an_invalid_stage_name_cannot_be_built_so_it_never_reaches_the_sink() {
    let video = VideoId::new_v4();
    let event = serde_json::json!({
        "event": "stage_started", "video": video, "attempt": 1,
        "stage": "Scene Detection", "at": "2025-12-23T10:30:00.123456Z"
    });
    assert!(serde_json::from_value::<TimingEvent>(event.clone()).is_err());
    let mut fixed = event;
    fixed["stage"] = "scene_detection".into();
    assert!(
        serde_json::from_value::<TimingEvent>(fixed).is_ok(),
        "only the stage name was wrong"
    );
    assert!(StageName::new("scene-detection").is_err());
}

#[tokio::test]
async fn a_full_channel_drops_and_counts_instead_of_blocking() {
    let dir = TempDir::new();
    let options = EmbeddedOptions::default()
        .with_sink_capacity(4)
        .with_sink_batch(2)
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
        .with_retries(2, Duration::from_millis(5))
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
        .with_retries(8, Duration::from_millis(20))
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
