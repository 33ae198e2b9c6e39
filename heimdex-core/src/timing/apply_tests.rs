//! One test per rule of `apply.rs` (kept beside it to keep that file short).

use std::time::Duration;

use chrono::{TimeDelta, TimeZone, Utc};
use uuid::Uuid;

use super::*;
use crate::ids::{UserId, VideoId};
use crate::stage::FailureKind;

fn t(secs: i64) -> Timestamp {
    Utc.with_ymd_and_hms(2025, 6, 1, 0, 0, 0).unwrap() + TimeDelta::seconds(secs)
}

const VIDEO: VideoId = VideoId(Uuid::from_u128(7));

fn row() -> VideoRecord {
    VideoRecord::pending(VIDEO, UserId(Uuid::from_u128(1)), "a.mp4", t(0))
}

fn started(attempt: u32, at: i64) -> TimingEvent {
    TimingEvent::JobStarted {
        video: VIDEO,
        attempt,
        at: t(at),
    }
}

fn stage_started(attempt: u32, stage: StageName, at: i64) -> TimingEvent {
    TimingEvent::StageStarted {
        video: VIDEO,
        attempt,
        stage,
        at: t(at),
    }
}

fn finished(attempt: u32, at: i64, ms: u64, outcome: JobOutcome) -> TimingEvent {
    TimingEvent::JobFinished {
        video: VIDEO,
        attempt,
        at: t(at),
        elapsed: Duration::from_millis(ms),
        outcome,
    }
}

fn stage_finished(stage: StageName, outcome: Outcome, ms: u64) -> TimingEvent {
    TimingEvent::StageFinished {
        video: VIDEO,
        attempt: 1,
        stage,
        started_at: t(10),
        finished_at: t(12),
        elapsed: Duration::from_millis(ms),
        outcome,
    }
}

fn failure(stage: StageName, message: &str) -> JobOutcome {
    JobOutcome::Failed {
        stage,
        kind: FailureKind::Decode,
        message: message.into(),
    }
}

/// Applies the events in order, each written at `t(1000 + i)`.
fn run(events: &[TimingEvent]) -> VideoRecord {
    let mut v = row();
    for (i, e) in events.iter().enumerate() {
        apply_to_video(&mut v, e, t(1000 + i as i64)).unwrap();
    }
    v
}

#[test]
fn job_queued_sets_queued_at_and_stage_without_any_attempt_guard() {
    let mut v = row();
    v.processing_attempt = Some(5);
    let at = t(3) + TimeDelta::nanoseconds(1_234_567);
    let e = TimingEvent::JobQueued { video: VIDEO, at };
    assert_eq!(apply_to_video(&mut v, &e, t(4)), Ok(Applied::Updated));
    assert_eq!(v.queued_at, Some(t(3) + TimeDelta::microseconds(1_234)));
    assert_eq!(v.processing_stage.as_deref(), Some("queued"));
    assert_eq!((v.status, v.updated_at), (VideoStatus::Pending, t(4)));
}

#[test]
fn job_started_opens_a_clean_attempt() {
    let mut v = run(&[
        started(1, 1),
        finished(1, 5, 4000, failure(StageName::METADATA, "bad")),
    ]);
    assert_eq!(v.status, VideoStatus::Failed);
    assert_eq!(
        apply_to_video(&mut v, &started(2, 9), t(50)),
        Ok(Applied::Updated)
    );
    assert_eq!(v.status, VideoStatus::Processing);
    assert_eq!(
        (v.processing_attempt, v.processing_started_at),
        (Some(2), Some(t(9)))
    );
    assert_eq!(
        (
            v.error_message.as_deref(),
            v.processing_finished_at,
            v.processing_duration_ms
        ),
        (None, None, None)
    );
    assert_eq!(v.processing_stage.as_deref(), Some("metadata")); // only a stage event moves it
    assert_eq!(v.updated_at, t(50));
}

#[test]
fn job_started_of_an_older_attempt_is_stale_and_the_same_attempt_restarts() {
    let mut v = run(&[started(3, 1)]);
    let before = v.clone();
    assert_eq!(
        apply_to_video(&mut v, &started(2, 8), t(60)),
        Ok(Applied::Stale)
    );
    assert_eq!(v, before);
    assert_eq!(
        apply_to_video(&mut v, &started(3, 8), t(60)),
        Ok(Applied::Updated)
    );
    assert_eq!(v.processing_started_at, Some(t(8)));
}

