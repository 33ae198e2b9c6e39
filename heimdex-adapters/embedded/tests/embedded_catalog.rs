//! The embedded store's catalog: profiles, videos, searches and imports, on a real SQLite file.

mod embedded_support;

use std::time::Instant;

use chrono::TimeDelta;
use embedded_support::{file_store, finished_video, profile, t0, TempDir};
use heimdex_core::record::{
    Dataset, MediaInfo, NewProfile, NewSearch, NewVideo, SearchRecord, StageTimingRecord,
    UserProfile,
};
use heimdex_core::testkit::Import;
use heimdex_core::UsageMetrics;
use heimdex_core::{Catalog, Error, SearchId, StageName, UserId, VideoId, VideoStatus};

fn new_video(owner: UserId) -> NewVideo {
    NewVideo {
        id: None,
        owner_id: owner,
        storage_path: "/videos/talk.mp4".into(),
        filename: Some("talk.mp4".into()),
    }
}

#[tokio::test]
async fn create_video_gives_an_unknown_owner_a_profile() {
    let dir = TempDir::new();
    let store = file_store(&dir).await;
    let stranger = UserId::new_v4();
    let theirs = store.create_video(new_video(stranger)).await.unwrap();
    let detail = store
        .user_detail(stranger)
        .await
        .expect("a profile was made");
    assert_eq!(detail.summary.full_name, "");
    assert_eq!(detail.recent_videos[0].id, theirs);

    let alice = profile(&store, "Alice").await;
    let id = store.create_video(new_video(alice)).await.unwrap();
    let row = store.video(id).await.unwrap().expect("the video exists");
    assert_eq!(row.status, VideoStatus::Pending);
    assert_eq!(row.owner_id, alice);
    assert_eq!(row.filename.as_deref(), Some("talk.mp4"));
    assert_eq!((row.created_at, row.updated_at), (t0(), t0()));
    assert_eq!(row.queued_at, None);
    assert_eq!(row.processing_attempt, None);
}

#[tokio::test]
async fn create_video_with_a_taken_id_is_a_conflict() {
    let dir = TempDir::new();
    let store = file_store(&dir).await;
    let alice = profile(&store, "Alice").await;
    let id = VideoId::new_v4();
    let mut video = new_video(alice);
    video.id = Some(id);
    assert_eq!(store.create_video(video.clone()).await.unwrap(), id);
    assert!(matches!(
        store.create_video(video).await,
        Err(Error::Conflict(_))
    ));
}

#[tokio::test]
async fn upsert_profile_renames_an_existing_profile() {
    let dir = TempDir::new();
    let store = file_store(&dir).await;
    let alice = profile(&store, "Alice").await;
    store
        .upsert_profile(NewProfile {
            user_id: alice,
            full_name: "Alice Liddell".into(),
        })
        .await
        .unwrap();
    let names: Vec<String> = sqlx::query_scalar("SELECT full_name FROM user_profiles")
        .fetch_all(store.pool())
        .await
        .unwrap();
    assert_eq!(names, ["Alice Liddell"]);
}

#[tokio::test]
async fn set_media_info_writes_the_row_and_rejects_unknown_videos() {
    let dir = TempDir::new();
    let store = file_store(&dir).await;
    let alice = profile(&store, "Alice").await;
    let id = store.create_video(new_video(alice)).await.unwrap();
    let info = MediaInfo {
        duration_s: 12.5,
        frame_rate: Some(29.97),
        width: Some(1920),
        height: Some(1080),
    };
    store.set_media_info(id, info).await.unwrap();
    let row = store.video(id).await.unwrap().unwrap();
    assert_eq!(
        (row.duration_s, row.frame_rate, row.width, row.height),
        (Some(12.5), Some(29.97), Some(1920), Some(1080))
    );
    let err = store
        .set_media_info(VideoId::new_v4(), info)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
}

#[tokio::test]
async fn record_search_is_idempotent_on_its_id_and_needs_a_known_user() {
    let dir = TempDir::new();
    let store = file_store(&dir).await;
    let alice = profile(&store, "Alice").await;
    let search = NewSearch {
        id: SearchId::new_v4(),
        user_id: Some(alice),
        video_id: None,
        query_text: "red car".into(),
        results_count: Some(3),
        latency_ms: Some(120),
    };
    assert_eq!(
        store.record_search(search.clone()).await.unwrap(),
        search.id
    );
    let mut retry = search.clone();
    retry.latency_ms = Some(999); // a retried call with the same id changes nothing
    assert_eq!(store.record_search(retry).await.unwrap(), search.id);
    let stored: Vec<(String, i64, i64)> =
        sqlx::query_as("SELECT id, latency_ms, created_at FROM search_queries")
            .fetch_all(store.pool())
            .await
            .unwrap();
    assert_eq!(
        stored,
        [(search.id.to_string(), 120, t0().timestamp_micros())]
    );

    let anonymous = NewSearch {
        id: SearchId::new_v4(),
        user_id: None,
        ..search.clone()
    };
    store.record_search(anonymous).await.unwrap();
    let unknown = NewSearch {
        id: SearchId::new_v4(),
        user_id: Some(UserId::new_v4()),
        ..search
    };
    assert!(matches!(
        store.record_search(unknown).await,
        Err(Error::NotFound { .. })
    ));
}

