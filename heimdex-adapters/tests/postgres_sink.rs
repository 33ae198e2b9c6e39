//! The PostgreSQL timing sink: the same row changes as `heimdex_core::timing::apply` (checked
//! against the in-memory store), bad events counted and dropped without touching a row, and a
//! `record` that never waits, even when the writer cannot get a connection.

mod support;

use std::time::{Duration, Instant};

use chrono::TimeDelta;
use heimdex_adapters::postgres::{PgOptions, PgStore};
use heimdex_core::memory::MemoryStore;
use heimdex_core::record::{NewProfile, NewVideo, VideoRecord};
use heimdex_core::time::{now, Timestamp};
use heimdex_core::{
    Catalog, FailureKind, Flush, JobOutcome, Outcome, StageName, TimingEvent, TimingSink, UserId,
    VideoId,
};
use support::pg::TestDb;

/// Creates the same profile and video (same ids) in `store`.
async fn video_in(store: &dyn Catalog, owner: UserId, video: VideoId) {
    let full_name = "Alice".to_owned();
    store
        .upsert_profile(NewProfile {
            user_id: owner,
            full_name,
        })
        .await
        .unwrap();
    let new = NewVideo {
        id: Some(video),
        owner_id: owner,
        storage_path: "a.mp4".into(),
        filename: None,
    };
    store.create_video(new).await.unwrap();
}

fn stage(video: VideoId, attempt: u32, name: &str, t0: Timestamp, ok: bool) -> [TimingEvent; 2] {
    let stage = StageName::new(name).unwrap();
    let outcome = if ok {
        Outcome::Ok
    } else {
        Outcome::Failed {
            kind: FailureKind::Decode,
            message: "bad frame ".repeat(80),
        }
    };
    [
        TimingEvent::StageStarted {
            video,
            attempt,
            stage: stage.clone(),
            at: t0,
        },
        TimingEvent::StageFinished {
            video,
            attempt,
            stage,
            started_at: t0,
            finished_at: t0 + TimeDelta::milliseconds(1_500),
            elapsed: Duration::from_micros(1_500_700),
            outcome,
        },
    ]
}

/// A failed first attempt, a successful retry, then late events of the first attempt.
fn two_attempts(video: VideoId, t0: Timestamp) -> Vec<TimingEvent> {
    let s = |secs: i64| t0 + TimeDelta::seconds(secs);
    let failed = JobOutcome::Failed {
        stage: StageName::TRANSCRIPTION,
        kind: FailureKind::Decode,
        message: "é".repeat(700),
    };
    let mut events = vec![
        TimingEvent::JobQueued { video, at: s(0) },
        TimingEvent::JobStarted {
            video,
            attempt: 1,
            at: s(5),
        },
    ];
    events.extend(stage(video, 1, "metadata", s(6), true));
    events.extend(stage(video, 1, "transcription", s(8), false));
    events.push(TimingEvent::JobFinished {
        video,
        attempt: 1,
        at: s(10),
        elapsed: Duration::from_millis(5_000),
        outcome: failed.clone(),
    });
    events.push(TimingEvent::JobQueued { video, at: s(20) });
    events.push(TimingEvent::JobStarted {
        video,
        attempt: 2,
        at: s(30),
    });
    events.extend(stage(video, 2, "metadata", s(31), true));
    events.extend(stage(video, 2, "transcription", s(33), true));
    events.push(TimingEvent::JobFinished {
        video,
        attempt: 2,
        at: s(40),
        elapsed: Duration::from_micros(10_000_999),
        outcome: JobOutcome::Succeeded,
    });
    // Late: a stage row of attempt 1 (kept), and a job event of attempt 1 (stale, ignored).
    events.extend(stage(video, 1, "indexing", s(41), false));
    events.push(TimingEvent::JobFinished {
        video,
        attempt: 1,
        at: s(42),
        elapsed: Duration::from_millis(1),
        outcome: failed,
    });
    events
}

/// The row without `created_at` and `updated_at`, which each store stamps with its own clock.
fn comparable(mut row: VideoRecord) -> VideoRecord {
    row.created_at = chrono::DateTime::UNIX_EPOCH;
    row.updated_at = chrono::DateTime::UNIX_EPOCH;
    row
}

