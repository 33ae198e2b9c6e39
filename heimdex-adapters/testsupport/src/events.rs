//! Timing events for the sink tests: a video in any store, a stage's two events, and a job with a
//! failed attempt, a successful retry and late events of the first attempt.

use std::time::Duration;

use chrono::TimeDelta;
use heimdex_core::record::{NewProfile, NewVideo, VideoRecord};
use heimdex_core::time::Timestamp;
use heimdex_core::{
    Catalog, FailureKind, JobOutcome, Outcome, StageName, TimingEvent, UserId, VideoId,
};

/// Creates the same profile and video (same ids) in `store`.
pub async fn video_in(store: &dyn Catalog, owner: UserId, video: VideoId) {
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

/// The start and end events of stage `name` of `attempt`, starting at `t0`, succeeding when `ok`.
pub fn stage(
    video: VideoId,
    attempt: u32,
    name: &str,
    t0: Timestamp,
    ok: bool,
) -> [TimingEvent; 2] {
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
pub fn two_attempts(video: VideoId, t0: Timestamp) -> Vec<TimingEvent> {
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
pub fn comparable(mut row: VideoRecord) -> VideoRecord {
    row.created_at = chrono::DateTime::UNIX_EPOCH;
    row.updated_at = chrono::DateTime::UNIX_EPOCH;
    row
}
