//! Contract §6, the origin's verified example, as rows relative to a given `now`, with the
//! expected answers (in `expected.rs`).
//!
//! Profiles Alice, Bob and Carol; videos v1..v4; four searches:
//! - v1 Alice READY 3600 s; queued −2d1h, started −2d50m, finished −2d; 3,000,000 ms; `completed`.
//! - v2 Alice READY 1800 s; queued −1d60m, started −1d59m, finished −1d; 3,540,000 ms; `completed`.
//! - v3 Alice FAILED, no duration; queued −1d10m, started −1d9m, finished −1d8m; 60,000 ms;
//!   stage `transcription`.
//! - v4 Bob PENDING, no timing (created −3h).
//! - Searches: Alice 100 ms (−1d), 300 ms (−2d), 1000 ms (−20d); no user, 50 ms (−3d).
//!
//! Each video's `updated_at` is its last write (its finish time; v4's creation). Beyond the
//! contract, `video_stage_timings` holds the stages of v1..v3 (they add up to each attempt's
//! duration) for the stage-latency metric. The suites only ask for 7- and 30-day windows, whose
//! starts lie days away from every windowed timestamp, so a store whose clock reads a little later
//! than `now` sees the same rows.

mod expected;

use std::time::Duration;

use chrono::TimeDelta;
use uuid::Uuid;

use crate::ids::{SearchId, UserId, VideoId};
use crate::record::{Dataset, SearchRecord, StageTimingRecord, UserProfile, VideoRecord};
use crate::stage::StageName;
use crate::status::VideoStatus;
use crate::time::{truncate_micros, Timestamp};

/// Alice: three videos, three searches.
pub const ALICE: UserId = UserId(Uuid::from_u128(0xa11ce000_0000_4000_8000_000000000001));
/// Bob: one PENDING video.
pub const BOB: UserId = UserId(Uuid::from_u128(0xb0b00000_0000_4000_8000_000000000002));
/// Carol: no activity.
pub const CAROL: UserId = UserId(Uuid::from_u128(0xca201000_0000_4000_8000_000000000003));
/// Alice's first READY video.
pub const V1: VideoId = VideoId(Uuid::from_u128(0xd1000000_0000_4000_8000_000000000001));
/// Alice's second READY video.
pub const V2: VideoId = VideoId(Uuid::from_u128(0xd2000000_0000_4000_8000_000000000002));
/// Alice's FAILED video.
pub const V3: VideoId = VideoId(Uuid::from_u128(0xd3000000_0000_4000_8000_000000000003));
/// Bob's PENDING video.
pub const V4: VideoId = VideoId(Uuid::from_u128(0xd4000000_0000_4000_8000_000000000004));
/// The error message of v3.
pub const V3_ERROR: &str = "transcription failed: audio stream could not be decoded";

/// The golden rows, relative to `now`.
#[derive(Clone, Debug)]
pub struct Golden {
    /// The instant the rows are relative to (whole microseconds).
    pub now: Timestamp,
    /// The rows.
    pub dataset: Dataset,
}

