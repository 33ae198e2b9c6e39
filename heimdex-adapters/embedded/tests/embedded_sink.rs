//! The embedded store's timing sink: what each event writes, and that events for unknown videos,
//! stale events and absurd durations are counted and dropped without corrupting a row.

mod embedded_support;

use std::time::Duration;

use chrono::TimeDelta;
use embedded_support::events::{new_video, stage_done, stage_rows, started};
use embedded_support::{file_store, t0, TempDir};
use heimdex_core::record::VideoRecord;
use heimdex_core::{
    Catalog, FailureKind, Flush, JobOutcome, StageName, TimingEvent, TimingSink, VideoId,
    VideoStatus,
};

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