#[test]
fn stage_started_moves_the_stage_only_for_the_current_attempt() {
    let mut v = run(&[started(2, 1)]);
    let before = v.clone();
    for other in [1, 3] {
        let e = stage_started(other, StageName::TRANSCRIPTION, 2);
        assert_eq!(apply_to_video(&mut v, &e, t(70)), Ok(Applied::Stale));
        assert_eq!(v, before);
    }
    let e = stage_started(2, StageName::TRANSCRIPTION, 2);
    assert_eq!(apply_to_video(&mut v, &e, t(70)), Ok(Applied::Updated));
    assert_eq!(
        (v.processing_stage.as_deref(), v.updated_at),
        (Some("transcription"), t(70))
    );
}

#[test]
fn an_attempt_less_row_accepts_an_attempt_and_remembers_it() {
    let v = run(&[stage_started(4, StageName::METADATA, 2)]);
    assert_eq!(
        (v.processing_attempt, v.processing_stage.as_deref()),
        (Some(4), Some("metadata"))
    );
    let mut v = row();
    let e = finished(2, 9, 100, JobOutcome::Succeeded);
    assert_eq!(apply_to_video(&mut v, &e, t(1)), Ok(Applied::Updated));
    assert_eq!(
        (v.status, v.processing_attempt),
        (VideoStatus::Ready, Some(2))
    );
}

#[test]
fn stage_finished_never_touches_the_row() {
    let mut v = run(&[started(1, 1)]);
    let before = v.clone();
    let e = stage_finished(StageName::METADATA, Outcome::Ok, 2000);
    assert_eq!(apply_to_video(&mut v, &e, t(99)), Ok(Applied::Unchanged));
    assert_eq!(v, before);
}

#[test]
fn success_is_ready_completed_with_finish_time_and_duration() {
    let v = run(&[
        TimingEvent::JobQueued {
            video: VIDEO,
            at: t(0),
        },
        started(1, 1),
        stage_started(1, StageName::INDEXING, 2),
        finished(1, 61, 60_000, JobOutcome::Succeeded),
    ]);
    assert_eq!(v.status, VideoStatus::Ready);
    assert_eq!(v.processing_stage.as_deref(), Some("completed"));
    assert_eq!(
        (v.processing_finished_at, v.processing_duration_ms),
        (Some(t(61)), Some(60_000))
    );
    assert_eq!(
        (
            v.queued_at,
            v.processing_started_at,
            v.error_message.as_deref()
        ),
        (Some(t(0)), Some(t(1)), None)
    );
    assert_eq!(v.updated_at, t(1003));
}

#[test]
fn failure_keeps_the_failed_stage_and_a_clipped_message() {
    let long = "x".repeat(800);
    let v = run(&[
        started(1, 1),
        stage_started(1, StageName::TRANSCRIPTION, 2),
        finished(1, 5, 4_321, failure(StageName::TRANSCRIPTION, &long)),
    ]);
    assert_eq!(v.status, VideoStatus::Failed);
    assert_eq!(v.processing_stage.as_deref(), Some("transcription"));
    assert_eq!(
        v.error_message.as_ref().map(|m| m.chars().count()),
        Some(500)
    );
    assert_eq!(
        (v.processing_finished_at, v.processing_duration_ms),
        (Some(t(5)), Some(4_321))
    );
}

#[test]
fn job_finished_of_another_attempt_is_stale() {
    let mut v = run(&[started(2, 1)]);
    let before = v.clone();
    for other in [1, 3] {
        let e = finished(other, 5, 1, failure(StageName::METADATA, "late"));
        assert_eq!(apply_to_video(&mut v, &e, t(80)), Ok(Applied::Stale));
        assert_eq!(v, before);
    }
}