impl Golden {
    /// The golden rows for an empty store whose clock reads about `now`.
    pub fn new(now: Timestamp) -> Self {
        let now = truncate_micros(now);
        let at = |d: i64, m: i64| now - TimeDelta::days(d) - TimeDelta::minutes(m);
        let profile = |user_id, name: &str| UserProfile {
            user_id,
            full_name: name.into(),
            created_at: at(40, 7),
            updated_at: at(40, 7),
        };
        let v1 = timed(
            V1,
            VideoStatus::Ready,
            Some(3600.0),
            [at(2, 60), at(2, 50), at(2, 0)],
            3_000_000,
            "completed",
        );
        let v2 = timed(
            V2,
            VideoStatus::Ready,
            Some(1800.0),
            [at(1, 60), at(1, 59), at(1, 0)],
            3_540_000,
            "completed",
        );
        let mut v3 = timed(
            V3,
            VideoStatus::Failed,
            None,
            [at(1, 10), at(1, 9), at(1, 8)],
            60_000,
            "transcription",
        );
        v3.error_message = Some(V3_ERROR.into());
        let mut v4 = VideoRecord::pending(V4, BOB, "uploads/bob/garden.mp4", at(0, 180));
        v4.filename = Some("garden.mp4".into());
        let stage_timings = [
            stages(
                &v1,
                &[
                    ("downloading", 60_000, true),
                    ("transcription", 2_400_000, true),
                    ("indexing", 540_000, true),
                ],
            ),
            stages(
                &v2,
                &[
                    ("downloading", 120_000, true),
                    ("transcription", 3_000_000, true),
                    ("indexing", 420_000, true),
                ],
            ),
            stages(
                &v3,
                &[
                    ("downloading", 30_000, true),
                    ("transcription", 30_000, false),
                ],
            ),
        ]
        .concat();
        let searches = vec![
            search(1, Some(ALICE), "cats on a boat", Some(100), at(1, 0)),
            search(2, Some(ALICE), "sunset", Some(300), at(2, 0)),
            search(3, Some(ALICE), "interview", Some(1000), at(20, 0)),
            search(4, None, "anonymous", Some(50), at(3, 0)),
        ];
        Self {
            now,
            dataset: Dataset {
                profiles: vec![
                    profile(ALICE, "Alice"),
                    profile(BOB, "Bob"),
                    profile(CAROL, "Carol"),
                ],
                videos: vec![v1, v2, v3, v4],
                searches,
                stage_timings,
            },
        }
    }

    /// A golden video row by id.
    pub fn video(&self, id: VideoId) -> &VideoRecord {
        self.dataset
            .videos
            .iter()
            .find(|v| v.id == id)
            .expect("a golden video id")
    }
}

/// A finished attempt of Alice's: created two minutes before it was queued, last written when it
/// finished.
fn timed(
    id: VideoId,
    status: VideoStatus,
    duration_s: Option<f64>,
    [queued, started, finished]: [Timestamp; 3],
    ms: i32,
    stage: &str,
) -> VideoRecord {
    let mut v = VideoRecord::pending(
        id,
        ALICE,
        format!("uploads/alice/{id}.mp4"),
        queued - TimeDelta::minutes(2),
    );
    v.filename = Some(format!("{id}.mp4"));
    v.status = status;
    v.duration_s = duration_s;
    v.updated_at = finished;
    v.queued_at = Some(queued);
    v.processing_started_at = Some(started);
    v.processing_finished_at = Some(finished);
    v.processing_duration_ms = Some(ms);
    v.processing_stage = Some(stage.into());
    v.processing_attempt = Some(1);
    v
}

/// The attempt's stages back to back from its start; `false` marks a failed stage.
fn stages(v: &VideoRecord, runs: &[(&str, i32, bool)]) -> Vec<StageTimingRecord> {
    let mut at = v.processing_started_at.expect("a started golden video");
    runs.iter()
        .map(|&(name, ms, ok)| {
            let elapsed = TimeDelta::from_std(Duration::from_millis(ms as u64)).expect("small");
            let row = StageTimingRecord {
                video_id: v.id,
                attempt: 1,
                stage: StageName::new(name).expect("a valid golden stage"),
                started_at: at,
                finished_at: Some(at + elapsed),
                duration_ms: Some(ms),
                outcome: Some(if ok { "ok" } else { "failed" }.into()),
                error: (!ok).then(|| V3_ERROR.to_owned()),
            };
            at += elapsed;
            row
        })
        .collect()
}

fn search(
    n: u128,
    user_id: Option<UserId>,
    text: &str,
    latency_ms: Option<i32>,
    at: Timestamp,
) -> SearchRecord {
    SearchRecord {
        id: SearchId(Uuid::from_u128(0x5ea2c400_0000_4000_8000_000000000000 + n)),
        user_id,
        video_id: None,
        query_text: text.into(),
        results_count: Some(3),
        latency_ms,
        created_at: at,
    }
}
