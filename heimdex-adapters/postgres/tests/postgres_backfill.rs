//! The PostgreSQL backfill: `processing_finished_at` from `updated_at` for READY/FAILED rows that
//! lack it, in batches; nothing invented; a dry run and a second run change nothing.

use heimdex_testsupport as support;

use std::sync::Mutex;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use heimdex_core::backfill::{Backfill, BackfillOptions, BackfillProgress, BackfillReport};
use heimdex_core::record::{Dataset, UserProfile, VideoRecord};
use heimdex_core::testkit::Import;
use heimdex_core::UsageMetrics;
use heimdex_core::{Catalog, UserId, VideoId, VideoStatus};
use support::pg::TestDb;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap()
}

/// A row as written before timing existed: no timing column at all.
fn legacy(owner: UserId, status: VideoStatus, updated_days_ago: i64) -> VideoRecord {
    let mut v = VideoRecord::pending(
        VideoId::new_v4(),
        owner,
        "/old.mp4",
        t0() - TimeDelta::days(30),
    );
    v.status = status;
    v.duration_s = Some(60.0);
    v.updated_at = t0() - TimeDelta::days(updated_days_ago) + TimeDelta::microseconds(42);
    v
}

/// 7 READY/FAILED rows without a finish time, one with it, and rows that are not finished.
fn dataset() -> Dataset {
    let owner = UserProfile {
        user_id: UserId::new_v4(),
        full_name: "Old".into(),
        created_at: t0(),
        updated_at: t0(),
    };
    let o = owner.user_id;
    let mut has_finish = legacy(o, VideoStatus::Ready, 4);
    has_finish.processing_finished_at = Some(t0() - TimeDelta::days(5));
    let mut videos: Vec<VideoRecord> = (1..=5).map(|d| legacy(o, VideoStatus::Ready, d)).collect();
    videos.push(legacy(o, VideoStatus::Failed, 2));
    videos.push(legacy(o, VideoStatus::Failed, 9));
    videos.extend([
        has_finish,
        legacy(o, VideoStatus::Pending, 1),
        legacy(o, VideoStatus::Processing, 1),
    ]);
    Dataset {
        profiles: vec![owner],
        videos,
        ..Dataset::default()
    }
}

async fn rows(store: &dyn Catalog, data: &Dataset) -> Vec<VideoRecord> {
    let mut out = Vec::new();
    for v in &data.videos {
        out.push(store.video(v.id).await.unwrap().unwrap());
    }
    out
}

#[tokio::test]
async fn a_dry_run_counts_and_changes_nothing() {
    let db = TestDb::new().await;
    let store = db.store();
    let data = dataset();
    store.import(&data).await.unwrap();
    let calls = Mutex::new(Vec::new());
    let progress = |p: BackfillProgress| calls.lock().unwrap().push(p);
    let report = store
        .backfill(
            BackfillOptions {
                dry_run: true,
                batch_size: 2,
            },
            &progress,
        )
        .await
        .unwrap();
    assert_eq!(
        report,
        BackfillReport {
            candidates: 7,
            updated: 0,
            batches: 0,
            dry_run: true
        }
    );
    assert!(calls.lock().unwrap().is_empty());
    assert_eq!(
        rows(&store, &data).await,
        data.videos,
        "every row exactly as imported"
    );
}

#[tokio::test]
async fn the_backfill_sets_finish_times_in_batches_and_invents_nothing() {
    let db = TestDb::new().await;
    let store = db.store();
    let data = dataset();
    store.import(&data).await.unwrap();
    let calls = Mutex::new(Vec::new());
    let progress = |p: BackfillProgress| calls.lock().unwrap().push(p);
    let report = store
        .backfill(
            BackfillOptions {
                dry_run: false,
                batch_size: 3,
            },
            &progress,
        )
        .await
        .unwrap();
    assert_eq!(
        report,
        BackfillReport {
            candidates: 7,
            updated: 7,
            batches: 3,
            dry_run: false
        }
    );
    let done: Vec<u64> = calls.lock().unwrap().iter().map(|p| p.done).collect();
    assert_eq!(done, [3, 6, 7]);
    assert!(calls.lock().unwrap().iter().all(|p| p.total == 7));

    for (after, before) in rows(&store, &data).await.into_iter().zip(&data.videos) {
        let mut expected = before.clone();
        if before.status.is_finished() && before.processing_finished_at.is_none() {
            expected.processing_finished_at = Some(before.updated_at);
        }
        // Nothing else moves: no start, duration, queue time or stage invented, updated_at kept.
        assert_eq!(after, expected);
    }

    let again = store
        .backfill(BackfillOptions::default(), &|_| {})
        .await
        .unwrap();
    assert_eq!(
        again,
        BackfillReport {
            candidates: 0,
            updated: 0,
            batches: 0,
            dry_run: false
        }
    );
}

#[tokio::test]
async fn backfilled_rows_enter_throughput_by_their_old_completion_day() {
    use heimdex_core::{Bucket, Window};
    let db = TestDb::new().await;
    let store = db.store();
    let owner = UserProfile {
        user_id: UserId::new_v4(),
        full_name: "Old".into(),
        created_at: t0(),
        updated_at: t0(),
    };
    let mut v = VideoRecord::pending(
        VideoId::new_v4(),
        owner.user_id,
        "/old.mp4",
        Utc::now() - TimeDelta::days(9),
    );
    v.status = VideoStatus::Ready;
    v.duration_s = Some(7200.0);
    v.updated_at = Utc::now() - TimeDelta::days(3);
    let data = Dataset {
        profiles: vec![owner],
        videos: vec![v.clone()],
        ..Dataset::default()
    };
    store.import(&data).await.unwrap();
    let before = store
        .throughput(Window::thirty_days(), Bucket::Day)
        .await
        .unwrap();
    store
        .backfill(BackfillOptions::default(), &|_| {})
        .await
        .unwrap();
    let after = store
        .throughput(Window::thirty_days(), Bucket::Day)
        .await
        .unwrap();
    assert_eq!(
        before, after,
        "coalesce(processing_finished_at, updated_at) was already updated_at"
    );
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].hours_ready, 2.0);
    assert_eq!(after[0].day, v.updated_at.date_naive());
}