#[tokio::test]
async fn events_change_rows_exactly_as_the_core_rules_do() {
    let db = TestDb::new().await;
    let pg = db.store();
    let memory = MemoryStore::new();
    let (owner, video) = (UserId::new_v4(), VideoId::new_v4());
    video_in(&pg, owner, video).await;
    video_in(&memory, owner, video).await;
    let before = pg.video(video).await.unwrap().unwrap();
    for event in two_attempts(video, now()) {
        pg.record(event.clone());
        memory.record(event);
    }
    pg.flush().await.unwrap();

    let row = pg.video(video).await.unwrap().unwrap();
    let expected = memory.video(video).await.unwrap().unwrap();
    assert_eq!(comparable(row.clone()), comparable(expected));
    assert_eq!(row.status, heimdex_core::VideoStatus::Ready);
    assert_eq!(
        (row.processing_attempt, row.processing_duration_ms),
        (Some(2), Some(10_000))
    );
    assert_eq!(
        row.error_message, None,
        "success clears the first attempt's error"
    );
    assert!(row.updated_at >= before.updated_at);
    assert_eq!(
        pg.stage_timings(video).await.unwrap(),
        memory.stage_timings(video).await.unwrap()
    );
    assert_eq!(pg.stage_timings(video).await.unwrap().len(), 5);
    assert_eq!(pg.dropped_events(), memory.dropped_events());
    assert_eq!(pg.dropped_events(), 1, "the stale JobFinished of attempt 1");
}

#[tokio::test]
async fn a_failure_keeps_the_failing_stage_and_a_clipped_message() {
    let db = TestDb::new().await;
    let pg = db.store();
    let (owner, video) = (UserId::new_v4(), VideoId::new_v4());
    video_in(&pg, owner, video).await;
    let events = two_attempts(video, now());
    for event in &events[..7] {
        pg.record(event.clone());
    }
    pg.flush().await.unwrap();
    let row = pg.video(video).await.unwrap().unwrap();
    assert_eq!(row.status, heimdex_core::VideoStatus::Failed);
    assert_eq!(row.processing_stage.as_deref(), Some("transcription"));
    assert_eq!(
        row.error_message.as_ref().map(|m| m.chars().count()),
        Some(500)
    );
    assert_eq!(row.processing_duration_ms, Some(5_000));
    let stages = pg.stage_timings(video).await.unwrap();
    assert_eq!(stages[1].outcome.as_deref(), Some("failed"));
    assert_eq!(stages[1].duration_ms, Some(1_500));
}

#[tokio::test]
async fn events_for_unknown_videos_are_counted_and_the_rest_of_the_batch_is_written() {
    let db = TestDb::new().await;
    let pg = db.store();
    let (owner, video) = (UserId::new_v4(), VideoId::new_v4());
    video_in(&pg, owner, video).await;
    let ghost = VideoId::new_v4();
    let t0 = now();
    pg.record(TimingEvent::JobStarted {
        video: ghost,
        attempt: 1,
        at: t0,
    });
    pg.record(TimingEvent::JobQueued { video, at: t0 });
    for e in stage(ghost, 1, "metadata", t0, true) {
        pg.record(e);
    }
    pg.flush().await.unwrap();
    assert_eq!(pg.dropped_events(), 3);
    assert_eq!(
        pg.video(video)
            .await
            .unwrap()
            .unwrap()
            .processing_stage
            .as_deref(),
        Some("queued")
    );
    assert!(
        pg.video(ghost).await.unwrap().is_none(),
        "no row is invented"
    );
    let stage_rows: i64 = sqlx::query_scalar("SELECT count(*) FROM video_stage_timings")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(stage_rows, 0);
}

