//! Unit tests of the [`MemoryStore`] (the golden and random-data suites live in `tests/`).

use crate::testkit::Import;
use std::time::Duration;

use chrono::TimeDelta;

use super::*;
use crate::catalog::Catalog;
use crate::ids::{SearchId, UserId, VideoId};
use crate::job::JobOutcome;
use crate::query::UsageMetrics;
use crate::record::{Dataset, MediaInfo, NewProfile, NewSearch, NewVideo, UserProfile};
use crate::stage::{Outcome, StageName};
use crate::Error;

async fn store_with_video() -> (MemoryStore, UserId, VideoId) {
    let store = MemoryStore::new();
    let user = UserId::new_v4();
    store
        .upsert_profile(NewProfile {
            user_id: user,
            full_name: "Ann".into(),
        })
        .await
        .unwrap();
    let new = NewVideo {
        id: None,
        owner_id: user,
        storage_path: "a.mp4".into(),
        filename: Some("a".into()),
    };
    let video = store.create_video(new).await.unwrap();
    (store, user, video)
}

fn search(id: SearchId, user: Option<UserId>) -> NewSearch {
    NewSearch {
        id,
        user_id: user,
        video_id: None,
        query_text: "cats".into(),
        results_count: Some(3),
        latency_ms: Some(12),
    }
}

#[tokio::test]
async fn videos_need_an_existing_owner_and_a_free_id() {
    let (store, user, video) = store_with_video().await;
    let newcomer = NewVideo {
        id: None,
        owner_id: UserId::new_v4(),
        storage_path: "b".into(),
        filename: None,
    };
    assert!(
        store.create_video(newcomer).await.is_ok(),
        "an unknown owner gets a profile"
    );
    let again = NewVideo {
        id: Some(video),
        owner_id: user,
        storage_path: "b".into(),
        filename: None,
    };
    assert!(matches!(
        store.create_video(again).await,
        Err(Error::Conflict(_))
    ));
    let row = store.video(video).await.unwrap().unwrap();
    assert_eq!(
        (row.status, row.filename.as_deref(), row.owner_id),
        (crate::VideoStatus::Pending, Some("a"), user)
    );
}

#[tokio::test]
async fn profiles_are_renamed_in_place() {
    let (store, user, _) = store_with_video().await;
    store
        .upsert_profile(NewProfile {
            user_id: user,
            full_name: "Bea".into(),
        })
        .await
        .unwrap();
    let page = store
        .users(
            crate::Window::seven_days(),
            crate::Page::default(),
            crate::UserSort::LastActivity,
        )
        .await
        .unwrap();
    assert_eq!(
        (page.total_users, page.items[0].full_name.as_str()),
        (1, "Bea")
    );
}

#[tokio::test]
async fn searches_are_logged_once_per_id_and_need_a_known_user() {
    let (store, user, _) = store_with_video().await;
    let id = SearchId::new_v4();
    assert_eq!(
        store.record_search(search(id, Some(user))).await.unwrap(),
        id
    );
    assert_eq!(
        store.record_search(search(id, Some(user))).await.unwrap(),
        id
    );
    store
        .record_search(search(SearchId::new_v4(), None))
        .await
        .unwrap();
    let unknown = search(SearchId::new_v4(), Some(UserId::new_v4()));
    assert!(matches!(
        store.record_search(unknown).await,
        Err(Error::NotFound { .. })
    ));
    assert_eq!(store.overview().await.unwrap().searches_7d, 2);
}

#[tokio::test]
async fn media_info_is_written_and_unknown_videos_are_not_found() {
    let (store, _, video) = store_with_video().await;
    let info = MediaInfo {
        duration_s: 12.5,
        frame_rate: Some(25.0),
        width: Some(640),
        height: Some(360),
    };
    store.set_media_info(video, info).await.unwrap();
    let row = store.video(video).await.unwrap().unwrap();
    assert_eq!(
        (row.duration_s, row.width, row.height),
        (Some(12.5), Some(640), Some(360))
    );
    assert!(matches!(
        store.set_media_info(VideoId::new_v4(), info).await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        store.user_detail(UserId::new_v4()).await,
        Err(Error::NotFound { .. })
    ));
}

