//! The rules of `apply.rs` for attempts that end without finishing: interrupted and buried.

use chrono::{TimeDelta, TimeZone, Utc};
use uuid::Uuid;

use super::*;
use crate::ids::{UserId, VideoId};
use crate::stage::FailureKind;

fn t(secs: i64) -> Timestamp {
    Utc.with_ymd_and_hms(2025, 6, 1, 0, 0, 0).unwrap() + TimeDelta::seconds(secs)
}

const VIDEO: VideoId = VideoId(Uuid::from_u128(9));

/// A row whose attempt `attempt` started at t(10) and is at `transcription`.
fn running(attempt: u32) -> VideoRecord {
    let mut row = VideoRecord::pending(VIDEO, UserId(Uuid::from_u128(1)), "a.mp4", t(0));
    let started = TimingEvent::JobStarted {
        video: VIDEO,
        attempt,
        at: t(10),
    };
    apply_to_video(&mut row, &started, t(10)).unwrap();
    let stage = TimingEvent::StageStarted {
        video: VIDEO,
        attempt,
        stage: StageName::TRANSCRIPTION,
        at: t(11),
    };
    apply_to_video(&mut row, &stage, t(11)).unwrap();
    row
}

fn interrupted(attempt: u32) -> TimingEvent {
    TimingEvent::JobInterrupted {
        video: VIDEO,
        attempt,
        at: t(20),
    }
}

fn buried(attempt: u32) -> TimingEvent {
    TimingEvent::JobBuried {
        video: VIDEO,
        attempt,
        at: t(30),
        reason: "lease expired on attempt 2, no retry left".into(),
    }
}

#[test]
fn an_interrupted_attempt_puts_the_video_back_in_the_queue_without_a_failure() {
    let mut row = running(2);
    assert_eq!(
        apply_to_video(&mut row, &interrupted(2), t(20)),
        Ok(Applied::Updated)
    );
    assert_eq!(row.status, VideoStatus::Pending);
    assert_eq!(row.processing_stage.as_deref(), Some("queued"));
    assert_eq!(row.processing_finished_at, None);
    assert_eq!(row.processing_duration_ms, None);
    assert_eq!(row.error_message, None);
    assert_eq!(row.processing_attempt, Some(2));
    assert_eq!(row.updated_at, t(20));
}

#[test]
fn an_interruption_of_an_older_attempt_leaves_the_newer_one_alone() {
    let mut row = running(3);
    let before = row.clone();
    assert_eq!(
        apply_to_video(&mut row, &interrupted(2), t(20)),
        Ok(Applied::Stale)
    );
    assert_eq!(row, before);
}

#[test]
fn a_buried_job_fails_its_running_video_and_keeps_the_stage() {
    let mut row = running(2);
    assert_eq!(
        apply_to_video(&mut row, &buried(2), t(31)),
        Ok(Applied::Updated)
    );
    assert_eq!(row.status, VideoStatus::Failed);
    assert_eq!(row.processing_stage.as_deref(), Some("transcription"));
    assert_eq!(row.processing_finished_at, Some(t(30)));
    assert_eq!(row.processing_duration_ms, None);
    assert_eq!(
        row.error_message.as_deref(),
        Some("lease expired on attempt 2, no retry left")
    );
}

#[test]
fn a_burial_leaves_a_finished_video_and_a_newer_attempt_alone() {
    let mut row = running(2);
    let done = TimingEvent::JobFinished {
        video: VIDEO,
        attempt: 2,
        at: t(15),
        elapsed: std::time::Duration::from_secs(5),
        outcome: JobOutcome::Failed {
            stage: StageName::TRANSCRIPTION,
            kind: FailureKind::Decode,
            message: "broken".into(),
        },
    };
    apply_to_video(&mut row, &done, t(15)).unwrap();
    let before = row.clone();
    assert_eq!(
        apply_to_video(&mut row, &buried(2), t(31)),
        Ok(Applied::Unchanged)
    );
    assert_eq!(row, before);
    let mut newer = running(3);
    let before = newer.clone();
    assert_eq!(
        apply_to_video(&mut newer, &buried(2), t(31)),
        Ok(Applied::Stale)
    );
    assert_eq!(newer, before);
}

#[test]
fn a_cancelled_stage_row_says_cancelled_and_a_timed_out_one_failed() {
    let row = |kind| {
        stage_timing_row(&TimingEvent::StageFinished {
            video: VIDEO,
            attempt: 1,
            stage: StageName::METADATA,
            started_at: t(1),
            finished_at: t(2),
            elapsed: std::time::Duration::from_secs(1),
            outcome: Outcome::Failed {
                kind,
                message: "stopped".into(),
            },
        })
        .unwrap()
    };
    assert_eq!(
        row(FailureKind::Cancelled).outcome.as_deref(),
        Some("cancelled")
    );
    assert_eq!(
        row(FailureKind::TimedOut).outcome.as_deref(),
        Some("failed")
    );
}

#[test]
fn the_queue_fence_makes_an_older_attempt_stale_before_the_newer_one_is_written() {
    // Attempt 2 lost its lease and attempt 3 was claimed, but attempt 3's start is not written.
    let mut row = running(2);
    let before = row.clone();
    let late_end = TimingEvent::JobFinished {
        video: VIDEO,
        attempt: 2,
        at: t(40),
        elapsed: std::time::Duration::from_secs(30),
        outcome: JobOutcome::Succeeded,
    };
    assert_eq!(
        apply_fenced(&mut row, &late_end, t(41), Some(3)),
        Ok(Applied::Stale)
    );
    assert_eq!(row, before);
    // Without a newer claim the same event applies.
    assert_eq!(
        apply_fenced(&mut row, &late_end, t(41), Some(2)),
        Ok(Applied::Updated)
    );
    assert_eq!(row.status, VideoStatus::Ready);
}