#[tokio::test]
async fn absurd_durations_and_ends_before_starts_leave_the_row_exactly_as_it_was() {
    let db = TestDb::new().await;
    let pg = db.store();
    let (owner, video) = (UserId::new_v4(), VideoId::new_v4());
    video_in(&pg, owner, video).await;
    let t0 = now();
    pg.record(TimingEvent::JobStarted {
        video,
        attempt: 1,
        at: t0,
    });
    pg.flush().await.unwrap();
    let before = pg.video(video).await.unwrap().unwrap();
    let absurd = Duration::from_secs(60 * 60 * 24 * 365); // a year: beyond i32 milliseconds
    let bad = [
        TimingEvent::JobFinished {
            video,
            attempt: 1,
            at: t0 + TimeDelta::seconds(1),
            elapsed: absurd,
            outcome: JobOutcome::Succeeded,
        },
        TimingEvent::JobFinished {
            video,
            attempt: 1,
            at: t0 - TimeDelta::seconds(1),
            elapsed: Duration::from_millis(5),
            outcome: JobOutcome::Succeeded,
        },
        TimingEvent::StageFinished {
            video,
            attempt: 1,
            stage: StageName::METADATA,
            started_at: t0,
            finished_at: t0 - TimeDelta::seconds(3),
            elapsed: Duration::from_millis(5),
            outcome: Outcome::Ok,
        },
        TimingEvent::StageFinished {
            video,
            attempt: 1,
            stage: StageName::METADATA,
            started_at: t0,
            finished_at: t0,
            elapsed: absurd,
            outcome: Outcome::Ok,
        },
        TimingEvent::JobStarted {
            video,
            attempt: 0,
            at: t0,
        },
    ];
    for event in bad {
        pg.record(event);
    }
    pg.flush().await.unwrap();
    assert_eq!(pg.dropped_events(), 5);
    assert_eq!(
        pg.video(video).await.unwrap().unwrap(),
        before,
        "not a single column moved"
    );
    assert!(pg.stage_timings(video).await.unwrap().is_empty());
}

#[test]
fn a_stage_name_that_is_not_valid_cannot_reach_the_sink() {
    assert!(StageName::new("Scene-Detection").is_err());
    let json = format!(
        r#"{{"event":"stage_started","video":"{}","attempt":1,"stage":"DROP TABLE videos","at":"2026-01-01T00:00:00Z"}}"#,
        VideoId::new_v4()
    );
    assert!(serde_json::from_str::<TimingEvent>(&json).is_err());
}

#[tokio::test]
async fn the_database_refuses_invalid_stage_rows_written_by_hand() {
    let db = TestDb::new().await;
    let pg = db.store();
    let (owner, video) = (UserId::new_v4(), VideoId::new_v4());
    video_in(&pg, owner, video).await;
    for (stage, ms, outcome) in [
        ("Bad Stage", 1, "ok"),
        ("metadata", -5, "ok"),
        ("metadata", 1, "maybe"),
    ] {
        let err = sqlx::query(
            "INSERT INTO video_stage_timings (video_id, attempt, stage, started_at, duration_ms, outcome) \
             VALUES ($1, 1, $2, now(), $3, $4)",
        )
        .bind(video.0)
        .bind(stage)
        .bind(ms)
        .bind(outcome)
        .execute(db.pool())
        .await
        .unwrap_err();
        let sqlx::Error::Database(e) = err else {
            panic!("{err}")
        };
        assert_eq!(
            e.code().as_deref(),
            Some("23514"),
            "check_violation for {stage} {ms} {outcome}"
        );
    }
}

#[tokio::test]
async fn many_videos_are_written_in_batches_with_every_event_applied() {
    let db = TestDb::new().await;
    let pg = db.store_with(PgOptions::default().with_sink_batch(64));
    let memory = MemoryStore::new();
    let owner = UserId::new_v4();
    let videos: Vec<VideoId> = (0..150).map(|_| VideoId::new_v4()).collect();
    for &v in &videos {
        video_in(&pg, owner, v).await;
        video_in(&memory, owner, v).await;
    }
    let t0 = now();
    let per_video: Vec<Vec<TimingEvent>> = videos.iter().map(|&v| two_attempts(v, t0)).collect();
    // Interleaved, as many workers would send them.
    for i in 0..per_video[0].len() {
        for events in &per_video {
            pg.record(events[i].clone());
            memory.record(events[i].clone());
        }
    }
    pg.flush().await.unwrap();
    for &v in &videos {
        let row = pg.video(v).await.unwrap().unwrap();
        let expected = memory.video(v).await.unwrap().unwrap();
        assert_eq!(comparable(row.clone()), comparable(expected));
    }
    let stage_rows: i64 = sqlx::query_scalar("SELECT count(*) FROM video_stage_timings")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(stage_rows, 150 * 5);
    assert_eq!(pg.dropped_events(), 150);
}

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
    let options = PgOptions::default()
        .with_sink_capacity(16)
        .with_sink_batch(8)
        .with_retries(50, Duration::from_millis(20), Duration::from_millis(50));
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
        PgOptions::default().with_retries(2, Duration::from_millis(5), Duration::from_millis(5)),
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
