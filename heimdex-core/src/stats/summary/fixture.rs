//! Small row builders for the summaries' unit tests (a fixed `now`, ids from small numbers).

use chrono::{TimeDelta, TimeZone, Utc};
use uuid::Uuid;

use crate::ids::{SearchId, UserId, VideoId};
use crate::record::{SearchRecord, VideoRecord};
use crate::status::VideoStatus;
use crate::time::Timestamp;

/// The instant every test window ends at: 2025-06-15 12:00:00 UTC.
pub(crate) fn now() -> Timestamp {
    Utc.with_ymd_and_hms(2025, 6, 15, 12, 0, 0).unwrap()
}

/// `minutes` before [`now`].
pub(crate) fn ago(minutes: i64) -> Timestamp {
    now() - TimeDelta::minutes(minutes)
}

/// Minutes in a day.
pub(crate) const DAY: i64 = 24 * 60;

pub(crate) fn user(n: u128) -> UserId {
    UserId(Uuid::from_u128(n))
}

/// A video of `user(1)`, created and updated a year ago, with only `status` set.
pub(crate) fn video(n: u128, status: VideoStatus) -> VideoRecord {
    let mut v = VideoRecord::pending(
        VideoId(Uuid::from_u128(n)),
        user(1),
        "s3://v",
        ago(365 * DAY),
    );
    v.status = status;
    v
}

/// A finished video: queued, started and finished `minutes` ago, with a duration and media length.
pub(crate) fn timed(
    n: u128,
    status: VideoStatus,
    [queued, started, finished]: [i64; 3],
    ms: i32,
    media_s: Option<f64>,
) -> VideoRecord {
    let mut v = video(n, status);
    v.queued_at = Some(ago(queued));
    v.processing_started_at = Some(ago(started));
    v.processing_finished_at = Some(ago(finished));
    v.processing_duration_ms = Some(ms);
    v.duration_s = media_s;
    v.updated_at = ago(finished);
    v
}

/// A search `minutes` ago.
pub(crate) fn search(
    n: u128,
    user_id: Option<UserId>,
    latency_ms: Option<i32>,
    minutes: i64,
) -> SearchRecord {
    SearchRecord {
        id: SearchId(Uuid::from_u128(n)),
        user_id,
        video_id: None,
        query_text: format!("q{n}"),
        results_count: Some(1),
        latency_ms,
        created_at: ago(minutes),
    }
}