fn small_dataset() -> Dataset {
    let user = UserProfile {
        user_id: UserId::new_v4(),
        full_name: "Alice".into(),
        created_at: t0() - TimeDelta::days(10),
        updated_at: t0() - TimeDelta::days(9) + TimeDelta::microseconds(7),
    };
    let mut failed = finished_video(user.user_id, VideoStatus::Failed, t0() - TimeDelta::days(1));
    failed.processing_stage = Some("transcription".into());
    failed.error_message = Some("decoder gave up".into());
    failed.duration_s = None;
    let ready = finished_video(user.user_id, VideoStatus::Ready, t0() - TimeDelta::days(2));
    let search = SearchRecord {
        id: SearchId::new_v4(),
        user_id: Some(user.user_id),
        video_id: Some(ready.id),
        query_text: "cat".into(),
        results_count: None,
        latency_ms: Some(100),
        created_at: t0() - TimeDelta::hours(3) + TimeDelta::microseconds(1),
    };
    let stage = StageTimingRecord {
        video_id: failed.id,
        attempt: 1,
        stage: StageName::TRANSCRIPTION,
        started_at: t0() - TimeDelta::days(1) - TimeDelta::minutes(1),
        finished_at: Some(t0() - TimeDelta::days(1)),
        duration_ms: Some(60_000),
        outcome: Some("failed".into()),
        error: Some("decoder gave up".into()),
    };
    Dataset {
        profiles: vec![user],
        videos: vec![failed, ready],
        searches: vec![search],
        stage_timings: vec![stage],
    }
}

#[tokio::test]
async fn import_stores_rows_exactly_as_given() {
    let dir = TempDir::new();
    let store = file_store(&dir).await;
    let data = small_dataset();
    store.import(&data).await.unwrap();
    for video in &data.videos {
        assert_eq!(store.video(video.id).await.unwrap().as_ref(), Some(video));
    }
    assert_eq!(
        store.stage_timings(data.videos[0].id).await.unwrap(),
        data.stage_timings
    );
    assert!(store
        .stage_timings(data.videos[1].id)
        .await
        .unwrap()
        .is_empty());
    let (created, latency): (i64, i64) =
        sqlx::query_as("SELECT created_at, latency_ms FROM search_queries")
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(
        (created, latency),
        (data.searches[0].created_at.timestamp_micros(), 100)
    );
}

#[tokio::test]
async fn import_of_an_existing_row_is_a_conflict_and_imports_nothing() {
    let dir = TempDir::new();
    let store = file_store(&dir).await;
    let data = small_dataset();
    store.import(&data).await.unwrap();
    let mut again = small_dataset();
    again.videos.push(data.videos[0].clone()); // the new rows come first, then a duplicate
    let err = store.import(&again).await.unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "{err:?}");
    let videos: i64 = sqlx::query_scalar("SELECT count(*) FROM videos")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(videos, 2, "the failed import left no rows behind");
}

#[tokio::test]
async fn import_of_a_row_whose_parent_is_missing_is_not_found_and_imports_nothing() {
    let dir = TempDir::new();
    let store = file_store(&dir).await;
    let mut data = small_dataset();
    data.profiles.clear(); // the videos' owner is nowhere
    let err = store.import(&data).await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    let videos: i64 = sqlx::query_scalar("SELECT count(*) FROM videos")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(videos, 0);
}

#[tokio::test]
async fn import_of_ten_thousand_videos_is_fast() {
    let dir = TempDir::new();
    let store = file_store(&dir).await;
    let owner = UserProfile {
        user_id: UserId::new_v4(),
        full_name: "Bulk".into(),
        created_at: t0(),
        updated_at: t0(),
    };
    let videos: Vec<_> = (0..10_000)
        .map(|i| {
            finished_video(
                owner.user_id,
                VideoStatus::Ready,
                t0() - TimeDelta::minutes(i),
            )
        })
        .collect();
    let data = Dataset {
        profiles: vec![owner],
        videos,
        ..Dataset::default()
    };
    let started = Instant::now();
    store.import(&data).await.unwrap();
    let took = started.elapsed();
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM videos")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(count, 10_000);
    // Well under a second in release builds; the bound leaves room for an unoptimised test build.
    assert!(
        took.as_secs_f64() < 2.0,
        "importing 10,000 videos took {took:?}"
    );
    println!("imported 10,000 videos in {took:?}");
}
