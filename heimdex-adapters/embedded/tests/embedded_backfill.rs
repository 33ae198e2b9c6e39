//! The embedded store's backfill: `processing_finished_at` from `updated_at`, nothing invented.

mod embedded_support;

use std::sync::Mutex;

use chrono::TimeDelta;
use embedded_support::{file_store, t0, TempDir};
use heimdex_core::backfill::{Backfill, BackfillOptions, BackfillProgress, BackfillReport};
use heimdex_core::record::{Dataset, UserProfile, VideoRecord};
use heimdex_core::testkit::Import;
use heimdex_core::{Catalog, UserId, VideoId, VideoStatus};

/// Rows as written before timing existed: no timing columns at all.
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
    let videos = vec![
        legacy(o, VideoStatus::Ready, 1),
        legacy(o, VideoStatus::Failed, 2),
        legacy(o, VideoStatus::Ready, 3),
        has_finish,
        legacy(o, VideoStatus::Pending, 1),
        legacy(o, VideoStatus::Processing, 1),
    ];
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
async fn dry_run_counts_candidates_and_changes_nothing() {
    let dir = TempDir::new();
    let store = file_store(&dir).await;
    let data = dataset();
    store.import(&data).await.unwrap();
    let calls = Mutex::new(Vec::new());
    let report = store
        .backfill(
            BackfillOptions {
                dry_run: true,
                batch_size: 2,
            },
            &|p| calls.lock().unwrap().push(p),
        )
        .await
        .unwrap();
    assert_eq!(
        report,
        BackfillReport {
            candidates: 3,
            updated: 0,
            batches: 0,
            dry_run: true
        }
    );
    assert_eq!(rows(&store, &data).await, data.videos);
    assert!(calls.lock().unwrap().is_empty());
}

#[tokio::test]
async fn backfill_sets_finished_from_updated_in_batches_and_invents_nothing() {
    let dir = TempDir::new();
    let store = file_store(&dir).await;
    let data = dataset();
    store.import(&data).await.unwrap();
    let calls = Mutex::new(Vec::new());
    let report = store
        .backfill(
            BackfillOptions {
                dry_run: false,
                batch_size: 2,
            },
            &|p| calls.lock().unwrap().push(p),
        )
        .await
        .unwrap();
    assert_eq!(
        report,
        BackfillReport {
            candidates: 3,
            updated: 3,
            batches: 2,
            dry_run: false
        }
    );
    assert_eq!(
        *calls.lock().unwrap(),
        [
            BackfillProgress { total: 3, done: 2 },
            BackfillProgress { total: 3, done: 3 }
        ]
    );

    let after = rows(&store, &data).await;
    for (before, now) in data.videos.iter().zip(&after) {
        let mut expected = before.clone();
        if before.status.is_finished() && before.processing_finished_at.is_none() {
            expected.processing_finished_at = Some(before.updated_at);
        }
        // Only processing_finished_at may change: no start, duration, queue time or updated_at.
        assert_eq!(now, &expected);
    }

    let again = store
        .backfill(BackfillOptions::default(), &|_| {
            panic!("no batch to report")
        })
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
    assert_eq!(
        rows(&store, &data).await,
        after,
        "a second run changes nothing"
    );
}
