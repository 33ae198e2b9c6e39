//! The PostgreSQL timing sink's rules: the same row changes as `heimdex_core::timing::apply`
//! (checked against the in-memory store), and bad events counted and dropped without touching a
//! row. Delivery (a `record` that never waits, close) is in `postgres_sink_delivery.rs`.

use heimdex_testsupport as support;

use std::time::Duration;

use chrono::TimeDelta;
use heimdex_core::memory::MemoryStore;
use heimdex_core::time::now;
use heimdex_core::{
    Catalog, Flush, JobOutcome, Outcome, StageName, TimingEvent, TimingSink, UserId, VideoId,
};
use heimdex_postgres::PgOptions;
use support::events::{comparable, stage, two_attempts, video_in};
use support::pg::TestDb;

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
    let pg = db.store_with(PgOptions::default().with_sink(|s| s.with_batch(64)));
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
