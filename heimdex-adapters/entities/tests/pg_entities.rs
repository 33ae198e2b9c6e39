//! The entities against a real PostgreSQL: rows written through `PgStore` (profiles, videos,
//! timing events, searches, scenes) and `PgJobQueue` read back through sea-orm on the store's own
//! pool, column for column as the store's reads return them, and the relations as joins.

use heimdex_testsupport as support;

use std::time::Duration;

use chrono::TimeDelta;
use heimdex_core::queue::{NewJob, RetryPolicy};
use heimdex_core::record::{
    MediaInfo, NewProfile, NewSearch, NewVideo, SearchRecord, StageTimingRecord, UserProfile,
    VideoRecord,
};
use heimdex_core::time::now;
use heimdex_core::{
    Catalog, FailureKind, Flush, JobOutcome, JobQueue, Outcome, PerceptualHash, SceneIndex,
    SceneRecord, SearchId, StageName, TimingEvent, TimingSink, UserId, VideoId, WorkerId,
};
use heimdex_entities::prelude::*;
use heimdex_entities::{
    connect, jobs, search_queries, user_profiles, video_scenes, video_stage_timings, videos,
};
use heimdex_postgres::PgStore;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, ModelTrait, QueryFilter, QueryOrder};
use support::pg::TestDb;

async fn profile(store: &PgStore, name: &str) -> UserId {
    let user_id = UserId::new_v4();
    let full_name = name.to_owned();
    store
        .upsert_profile(NewProfile { user_id, full_name })
        .await
        .unwrap();
    user_id
}

async fn video(store: &PgStore, owner: UserId, name: &str) -> VideoId {
    let new = NewVideo {
        id: None,
        owner_id: owner,
        storage_path: format!("/videos/{name}"),
        filename: Some(name.to_owned()),
    };
    store.create_video(new).await.unwrap()
}

/// One attempt that runs `metadata` (ok) then fails in `transcription`: every column of the
/// video row and of its stage rows gets a value.
fn failed_attempt(video: VideoId, attempt: u32) -> Vec<TimingEvent> {
    let t0 = now() - TimeDelta::minutes(10);
    let s = |secs: i64| t0 + TimeDelta::seconds(secs);
    let metadata = StageName::new("metadata").unwrap();
    let transcription = StageName::new("transcription").unwrap();
    vec![
        TimingEvent::JobQueued { video, at: s(0) },
        TimingEvent::JobStarted {
            video,
            attempt,
            at: s(2),
        },
        TimingEvent::StageStarted {
            video,
            attempt,
            stage: metadata.clone(),
            at: s(2),
        },
        TimingEvent::StageFinished {
            video,
            attempt,
            stage: metadata,
            started_at: s(2),
            finished_at: s(3),
            elapsed: Duration::from_millis(1_000),
            outcome: Outcome::Ok,
        },
        TimingEvent::StageStarted {
            video,
            attempt,
            stage: transcription.clone(),
            at: s(3),
        },
        TimingEvent::StageFinished {
            video,
            attempt,
            stage: transcription.clone(),
            started_at: s(3),
            finished_at: s(5),
            elapsed: Duration::from_millis(2_250),
            outcome: Outcome::Failed {
                kind: FailureKind::Decode,
                message: "decoder exploded".into(),
            },
        },
        TimingEvent::JobFinished {
            video,
            attempt,
            at: s(5),
            elapsed: Duration::from_millis(3_250),
            outcome: JobOutcome::Failed {
                stage: transcription,
                kind: FailureKind::Decode,
                message: "decoder exploded".into(),
            },
        },
    ]
}

fn scenes() -> Vec<SceneRecord> {
    let first = SceneRecord {
        transcript: "hello there".into(),
        keyframes: vec!["/k/0-a.jpg".into(), "/k/0-b.jpg".into()],
        quality: Some(0.75),
        embedding: Some(vec![0.25, -1.5, 3.0e-7]),
        image_embedding: Some(vec![1.0, 0.0, -0.125, 42.0]),
        // The top bit set: stored as a negative bigint.
        perceptual_hash: Some(PerceptualHash(0xF0E1_D2C3_B4A5_9687)),
        ..SceneRecord::new(0, 0.0, 4.5)
    };
    // A scene with nothing but times: empty text and keyframes, null extras.
    let second = SceneRecord::new(1, 4.5, 9.0);
    vec![first, second]
}

