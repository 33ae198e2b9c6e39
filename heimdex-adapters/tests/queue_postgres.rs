//! The PostgreSQL queue under many claimers: every job claimed exactly once, batches that agree
//! with single calls, and LISTEN/NOTIFY wake-ups.

use heimdex_testsupport as support;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use heimdex_adapters::postgres::queue::PgJobQueue;
use heimdex_adapters::worker::WorkSignal;
use heimdex_core::queue::{FinishOutcome, JobQueue, NewJob, RetryPolicy};
use heimdex_core::{Error, FailureKind, JobOutcome, StageName, VideoId, WorkerId};
use support::pg::TestDb;

const LEASE: Duration = Duration::from_secs(60);

async fn queue() -> (Arc<PgJobQueue>, TestDb) {
    let db = TestDb::new().await;
    let queue = Arc::new(PgJobQueue::new(db.pool().clone(), RetryPolicy::default()));
    (queue, db)
}

fn jobs(n: usize) -> Vec<NewJob> {
    (0..n)
        .map(|i| NewJob {
            video: VideoId::new_v4(),
            source: format!("/v/{i}.mp4"),
            owner: None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn four_claimers_share_two_thousand_jobs_each_claimed_exactly_once() {
    let (q, _db) = queue().await;
    let all = jobs(2_000);
    assert_eq!(q.enqueue_batch(&all).await.unwrap().len(), 2_000);
    let claimers: Vec<_> = (0..4)
        .map(|c| {
            let q = Arc::clone(&q);
            tokio::spawn(async move {
                let w = WorkerId::new(format!("claimer-{c}"));
                let mut got = Vec::new();
                while let Some(job) = q.claim(&w, LEASE).await.unwrap() {
                    assert_eq!(job.job.attempt, 1);
                    assert_eq!(
                        q.finish(&job, &JobOutcome::Succeeded).await.unwrap(),
                        FinishOutcome::Done
                    );
                    got.push(job.job.video);
                }
                got
            })
        })
        .collect();
    let mut seen: HashMap<VideoId, u32> = HashMap::new();
    let mut per_claimer = Vec::new();
    for c in claimers {
        let got = c.await.unwrap();
        per_claimer.push(got.len());
        for v in got {
            *seen.entry(v).or_default() += 1;
        }
    }
    assert_eq!(seen.len(), 2_000, "every job claimed");
    assert!(seen.values().all(|&n| n == 1), "no job claimed twice");
    assert!(all.iter().all(|j| seen.contains_key(&j.video)));
    assert!(
        per_claimer.iter().filter(|&&n| n > 0).count() >= 2,
        "work was shared: {per_claimer:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn batch_claims_race_without_overlap_and_batch_finishes_match_single_ones() {
    let (q, _db) = queue().await;
    q.enqueue_batch(&jobs(600)).await.unwrap();
    let claimers: Vec<_> = (0..4)
        .map(|c| {
            let q = Arc::clone(&q);
            tokio::spawn(async move {
                let w = WorkerId::new(format!("batcher-{c}"));
                let mut got = Vec::new();
                loop {
                    let batch = q.claim_batch(&w, LEASE, 25).await.unwrap();
                    if batch.is_empty() {
                        return got;
                    }
                    let done: Vec<_> = batch
                        .iter()
                        .map(|j| (j.clone(), JobOutcome::Succeeded))
                        .collect();
                    for r in q.finish_batch(&done).await {
                        assert_eq!(r.unwrap(), FinishOutcome::Done);
                    }
                    got.extend(batch.into_iter().map(|j| j.job.video));
                }
            })
        })
        .collect();
    let mut seen: HashMap<VideoId, u32> = HashMap::new();
    for c in claimers {
        for v in c.await.unwrap() {
            *seen.entry(v).or_default() += 1;
        }
    }
    assert_eq!(seen.len(), 600);
    assert!(seen.values().all(|&n| n == 1));

    // A mixed batch: success, failure (retry), a replay, and a stale lease.
    q.enqueue_batch(&jobs(3)).await.unwrap();
    let w = WorkerId::new("mixed");
    let mut c = q.claim_batch(&w, LEASE, 2).await.unwrap();
    c.push(
        q.claim(&w, Duration::from_millis(30))
            .await
            .unwrap()
            .unwrap(),
    );
    assert_eq!(c.len(), 3);
    tokio::time::sleep(Duration::from_millis(60)).await;
    let stale = c[2].clone();
    let fresh = q.claim(&w, LEASE).await.unwrap().unwrap();
    assert_eq!(
        fresh.job.video, stale.job.video,
        "the expired one is redelivered"
    );
    let fail = JobOutcome::Failed {
        stage: StageName::METADATA,
        kind: FailureKind::Io,
        message: "x".into(),
    };
    let results = q
        .finish_batch(&[
            (c[0].clone(), JobOutcome::Succeeded),
            (c[1].clone(), fail.clone()),
            (c[0].clone(), JobOutcome::Succeeded),
            (stale, JobOutcome::Succeeded),
        ])
        .await;
    assert_eq!(results[0].as_ref().unwrap(), &FinishOutcome::Done);
    assert!(matches!(
        results[1],
        Ok(FinishOutcome::RetryScheduled { .. })
    ));
    assert_eq!(results[2].as_ref().unwrap(), &FinishOutcome::Done, "replay");
    assert!(matches!(results[3], Err(Error::Conflict(_))));
    assert_eq!(
        q.finish(&fresh, &JobOutcome::Succeeded).await.unwrap(),
        FinishOutcome::Done
    );
}

#[tokio::test]
async fn listeners_hear_enqueue_release_and_requeue_but_not_future_retries() {
    let (q, _db) = queue().await;
    let listener = q.listen().await.unwrap();
    let mut rx = listener.subscribe();
    rx.borrow_and_update();
    let heard = |rx: &mut tokio::sync::watch::Receiver<u64>| {
        let mut rx = rx.clone();
        async move {
            tokio::time::timeout(Duration::from_secs(5), rx.changed())
                .await
                .is_ok()
        }
    };
    let video = VideoId::new_v4();
    q.enqueue(NewJob {
        video,
        source: "/v/a.mp4".into(),
        owner: None,
    })
    .await
    .unwrap();
    assert!(heard(&mut rx).await, "enqueue is announced");
    rx.borrow_and_update();
    let job = q.claim(&WorkerId::new("w"), LEASE).await.unwrap().unwrap();
    q.release(&job).await.unwrap();
    assert!(heard(&mut rx).await, "release is announced");
    rx.borrow_and_update();
    let job = q.claim(&WorkerId::new("w"), LEASE).await.unwrap().unwrap();
    let fail = JobOutcome::Failed {
        stage: StageName::METADATA,
        kind: FailureKind::Io,
        message: "x".into(),
    };
    assert!(matches!(
        q.finish(&job, &fail).await.unwrap(),
        FinishOutcome::RetryScheduled { .. }
    ));
    let quiet = tokio::time::timeout(Duration::from_millis(300), rx.changed()).await;
    assert!(quiet.is_err(), "a retry due in 15 s wakes nobody now");
}
