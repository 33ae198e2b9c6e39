//! The PostgreSQL store's catalog: profiles, videos, searches, stage timings and bulk import.

use heimdex_testsupport as support;

use chrono::{TimeDelta, TimeZone, Utc};
use heimdex_core::record::{
    Dataset, MediaInfo, NewProfile, NewSearch, NewVideo, SearchRecord, StageTimingRecord,
    UserProfile, VideoRecord,
};
use heimdex_core::testkit::Import;
use heimdex_core::UsageMetrics;
use heimdex_core::{Catalog, Error, SearchId, StageName, UserId, VideoId, VideoStatus};
use support::pg::TestDb;

async fn profile(store: &impl Catalog, name: &str) -> UserId {
    let user_id = UserId::new_v4();
    let full_name = name.to_owned();
    store
        .upsert_profile(NewProfile { user_id, full_name })
        .await
        .unwrap();
    user_id
}

fn new_video(owner: UserId) -> NewVideo {
    NewVideo {
        id: None,
        owner_id: owner,
        storage_path: "/videos/talk.mp4".into(),
        filename: Some("talk.mp4".into()),
    }
}

#[tokio::test]
async fn create_video_gives_an_unknown_owner_a_profile_and_starts_pending_without_timing() {
    let db = TestDb::new().await;
    let store = db.store();
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
    assert_eq!(
        (row.owner_id, row.filename.as_deref()),
        (alice, Some("talk.mp4"))
    );
    assert_eq!(row.created_at, row.updated_at);
    assert_eq!(
        (row.queued_at, row.processing_stage, row.processing_attempt),
        (None, None, None)
    );
    assert!(store.video(VideoId::new_v4()).await.unwrap().is_none());
}

#[tokio::test]
async fn create_video_with_a_taken_id_is_a_conflict() {
    let db = TestDb::new().await;
    let store = db.store();
    let alice = profile(&store, "Alice").await;
    let id = VideoId::new_v4();
    let video = NewVideo {
        id: Some(id),
        ..new_video(alice)
    };
    assert_eq!(store.create_video(video.clone()).await.unwrap(), id);
    let err = store.create_video(video).await.unwrap_err();
    assert!(
        matches!(err, Error::Conflict(ref m) if m.contains(&id.to_string())),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_taken_id_under_a_new_owner_creates_no_profile() {
    let db = TestDb::new().await;
    let store = db.store();
    let id = VideoId::new_v4();
    let first = NewVideo {
        id: Some(id),
        ..new_video(profile(&store, "Alice").await)
    };
    store.create_video(first).await.unwrap();
    let stranger = UserId::new_v4();
    let again = NewVideo {
        id: Some(id),
        ..new_video(stranger)
    };
    let err = store.create_video(again).await.unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "{err:?}");
    let profiles: i64 = sqlx::query_scalar("SELECT count(*) FROM user_profiles WHERE user_id = $1")
        .bind(stranger.0)
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(
        profiles, 0,
        "the failed insert left its owner's profile behind"
    );
}

#[tokio::test]
async fn upsert_profile_renames_and_moves_updated_at_only() {
    let db = TestDb::new().await;
    let store = db.store();
    let alice = profile(&store, "Alice").await;
    let before: (chrono::DateTime<Utc>, chrono::DateTime<Utc>) =
        sqlx::query_as("SELECT created_at, updated_at FROM user_profiles")
            .fetch_one(db.pool())
            .await
            .unwrap();
    let rename = NewProfile {
        user_id: alice,
        full_name: "Alice Liddell".into(),
    };
    store.upsert_profile(rename).await.unwrap();
    let after: (String, chrono::DateTime<Utc>, chrono::DateTime<Utc>) =
        sqlx::query_as("SELECT full_name, created_at, updated_at FROM user_profiles")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(after.0, "Alice Liddell");
    assert_eq!(after.1, before.0, "created_at is kept");
    assert!(after.2 >= before.1);
}

#[tokio::test]
async fn a_search_is_recorded_once_however_often_it_is_retried() {
    let db = TestDb::new().await;
    let store = db.store();
    let alice = profile(&store, "Alice").await;
    let search = NewSearch {
        id: SearchId::new_v4(),
        user_id: Some(alice),
        video_id: None,
        query_text: "cats".into(),
        results_count: Some(3),
        latency_ms: Some(120),
    };
    for _ in 0..3 {
        assert_eq!(
            store.record_search(search.clone()).await.unwrap(),
            search.id
        );
    }
    let rows: Vec<(String, Option<i32>)> =
        sqlx::query_as("SELECT query_text, latency_ms FROM search_queries")
            .fetch_all(db.pool())
            .await
            .unwrap();
    assert_eq!(rows, [("cats".to_owned(), Some(120))]);

    let stranger = UserId::new_v4();
    let orphan = NewSearch {
        id: SearchId::new_v4(),
        user_id: Some(stranger),
        ..search.clone()
    };
    let err = store.record_search(orphan).await.unwrap_err();
    assert!(matches!(err, Error::NotFound { ref what } if what.contains(&stranger.to_string())));
    let anonymous = NewSearch {
        id: SearchId::new_v4(),
        user_id: None,
        ..search
    };
    store.record_search(anonymous).await.unwrap();
}

#[tokio::test]
async fn media_info_is_written_to_an_existing_video_only() {
    let db = TestDb::new().await;
    let store = db.store();
    let alice = profile(&store, "Alice").await;
    let id = store.create_video(new_video(alice)).await.unwrap();
    let info = MediaInfo {
        duration_s: 61.5,
        frame_rate: Some(29.97),
        width: Some(1920),
        height: Some(1080),
    };
    store.set_media_info(id, info).await.unwrap();
    let row = store.video(id).await.unwrap().unwrap();
    assert_eq!(
        (row.duration_s, row.frame_rate, row.width, row.height),
        (Some(61.5), Some(29.97), Some(1920), Some(1080))
    );
    let missing = VideoId::new_v4();
    assert!(matches!(
        store.set_media_info(missing, info).await,
        Err(Error::NotFound { .. })
    ));
}

fn at(day: u32, hour: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0).unwrap() + TimeDelta::microseconds(123_456)
}