/// A database with Alice's failed video (media info, two stage rows, a search, two scenes) and
/// Bob's pending video; the connection is sea-orm's on the store's own pool.
struct Fixture {
    _db: TestDb,
    store: PgStore,
    orm: DatabaseConnection,
    alice: UserId,
    bob: UserId,
    failed: VideoId,
    pending: VideoId,
    search: NewSearch,
}

async fn fixture() -> Fixture {
    let db = TestDb::new().await;
    let store = db.store();
    let alice = profile(&store, "Alice Liddell").await;
    let bob = profile(&store, "Bob").await;
    let failed = video(&store, alice, "talk.mp4").await;
    let pending = video(&store, bob, "cats.mov").await;
    let info = MediaInfo {
        duration_s: 61.5,
        frame_rate: Some(29.97),
        width: Some(1920),
        height: Some(1080),
    };
    store.set_media_info(failed, info).await.unwrap();
    for event in failed_attempt(failed, 1) {
        store.record(event);
    }
    store.flush().await.unwrap();
    let search = NewSearch {
        id: SearchId::new_v4(),
        user_id: Some(alice),
        video_id: Some(failed),
        query_text: "cats on a piano".into(),
        results_count: Some(3),
        latency_ms: Some(120),
    };
    store.record_search(search.clone()).await.unwrap();
    store.replace_scenes(failed, &scenes()).await.unwrap();
    let orm = connect(store.pool().clone());
    Fixture {
        _db: db,
        store,
        orm,
        alice,
        bob,
        failed,
        pending,
        search,
    }
}

