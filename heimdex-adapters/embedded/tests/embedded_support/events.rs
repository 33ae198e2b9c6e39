//! Timing-event builders and row counters for the sink tests.

use std::time::Duration;

use chrono::TimeDelta;
use heimdex_core::record::NewVideo;
use heimdex_core::{Catalog, Outcome, StageName, TimingEvent, VideoId};
use heimdex_embedded::EmbeddedStore;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, SqliteConnection};

use super::{profile, t0};

/// A PENDING video of a new profile.
pub async fn new_video(store: &EmbeddedStore) -> VideoId {
    let owner = profile(store, "Alice").await;
    store
        .create_video(NewVideo {
            id: None,
            owner_id: owner,
            storage_path: "/videos/talk.mp4".into(),
            filename: Some("talk.mp4".into()),
        })
        .await
        .unwrap()
}

/// `JobStarted` at `t0 + at_min` minutes.
pub fn started(video: VideoId, attempt: u32, at_min: i64) -> TimingEvent {
    TimingEvent::JobStarted {
        video,
        attempt,
        at: t0() + TimeDelta::minutes(at_min),
    }
}

/// A successful `StageFinished` of `ms` milliseconds.
pub fn stage_done(video: VideoId, attempt: u32, stage: StageName, ms: u64) -> TimingEvent {
    TimingEvent::StageFinished {
        video,
        attempt,
        stage,
        started_at: t0() + TimeDelta::minutes(1),
        finished_at: t0() + TimeDelta::minutes(1) + TimeDelta::milliseconds(ms as i64),
        elapsed: Duration::from_millis(ms),
        outcome: Outcome::Ok,
    }
}

/// Rows in `video_stage_timings`.
pub async fn stage_rows(store: &EmbeddedStore) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM video_stage_timings")
        .fetch_one(store.pool())
        .await
        .unwrap()
}

/// Holds SQLite's write lock on `path` from a second connection until dropped or released.
pub async fn write_lock(path: &std::path::Path) -> SqliteConnection {
    let mut conn = SqliteConnection::connect_with(&SqliteConnectOptions::new().filename(path))
        .await
        .unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut conn)
        .await
        .unwrap();
    conn
}
