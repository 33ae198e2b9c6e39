//! Contract §6 as rows, relative to `now`, for stores loaded through `Catalog::import`.

use chrono::TimeDelta;
use heimdex_core::record::{Dataset, SearchRecord, UserProfile, VideoRecord};
use heimdex_core::time::Timestamp;
use heimdex_core::{SearchId, UserId, VideoId, VideoStatus};

use super::golden_checks::People;

fn ago(now: Timestamp, days: i64, minutes: i64) -> Timestamp {
    now - TimeDelta::days(days) - TimeDelta::minutes(minutes)
}

/// Alice, Bob and Carol with v1..v4 and the four searches of contract §6.
pub fn dataset(now: Timestamp) -> (Dataset, People) {
    let people = People {
        alice: UserId::new_v4(),
        bob: UserId::new_v4(),
        carol: UserId::new_v4(),
    };
    let profile = |user_id, name: &str| UserProfile {
        user_id,
        full_name: name.into(),
        created_at: ago(now, 30, 0),
        updated_at: ago(now, 30, 0),
    };
    #[allow(clippy::too_many_arguments)]
    let finished =
        |owner, status, duration_s, queued, started, done: Timestamp, ms, stage: &str| {
            VideoRecord {
                filename: Some(format!("{stage}.mp4")),
                status,
                duration_s,
                created_at: queued,
                updated_at: done,
                queued_at: Some(queued),
                processing_started_at: Some(started),
                processing_finished_at: Some(done),
                processing_duration_ms: Some(ms),
                processing_stage: Some(stage.into()),
                processing_attempt: Some(1),
                error_message: (status == VideoStatus::Failed)
                    .then(|| "transcription failed".into()),
                ..VideoRecord::pending(VideoId::new_v4(), owner, "/videos/x.mp4", queued)
            }
        };
    let v1 = finished(
        people.alice,
        VideoStatus::Ready,
        Some(3600.0),
        ago(now, 2, 60),
        ago(now, 2, 50),
        ago(now, 2, 0),
        3_000_000,
        "completed",
    );
    let v2 = finished(
        people.alice,
        VideoStatus::Ready,
        Some(1800.0),
        ago(now, 1, 60),
        ago(now, 1, 59),
        ago(now, 1, 0),
        3_540_000,
        "completed",
    );
    let v3 = finished(
        people.alice,
        VideoStatus::Failed,
        None,
        ago(now, 1, 10),
        ago(now, 1, 9),
        ago(now, 1, 8),
        60_000,
        "transcription",
    );
    let v4 = VideoRecord::pending(
        VideoId::new_v4(),
        people.bob,
        "/videos/v4.mp4",
        ago(now, 0, 30),
    );
    let search = |user_id, latency_ms, days| SearchRecord {
        id: SearchId::new_v4(),
        user_id,
        video_id: None,
        query_text: format!("query {latency_ms}"),
        results_count: Some(3),
        latency_ms: Some(latency_ms),
        created_at: ago(now, days, 0),
    };
    let data = Dataset {
        profiles: vec![
            profile(people.alice, "Alice"),
            profile(people.bob, "Bob"),
            profile(people.carol, "Carol"),
        ],
        videos: vec![v1, v2, v3, v4],
        searches: vec![
            search(Some(people.alice), 100, 1),
            search(Some(people.alice), 300, 2),
            search(Some(people.alice), 1000, 20),
            search(None, 50, 3),
        ],
        stage_timings: vec![],
    };
    (data, people)
}