#[tokio::test]
async fn unknown_rejected_and_stale_job_events_are_dropped_and_counted() {
    let (store, _, video) = store_with_video().await;
    let at = time::now();
    store.record(TimingEvent::JobQueued {
        video: VideoId::new_v4(),
        at,
    });
    store.record(TimingEvent::JobStarted {
        video,
        attempt: 0,
        at,
    }); // rejected
    store.record(TimingEvent::JobStarted {
        video,
        attempt: 2,
        at,
    });
    store.record(TimingEvent::JobStarted {
        video,
        attempt: 1,
        at,
    }); // stale
    assert_eq!(store.dropped_events(), 3);
    let row = store.video(video).await.unwrap().unwrap();
    assert_eq!(row.processing_attempt, Some(2));
}

#[tokio::test]
async fn stale_stage_events_still_write_their_attempts_row() {
    let (store, _, video) = store_with_video().await;
    let at = time::now();
    store.record(TimingEvent::JobStarted {
        video,
        attempt: 2,
        at,
    });
    store.record(TimingEvent::StageFinished {
        video,
        attempt: 1,
        stage: StageName::METADATA,
        started_at: at,
        finished_at: at + TimeDelta::seconds(1),
        elapsed: Duration::from_millis(1000),
        outcome: Outcome::Ok,
    });
    store.record(TimingEvent::StageStarted {
        video,
        attempt: 1,
        stage: StageName::INDEXING,
        at,
    });
    assert_eq!(store.dropped_events(), 0);
    let rows = store.stage_timings(video).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].stage, StageName::INDEXING); // same attempt and start: by name
    assert_eq!(
        store.video(video).await.unwrap().unwrap().processing_stage,
        None
    );
}

#[tokio::test]
async fn a_finished_stage_replaces_its_started_row() {
    let (store, _, video) = store_with_video().await;
    let at = time::now();
    store.record(TimingEvent::StageStarted {
        video,
        attempt: 1,
        stage: StageName::METADATA,
        at,
    });
    store.record(TimingEvent::StageFinished {
        video,
        attempt: 1,
        stage: StageName::METADATA,
        started_at: at,
        finished_at: at,
        elapsed: Duration::ZERO,
        outcome: Outcome::Ok,
    });
    let rows = store.stage_timings(video).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].duration_ms, rows[0].outcome.as_deref()),
        (Some(0), Some("ok"))
    );
    store.record(TimingEvent::JobFinished {
        video,
        attempt: 1,
        at,
        elapsed: Duration::ZERO,
        outcome: JobOutcome::Succeeded,
    });
    store.flush().await.unwrap();
    assert_eq!(store.overview().await.unwrap().videos_ready_total, 1);
}

#[tokio::test]
async fn import_is_all_or_nothing_and_cuts_timestamps_to_microseconds() {
    let (store, user, video) = store_with_video().await;
    let at = time::now() + TimeDelta::nanoseconds(999);
    let fresh = UserProfile {
        user_id: UserId::new_v4(),
        full_name: "Cy".into(),
        created_at: at,
        updated_at: at,
    };
    let taken = crate::record::VideoRecord::pending(video, user, "x", at);
    let bad = Dataset {
        profiles: vec![fresh.clone()],
        videos: vec![taken],
        ..Dataset::default()
    };
    assert!(matches!(store.import(&bad).await, Err(Error::Conflict(_))));
    assert_eq!(
        store
            .users(
                crate::Window::seven_days(),
                crate::Page::default(),
                crate::UserSort::LastActivity
            )
            .await
            .unwrap()
            .total_users,
        1
    );

    let orphan = crate::record::VideoRecord::pending(VideoId::new_v4(), UserId::new_v4(), "x", at);
    let bad = Dataset {
        videos: vec![orphan],
        ..Dataset::default()
    };
    assert!(matches!(
        store.import(&bad).await,
        Err(Error::NotFound { .. })
    ));

    let own = crate::record::VideoRecord::pending(VideoId::new_v4(), fresh.user_id, "x", at);
    let good = Dataset {
        profiles: vec![fresh],
        videos: vec![own.clone()],
        ..Dataset::default()
    };
    store.import(&good).await.unwrap();
    let row = store.video(own.id).await.unwrap().unwrap();
    assert_eq!(row.created_at, time::truncate_micros(at));
    assert_ne!(row.created_at, at);
}