#[test]
fn durations_are_whole_milliseconds_and_must_fit_i32() {
    let v = run(&[started(1, 1), finished(1, 3, 0, JobOutcome::Succeeded)]);
    assert_eq!(v.processing_duration_ms, Some(0));
    let mut v = run(&[started(1, 1)]);
    let mut e = finished(1, 3, 0, JobOutcome::Succeeded);
    if let TimingEvent::JobFinished { elapsed, .. } = &mut e {
        *elapsed = Duration::from_micros(1_999);
    }
    apply_to_video(&mut v, &e, t(9)).unwrap();
    assert_eq!(v.processing_duration_ms, Some(1)); // truncated
    let mut v = run(&[started(1, 1)]);
    let before = v.clone();
    let huge = finished(1, 3, i32::MAX as u64 + 1, JobOutcome::Succeeded);
    assert!(matches!(
        apply_to_video(&mut v, &huge, t(9)),
        Err(Rejected::ElapsedOutOfRange(_))
    ));
    let huge_stage = stage_finished(StageName::METADATA, Outcome::Ok, i32::MAX as u64 + 1);
    assert!(matches!(
        apply_to_video(&mut v, &huge_stage, t(9)),
        Err(Rejected::ElapsedOutOfRange(_))
    ));
    assert_eq!(v, before);
    assert_eq!(stage_timing_row(&huge_stage), None);
}

#[test]
fn finishing_before_the_start_is_rejected() {
    let mut v = run(&[started(1, 100)]);
    let before = v.clone();
    let early = finished(1, 99, 1, JobOutcome::Succeeded);
    assert_eq!(
        apply_to_video(&mut v, &early, t(200)),
        Err(Rejected::FinishedBeforeStart {
            started: t(100),
            finished: t(99)
        })
    );
    let mut backwards = stage_finished(StageName::METADATA, Outcome::Ok, 1);
    if let TimingEvent::StageFinished { finished_at, .. } = &mut backwards {
        *finished_at = t(9);
    }
    assert!(matches!(
        apply_to_video(&mut v, &backwards, t(200)),
        Err(Rejected::FinishedBeforeStart { .. })
    ));
    assert_eq!(stage_timing_row(&backwards), None);
    assert_eq!(v, before);
}

#[test]
fn attempts_must_be_1_based_i32() {
    let mut v = row();
    for bad in [0, i32::MAX as u32 + 1] {
        assert_eq!(
            apply_to_video(&mut v, &started(bad, 1), t(2)),
            Err(Rejected::AttemptOutOfRange(bad))
        );
    }
    assert_eq!(v, row());
}

#[test]
fn events_of_another_video_are_rejected() {
    let mut v = row();
    let e = TimingEvent::JobQueued {
        video: VideoId(Uuid::from_u128(8)),
        at: t(1),
    };
    assert!(matches!(
        apply_to_video(&mut v, &e, t(2)),
        Err(Rejected::WrongVideo { .. })
    ));
    assert_eq!(v, row());
}

#[test]
fn stage_rows_for_started_and_finished_stages() {
    let open = stage_timing_row(&stage_started(2, StageName::METADATA, 10)).unwrap();
    assert_eq!(
        (open.video_id, open.attempt, open.stage.as_str()),
        (VIDEO, 2, "metadata")
    );
    assert_eq!(
        (open.started_at, open.finished_at, open.duration_ms),
        (t(10), None, None)
    );
    assert_eq!((open.outcome, open.error), (None, None));

    let ok = stage_timing_row(&stage_finished(StageName::METADATA, Outcome::Ok, 2_000)).unwrap();
    assert_eq!(
        (ok.started_at, ok.finished_at, ok.duration_ms),
        (t(10), Some(t(12)), Some(2_000))
    );
    assert_eq!((ok.outcome.as_deref(), ok.error), (Some("ok"), None));

    let failed = Outcome::Failed {
        kind: FailureKind::Model,
        message: "é".repeat(600),
    };
    let row = stage_timing_row(&stage_finished(StageName::SCENE_PROCESSING, failed, 5)).unwrap();
    assert_eq!(row.outcome.as_deref(), Some("failed"));
    assert_eq!(row.error.map(|e| e.chars().count()), Some(500));

    assert_eq!(stage_timing_row(&started(1, 1)), None);
    assert_eq!(
        stage_timing_row(&finished(1, 1, 1, JobOutcome::Succeeded)),
        None
    );
    assert_eq!(
        stage_timing_row(&TimingEvent::JobQueued {
            video: VIDEO,
            at: t(1)
        }),
        None
    );
}