#[tokio::test]
async fn video_rows_read_through_the_entity_match_the_stores_own_read() {
    let f = fixture().await;
    for id in [f.failed, f.pending] {
        let row = Videos::find_by_id(id.0)
            .one(&f.orm)
            .await
            .unwrap()
            .expect("the video is found");
        let expected = f.store.video(id).await.unwrap().unwrap();
        assert_eq!(VideoRecord::from(row.clone()), expected);
        // Column by column, so a failure names the column.
        assert_eq!(row.id, expected.id.0);
        assert_eq!(row.owner_id, expected.owner_id.0);
        assert_eq!(row.storage_path, expected.storage_path);
        assert_eq!(row.filename, expected.filename);
        assert_eq!(heimdex_core::VideoStatus::from(row.status), expected.status);
        assert_eq!(row.duration_s, expected.duration_s);
        assert_eq!(row.frame_rate, expected.frame_rate);
        assert_eq!(row.width, expected.width);
        assert_eq!(row.height, expected.height);
        assert_eq!(row.error_message, expected.error_message);
        assert_eq!(row.created_at, expected.created_at);
        assert_eq!(row.updated_at, expected.updated_at);
        assert_eq!(row.queued_at, expected.queued_at);
        assert_eq!(row.processing_started_at, expected.processing_started_at);
        assert_eq!(row.processing_finished_at, expected.processing_finished_at);
        assert_eq!(row.processing_duration_ms, expected.processing_duration_ms);
        assert_eq!(row.processing_stage, expected.processing_stage);
        assert_eq!(row.processing_attempt, expected.processing_attempt);
    }

    // The failed video has every column set; the pending one has none of the optional ones.
    let failed = Videos::find_by_id(f.failed.0)
        .one(&f.orm)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(failed.status, VideoStatus::Failed);
    assert_eq!(failed.error_message.as_deref(), Some("decoder exploded"));
    assert_eq!(
        (
            failed.duration_s,
            failed.frame_rate,
            failed.width,
            failed.height
        ),
        (Some(61.5), Some(29.97), Some(1920), Some(1080))
    );
    assert_eq!(failed.processing_stage.as_deref(), Some("transcription"));
    assert_eq!(
        (failed.processing_attempt, failed.processing_duration_ms),
        (Some(1), Some(3_250))
    );
    assert!(failed.queued_at.is_some() && failed.processing_finished_at.is_some());
    let pending = Videos::find_by_id(f.pending.0)
        .one(&f.orm)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(pending.status, VideoStatus::Pending);
    assert_eq!(
        (
            pending.queued_at,
            pending.processing_attempt,
            pending.duration_s
        ),
        (None, None, None)
    );
    assert!(Videos::find_by_id(VideoId::new_v4().0)
        .one(&f.orm)
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn the_status_enum_filters_like_the_column() {
    let f = fixture().await;
    let failed = Videos::find()
        .filter(videos::Column::Status.eq(VideoStatus::Failed))
        .all(&f.orm)
        .await
        .unwrap();
    assert_eq!(
        failed.iter().map(|v| v.id).collect::<Vec<_>>(),
        [f.failed.0]
    );
    let unfinished = Videos::find()
        .filter(videos::Column::Status.is_in([VideoStatus::Pending, VideoStatus::Processing]))
        .all(&f.orm)
        .await
        .unwrap();
    assert_eq!(
        unfinished.iter().map(|v| v.id).collect::<Vec<_>>(),
        [f.pending.0]
    );
}

#[tokio::test]
async fn stage_timings_read_through_the_entity_match_the_stores_own_read() {
    let f = fixture().await;
    let rows = VideoStageTimings::find()
        .filter(video_stage_timings::Column::VideoId.eq(f.failed.0))
        .order_by_asc(video_stage_timings::Column::Attempt)
        .order_by_asc(video_stage_timings::Column::StartedAt)
        .all(&f.orm)
        .await
        .unwrap();
    let expected = f.store.stage_timings(f.failed).await.unwrap();
    assert_eq!(expected.len(), 2);
    assert_eq!(rows.len(), expected.len());
    for (row, want) in rows.iter().zip(&expected) {
        assert_eq!(
            StageTimingRecord::try_from(row.clone()).unwrap(),
            want.clone()
        );
        assert_eq!(row.video_id, want.video_id.0);
        assert_eq!(row.attempt, want.attempt);
        assert_eq!(row.stage, want.stage.as_str());
        assert_eq!(row.started_at, want.started_at);
        assert_eq!(row.finished_at, want.finished_at);
        assert_eq!(row.duration_ms, want.duration_ms);
        assert_eq!(row.outcome, want.outcome);
        assert_eq!(row.error, want.error);
    }
    assert_eq!(
        rows.iter()
            .map(|r| (r.stage.as_str(), r.outcome.as_deref(), r.error.as_deref()))
            .collect::<Vec<_>>(),
        [
            ("metadata", Some("ok"), None),
            ("transcription", Some("failed"), Some("decoder exploded")),
        ]
    );
    // The composite primary key (video_id, attempt, stage).
    let one = VideoStageTimings::find_by_id((f.failed.0, 1, "transcription".to_owned()))
        .one(&f.orm)
        .await
        .unwrap()
        .expect("found by its primary key");
    assert_eq!(one, rows[1]);
}

#[tokio::test]
async fn scenes_read_through_the_entity_match_the_stores_own_read() {
    let f = fixture().await;
    let rows = VideoScenes::find()
        .filter(video_scenes::Column::VideoId.eq(f.failed.0))
        .order_by_asc(video_scenes::Column::SceneIndex)
        .all(&f.orm)
        .await
        .unwrap();
    let expected = f.store.scenes(f.failed).await.unwrap();
    assert_eq!(expected, scenes(), "the store keeps what it was given");
    assert_eq!(rows.len(), expected.len());
    for (row, want) in rows.iter().zip(&expected) {
        assert_eq!(SceneRecord::try_from(row.clone()).unwrap(), want.clone());
        assert_eq!(row.video_id, f.failed.0);
        assert_eq!(row.scene_index, i32::try_from(want.index).unwrap());
        assert_eq!(row.start_s, want.start_s);
        assert_eq!(row.end_s, want.end_s);
        assert_eq!(row.transcript, want.transcript);
        assert_eq!(row.keyframes, want.keyframes);
        assert_eq!(row.quality, want.quality);
        assert_eq!(row.embedding, want.embedding);
        assert_eq!(row.image_embedding, want.image_embedding);
        assert_eq!(
            row.perceptual_hash,
            want.perceptual_hash.map(|h| h.to_i64())
        );
    }
    assert!(
        rows[0].perceptual_hash.unwrap() < 0,
        "the top bit is the sign"
    );
    assert_eq!(
        (rows[1].transcript.as_str(), rows[1].keyframes.len()),
        ("", 0)
    );
    assert_eq!(
        (rows[1].embedding.as_ref(), rows[1].perceptual_hash),
        (None, None)
    );
}

#[tokio::test]
async fn profiles_and_searches_read_through_the_entities_hold_what_was_written() {
    let f = fixture().await;
    // The store has no read of these rows: compare with plain SQL on the same pool.
    let stored: Vec<(
        uuid::Uuid,
        String,
        chrono::DateTime<chrono::Utc>,
        chrono::DateTime<chrono::Utc>,
    )> = sea_orm::sqlx::query_as(
        "SELECT user_id, full_name, created_at, updated_at FROM user_profiles ORDER BY full_name",
    )
    .fetch_all(f.store.pool())
    .await
    .unwrap();
    let profiles = UserProfiles::find()
        .order_by_asc(user_profiles::Column::FullName)
        .all(&f.orm)
        .await
        .unwrap();
    assert_eq!(
        profiles
            .iter()
            .map(|p| p.full_name.as_str())
            .collect::<Vec<_>>(),
        ["Alice Liddell", "Bob"]
    );
    assert_eq!(profiles[0].user_id, f.alice.0);
    assert_eq!(profiles[1].user_id, f.bob.0);
    for (row, (user_id, full_name, created_at, updated_at)) in profiles.iter().zip(stored) {
        let want = UserProfile {
            user_id: UserId(user_id),
            full_name,
            created_at,
            updated_at,
        };
        assert_eq!(UserProfile::from(row.clone()), want);
    }

    let created_at: chrono::DateTime<chrono::Utc> =
        sea_orm::sqlx::query_scalar("SELECT created_at FROM search_queries WHERE id = $1")
            .bind(f.search.id.0)
            .fetch_one(f.store.pool())
            .await
            .unwrap();
    let search = SearchQueries::find_by_id(f.search.id.0)
        .one(&f.orm)
        .await
        .unwrap()
        .expect("the search is found");
    let want = SearchRecord {
        id: f.search.id,
        user_id: f.search.user_id,
        video_id: f.search.video_id,
        query_text: f.search.query_text.clone(),
        results_count: f.search.results_count,
        latency_ms: f.search.latency_ms,
        created_at,
    };
    assert_eq!(SearchRecord::from(search.clone()), want);
    assert_eq!(
        (search.user_id, search.video_id),
        (Some(f.alice.0), Some(f.failed.0))
    );
    assert_eq!(
        (
            search.query_text.as_str(),
            search.results_count,
            search.latency_ms
        ),
        ("cats on a piano", Some(3), Some(120))
    );
}

#[tokio::test]
async fn relations_join_videos_to_their_owner_timings_scenes_and_searches() {
    let f = fixture().await;

    // A video with its stage timings, in one query.
    let with_timings = Videos::find_by_id(f.failed.0)
        .find_with_related(VideoStageTimings)
        .order_by_asc(video_stage_timings::Column::StartedAt)
        .all(&f.orm)
        .await
        .unwrap();
    assert_eq!(with_timings.len(), 1);
    let (video, timings) = &with_timings[0];
    assert_eq!(video.id, f.failed.0);
    let timings: Vec<StageTimingRecord> = timings
        .iter()
        .cloned()
        .map(|t| t.try_into().unwrap())
        .collect();
    assert_eq!(timings, f.store.stage_timings(f.failed).await.unwrap());

    // The videos of one owner, from the profile; and back from a video to its owner.
    let alice = UserProfiles::find_by_id(f.alice.0)
        .one(&f.orm)
        .await
        .unwrap()
        .unwrap();
    let hers = alice.find_related(Videos).all(&f.orm).await.unwrap();
    assert_eq!(hers.iter().map(|v| v.id).collect::<Vec<_>>(), [f.failed.0]);
    let (_, owner) = Videos::find_by_id(f.pending.0)
        .find_also_related(UserProfiles)
        .one(&f.orm)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        owner.map(|o| (o.user_id, o.full_name)),
        Some((f.bob.0, "Bob".to_owned()))
    );

    // Scenes from their video, and a video's searches with who made them.
    let scenes = video.find_related(VideoScenes).all(&f.orm).await.unwrap();
    assert_eq!(scenes.len(), 2);
    let searches = SearchQueries::find()
        .filter(search_queries::Column::VideoId.eq(f.failed.0))
        .find_also_related(UserProfiles)
        .all(&f.orm)
        .await
        .unwrap();
    assert_eq!(searches.len(), 1);
    assert_eq!(searches[0].0.id, f.search.id.0);
    assert_eq!(
        searches[0].1.as_ref().map(|p| p.full_name.as_str()),
        Some("Alice Liddell")
    );
    let videos_searched = alice.find_related(SearchQueries).all(&f.orm).await.unwrap();
    assert_eq!(videos_searched.len(), 1);

    // A join filtered on the other side: the owners of failed videos.
    let owners_of_failed = UserProfiles::find()
        .inner_join(Videos)
        .filter(videos::Column::Status.eq(VideoStatus::Failed))
        .all(&f.orm)
        .await
        .unwrap();
    assert_eq!(
        owners_of_failed
            .iter()
            .map(|p| p.user_id)
            .collect::<Vec<_>>(),
        [f.alice.0]
    );
}

#[tokio::test]
async fn a_claimed_job_reads_back_with_its_lease_and_its_video() {
    let f = fixture().await;
    let queue =
        heimdex_postgres::queue::PgJobQueue::new(f.store.pool().clone(), RetryPolicy::default());
    let new = NewJob {
        video: f.pending,
        source: "/videos/cats.mov".into(),
        owner: Some(f.bob),
    };
    queue.enqueue(new).await.unwrap();
    let queued = Jobs::find_by_id(f.pending.0)
        .one(&f.orm)
        .await
        .unwrap()
        .expect("the job is found");
    assert_eq!(queued.state, "queued");
    assert_eq!(
        (
            queued.attempt,
            queued.lease_token,
            queued.worker_id.as_deref()
        ),
        (0, None, None)
    );

    let worker = WorkerId::new("worker-1");
    let claimed = queue
        .claim(&worker, Duration::from_secs(60))
        .await
        .unwrap()
        .expect("the job is claimed");
    let (job, video) = Jobs::find_by_id(f.pending.0)
        .find_also_related(Videos)
        .one(&f.orm)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.state, "running");
    assert_eq!(job.video_id, claimed.job.video.0);
    assert_eq!(job.source.as_deref(), Some(claimed.job.source.as_str()));
    assert_eq!(job.owner_id, claimed.job.owner.map(|o| o.0));
    assert_eq!(job.attempt, i32::try_from(claimed.job.attempt).unwrap());
    assert_eq!(job.lease_token, Some(claimed.lease.token));
    assert_eq!(job.lease_expires_at, Some(claimed.lease.expires_at));
    assert_eq!(job.worker_id.as_deref(), Some(claimed.worker.0.as_str()));
    assert_eq!((job.last_error.as_deref(), job.finished_at), (None, None));
    assert_eq!(job.enqueued_at, queued.enqueued_at);
    assert_eq!(video.map(|v| v.id), Some(f.pending.0));
    // And from the video to its job.
    let pending = Videos::find_by_id(f.pending.0)
        .one(&f.orm)
        .await
        .unwrap()
        .unwrap();
    let jobs: Vec<jobs::Model> = pending.find_related(Jobs).all(&f.orm).await.unwrap();
    assert_eq!(jobs, [job]);
}
