//! Helpers of the sink suite: event builders and row readers.

use std::time::Duration;

use chrono::TimeDelta;

use crate::catalog::Store;
use crate::ids::{UserId, VideoId};
use crate::job::JobOutcome;
use crate::record::{NewVideo, StageTimingRecord, VideoRecord};
use crate::stage::{FailureKind, Outcome, StageName};
use crate::time::Timestamp;
use crate::timing::TimingEvent;

pub(super) fn new_video(owner: UserId) -> NewVideo {
    NewVideo {
        id: None,
        owner_id: owner,
        storage_path: "uploads/sink.mp4".into(),
        filename: Some("sink.mp4".into()),
    }
}

pub(super) async fn create(store: &dyn Store, owner: UserId) -> VideoId {
    store
        .create_video(new_video(owner))
        .await
        .expect("create video")
}

pub(super) async fn feed(store: &dyn Store, events: impl IntoIterator<Item = TimingEvent>) {
    for event in events {
        store.record(event);
    }
    store.flush().await.expect("flush");
}

pub(super) async fn row(store: &dyn Store, id: VideoId) -> VideoRecord {
    store
        .video(id)
        .await
        .expect("video")
        .expect("the video exists")
}

/// `stage/attempt/duration_ms/outcome` of each stage row in the store's order (`-` for null).
pub(super) async fn history(store: &dyn Store, id: VideoId) -> Vec<String> {
    let rows: Vec<StageTimingRecord> = store.stage_timings(id).await.expect("stage timings");
    let or_dash = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    rows.into_iter()
        .map(|r| {
            let ms = or_dash(r.duration_ms.map(|ms| ms.to_string()));
            format!("{}/{}/{ms}/{}", r.stage, r.attempt, or_dash(r.outcome))
        })
        .collect()
}

pub(super) fn queued(video: VideoId, at: Timestamp) -> TimingEvent {
    TimingEvent::JobQueued { video, at }
}

pub(super) fn started(video: VideoId, attempt: u32, at: Timestamp) -> TimingEvent {
    TimingEvent::JobStarted { video, attempt, at }
}

pub(super) fn finished(
    video: VideoId,
    attempt: u32,
    at: Timestamp,
    ms: u64,
    outcome: JobOutcome,
) -> TimingEvent {
    TimingEvent::JobFinished {
        video,
        attempt,
        at,
        elapsed: Duration::from_millis(ms),
        outcome,
    }
}

pub(super) fn failure(stage: StageName, message: &str) -> JobOutcome {
    JobOutcome::Failed {
        stage,
        kind: FailureKind::Input,
        message: message.into(),
    }
}

/// A stage's start and end events (the end `ms` after the start).
pub(super) fn stage(
    video: VideoId,
    attempt: u32,
    stage: StageName,
    at: Timestamp,
    ms: i64,
    outcome: Outcome,
) -> [TimingEvent; 2] {
    let end = at + TimeDelta::milliseconds(ms);
    [
        TimingEvent::StageStarted {
            video,
            attempt,
            stage: stage.clone(),
            at,
        },
        TimingEvent::StageFinished {
            video,
            attempt,
            stage,
            started_at: at,
            finished_at: end,
            elapsed: Duration::from_millis(ms.unsigned_abs()),
            outcome,
        },
    ]
}