fn dataset() -> Dataset {
    let user = UserId::new_v4();
    let profile = UserProfile {
        user_id: user,
        full_name: "Bob".into(),
        created_at: at(1, 0),
        updated_at: at(1, 1),
    };
    let mut video = VideoRecord::pending(VideoId::new_v4(), user, "s3://b/v.mp4", at(2, 0));
    video.status = VideoStatus::Failed;
    video.filename = Some("v.mp4".into());
    video.duration_s = Some(0.0);
    video.frame_rate = Some(25.0);
    video.error_message = Some("decoder exploded".into());
    video.updated_at = at(2, 5);
    video.queued_at = Some(at(2, 1));
    video.processing_started_at = Some(at(2, 2));
    video.processing_finished_at = Some(at(2, 3));
    video.processing_duration_ms = Some(3_600_000);
    video.processing_stage = Some("transcription".into());
    video.processing_attempt = Some(2);
    let pending = VideoRecord::pending(VideoId::new_v4(), user, "/tmp/p.mp4", at(3, 0));
    let search = SearchRecord {
        id: SearchId::new_v4(),
        user_id: None,
        video_id: Some(video.id),
        query_text: "q".into(),
        results_count: None,
        latency_ms: Some(7),
        created_at: at(4, 0),
    };
    let stages = ["metadata", "transcription"].map(|s| StageTimingRecord {
        video_id: video.id,
        attempt: 2,
        stage: StageName::new(s).unwrap(),
        started_at: at(2, 2),
        finished_at: Some(at(2, 3)),
        duration_ms: Some(1_000),
        outcome: Some(if s == "metadata" { "ok" } else { "failed" }.into()),
        error: (s == "transcription").then(|| "decoder exploded".into()),
    });
    Dataset {
        profiles: vec![profile],
        videos: vec![video, pending],
        searches: vec![search],
        stage_timings: stages.to_vec(),
    }
}

#[tokio::test]
async fn import_stores_rows_exactly_as_given() {
    let db = TestDb::new().await;
    let store = db.store();
    let data = dataset();
    store.import(&data).await.unwrap();
    for v in &data.videos {
        assert_eq!(store.video(v.id).await.unwrap().as_ref(), Some(v));
    }
    assert_eq!(
        store.stage_timings(data.videos[0].id).await.unwrap(),
        data.stage_timings
    );
    let search: (i32, chrono::DateTime<Utc>) =
        sqlx::query_as("SELECT latency_ms, created_at FROM search_queries")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(search, (7, at(4, 0)));
}

#[tokio::test]
async fn a_failed_import_imports_nothing() {
    let db = TestDb::new().await;
    let store = db.store();
    let data = dataset();
    store.import(&data).await.unwrap();
    let mut again = dataset();
    again.videos.push(data.videos[0].clone()); // a taken id, after new rows
    assert!(matches!(
        store.import(&again).await,
        Err(Error::Conflict(_))
    ));
    let mut orphan = dataset();
    orphan.profiles.clear(); // videos of a user that does not exist
    assert!(matches!(
        store.import(&orphan).await,
        Err(Error::NotFound { .. })
    ));
    let videos: i64 = sqlx::query_scalar("SELECT count(*) FROM videos")
        .fetch_one(db.pool())
        .await
        .unwrap();
    let profiles: i64 = sqlx::query_scalar("SELECT count(*) FROM user_profiles")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!((videos, profiles), (2, 1), "only the first import's rows");
}

#[tokio::test]
async fn ten_thousand_videos_import_in_a_few_statements() {
    let db = TestDb::new().await;
    let store = db.store();
    let user = UserId::new_v4();
    let profile = UserProfile {
        user_id: user,
        full_name: "Many".into(),
        created_at: at(1, 0),
        updated_at: at(1, 0),
    };
    let videos: Vec<VideoRecord> = (0..10_000)
        .map(|i| VideoRecord::pending(VideoId::new_v4(), user, format!("/v/{i}"), at(1, 2)))
        .collect();
    let data = Dataset {
        profiles: vec![profile],
        videos,
        ..Dataset::default()
    };
    let started = std::time::Instant::now();
    store.import(&data).await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM videos")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(n, 10_000);
    eprintln!("imported 10,000 videos in {:?}", started.elapsed());
}
