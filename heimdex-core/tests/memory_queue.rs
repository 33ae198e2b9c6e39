//! MemoryQueue: the generic queue conformance suite, plus what only this queue is checked for here
//! (backoff timings, dead listing order, the `JobQueued` events it reports, many claimers).

use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use heimdex_core::memory::{MemoryQueue, MemorySink, MemoryStore};
use heimdex_core::queue::{EnqueueOutcome, FinishOutcome, JobQueue, NewJob, RetryPolicy};
use heimdex_core::record::{NewProfile, NewVideo};
use heimdex_core::testkit::queue::queue_conformance;
use heimdex_core::time::{self, Timestamp};
use heimdex_core::{
    Catalog, FailureKind, JobOutcome, StageName, TimingEvent, TimingSink, UserId, VideoId,
    VideoStatus, WorkerId,
};

const LONG: Duration = Duration::from_secs(60);

fn zero_delay(max_retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        base_delay: Duration::ZERO,
        max_delay: Duration::ZERO,
    }
}

fn new_job(video: VideoId) -> NewJob {
    NewJob {
        video,
        source: "/videos/talk.mp4".into(),
        owner: None,
    }
}

fn failed() -> JobOutcome {
    JobOutcome::Failed {
        stage: StageName::TRANSCRIPTION,
        kind: FailureKind::Decode,
        message: "bad frame".into(),
    }
}

fn w() -> WorkerId {
    WorkerId::new("w")
}

/// A store holding one PENDING video of a new owner.
async fn store_with_video() -> (Arc<MemoryStore>, VideoId) {
    let store = Arc::new(MemoryStore::new());
    let owner = UserId::new_v4();
    let profile = NewProfile {
        user_id: owner,
        full_name: "Ann".into(),
    };
    store.upsert_profile(profile).await.unwrap();
    let new = NewVideo {
        id: None,
        owner_id: owner,
        storage_path: "a.mp4".into(),
        filename: None,
    };
    let video = store.create_video(new).await.unwrap();
    (store, video)
}

async fn sleep(d: Duration) {
    tokio::time::sleep(d).await
}

fn ms(n: i64) -> TimeDelta {
    TimeDelta::milliseconds(n)
}

#[tokio::test]
async fn memory_queue_passes_the_conformance_suite_with_one_and_three_retries() {
    for max_retries in [1, 3] {
        let queue = MemoryQueue::new(zero_delay(max_retries));
        queue_conformance(&queue, max_retries, &|d| Box::pin(tokio::time::sleep(d))).await;
    }
}

/// Fails the claimed attempt and returns when it is due again, checked against `delay`.
async fn fail_and_check_delay(q: &MemoryQueue, delay: Option<Duration>) -> Option<Timestamp> {
    let job = q.claim(&w(), LONG).await.unwrap().expect("claimable");
    let before = time::now();
    let ended = q.finish(&job, &failed()).await.unwrap();
    let after = time::now();
    match (ended, delay) {
        (FinishOutcome::RetryScheduled { at }, Some(delay)) => {
            let d = TimeDelta::from_std(delay).unwrap();
            assert!(
                at >= before + d && at <= after + d,
                "due {at} after {delay:?}"
            );
            Some(at)
        }
        (FinishOutcome::Dead, None) => None,
        (ended, delay) => panic!("finish gave {ended:?}, expected a delay of {delay:?}"),
    }
}

#[tokio::test]
async fn the_default_policy_waits_15s_before_the_first_retry() {
    let policy = RetryPolicy::default();
    let q = MemoryQueue::new(policy);
    q.enqueue(new_job(VideoId::new_v4())).await.unwrap();
    let at = fail_and_check_delay(&q, policy.delay_after(1)).await;
    assert_eq!(policy.delay_after(1), Some(Duration::from_secs(15)));
    assert!(at.is_some());
    assert!(
        q.claim(&w(), LONG).await.unwrap().is_none(),
        "not claimable before its delay"
    );
}

#[tokio::test]
async fn backoff_doubles_then_caps_then_the_job_dies() {
    // The default policy's shape (base, doubling, cap, 3 retries) at a thousandth of its scale.
    let policy = RetryPolicy {
        max_retries: 3,
        base_delay: Duration::from_millis(15),
        max_delay: Duration::from_millis(40),
    };
    let expected = [15, 30, 40].map(|n| Some(Duration::from_millis(n)));
    assert_eq!(
        [1, 2, 3].map(|k| policy.delay_after(k)),
        expected,
        "15, 30, capped 40"
    );
    let q = MemoryQueue::new(policy);
    q.enqueue(new_job(VideoId::new_v4())).await.unwrap();
    for (k, delay) in expected.into_iter().enumerate() {
        let due = fail_and_check_delay(&q, delay).await.unwrap();
        assert!(
            q.claim(&w(), LONG).await.unwrap().is_none(),
            "retry {k} is early"
        );
        let wait = (due - time::now()).to_std().unwrap_or_default();
        sleep(wait + Duration::from_millis(2)).await;
    }
    assert_eq!(fail_and_check_delay(&q, None).await, None, "no retry left");
}

#[tokio::test]
async fn dead_jobs_are_listed_in_the_order_they_died_with_attempts_and_reason() {
    let q = MemoryQueue::new(zero_delay(1));
    let (a, b) = (VideoId::new_v4(), VideoId::new_v4());
    for video in [b, a] {
        q.enqueue(new_job(video)).await.unwrap();
        for _ in 0..2 {
            let job = q.claim(&w(), LONG).await.unwrap().unwrap();
            q.finish(&job, &failed()).await.unwrap();
        }
        sleep(Duration::from_millis(2)).await;
    }
    let dead = q.dead_jobs().await.unwrap();
    let listed: Vec<_> = dead
        .iter()
        .map(|d| (d.video, d.attempts, d.reason.as_str()))
        .collect();
    assert_eq!(
        listed,
        [
            (b, 2, "transcription: bad frame"),
            (a, 2, "transcription: bad frame")
        ]
    );
    assert!(dead[0].died_at < dead[1].died_at);
}

#[tokio::test]
async fn queued_at_is_reported_on_enqueue_and_when_a_waiting_job_is_claimed() {
    let sink = Arc::new(MemorySink::default());
    let q = MemoryQueue::new(zero_delay(3)).with_sink(sink.clone());
    let video = VideoId::new_v4();
    let queued = |at| TimingEvent::JobQueued { video, at };

    assert_eq!(
        q.enqueue(new_job(video)).await.unwrap(),
        EnqueueOutcome::Enqueued
    );
    let first = sink.drain();
    assert!(
        matches!(first.as_slice(), [TimingEvent::JobQueued { .. }]),
        "{first:?}"
    );
    assert_eq!(
        q.enqueue(new_job(video)).await.unwrap(),
        EnqueueOutcome::AlreadyActive
    );
    let job = q
        .claim(&w(), Duration::from_millis(30))
        .await
        .unwrap()
        .unwrap();
    assert!(
        sink.drain().is_empty(),
        "a refused enqueue and a first claim report nothing"
    );

    sleep(Duration::from_millis(60)).await;
    let redelivered = q.claim(&w(), LONG).await.unwrap().unwrap();
    assert_eq!(
        sink.drain(),
        [queued(job.lease.expires_at)],
        "queued from the expiry"
    );

    let FinishOutcome::RetryScheduled { at } = q.finish(&redelivered, &failed()).await.unwrap()
    else {
        panic!("retried");
    };
    assert!(
        sink.drain().is_empty(),
        "nothing until the retry is claimed"
    );
    let retry = q.claim(&w(), LONG).await.unwrap().unwrap();
    assert_eq!(
        sink.drain(),
        [queued(at)],
        "queued from the retry's due time"
    );

    let before = time::now();
    q.release(&retry).await.unwrap();
    q.claim(&w(), LONG).await.unwrap().unwrap();
    let events = sink.drain();
    let [TimingEvent::JobQueued { at: released, .. }] = events.as_slice() else {
        panic!("{events:?}");
    };
    assert!(
        *released >= before && *released - before < ms(1000),
        "queued from the release"
    );
}

#[tokio::test]
async fn a_video_waiting_for_its_retry_keeps_its_failed_stage() {
    let (store, video) = store_with_video().await;
    let q = MemoryQueue::new(RetryPolicy {
        base_delay: Duration::from_millis(20),
        ..zero_delay(2)
    })
    .with_sink(store.clone());
    q.enqueue(new_job(video)).await.unwrap();
    let job = q.claim(&w(), LONG).await.unwrap().unwrap();
    let now = time::now();
    for event in [
        TimingEvent::JobStarted {
            video,
            attempt: 1,
            at: now,
        },
        TimingEvent::JobFinished {
            video,
            attempt: 1,
            at: now,
            elapsed: Duration::ZERO,
            outcome: failed(),
        },
    ] {
        store.record(event);
    }
    let FinishOutcome::RetryScheduled { at } = q.finish(&job, &failed()).await.unwrap() else {
        panic!("retried");
    };
    let row = store.video(video).await.unwrap().unwrap();
    assert_eq!(
        (row.status, row.processing_stage.as_deref()),
        (VideoStatus::Failed, Some("transcription"))
    );
    sleep(Duration::from_millis(30)).await;
    q.claim(&w(), LONG).await.unwrap().expect("due");
    assert_eq!(
        store.video(video).await.unwrap().unwrap().queued_at,
        Some(at)
    );
}

#[tokio::test]
async fn a_lease_that_expires_with_no_retry_left_fails_the_video_like_the_durable_queues() {
    let (store, video) = store_with_video().await;
    let q = MemoryQueue::new(zero_delay(0)).with_sink(store.clone());
    q.enqueue(new_job(video)).await.unwrap();
    q.claim(&w(), Duration::from_millis(10))
        .await
        .unwrap()
        .unwrap();
    store.record(TimingEvent::JobStarted {
        video,
        attempt: 1,
        at: time::now(),
    });
    store.record(TimingEvent::StageStarted {
        video,
        attempt: 1,
        stage: StageName::TRANSCRIPTION,
        at: time::now(),
    });
    sleep(Duration::from_millis(20)).await;
    assert!(q.claim(&w(), LONG).await.unwrap().is_none(), "buried");
    let row = store.video(video).await.unwrap().unwrap();
    assert_eq!(row.status, VideoStatus::Failed);
    assert_eq!(row.processing_stage.as_deref(), Some("transcription"));
    assert_eq!(
        row.error_message.as_deref(),
        Some("lease expired on attempt 1, no retry left")
    );
    assert!(row.processing_finished_at.is_some());
}

#[derive(Debug)]
struct Panicking;
impl TimingSink for Panicking {
    fn record(&self, _event: TimingEvent) {
        panic!("sink broke");
    }
}

#[tokio::test]
async fn a_panicking_sink_never_blocks_enqueue_or_claim() {
    let q = MemoryQueue::new(zero_delay(1)).with_sink(Arc::new(Panicking));
    let video = VideoId::new_v4();
    assert_eq!(
        q.enqueue(new_job(video)).await.unwrap(),
        EnqueueOutcome::Enqueued
    );
    let job = q.claim(&w(), LONG).await.unwrap().unwrap();
    q.release(&job).await.unwrap();
    assert_eq!(q.claim(&w(), LONG).await.unwrap().unwrap().job.video, video);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn four_claimers_claim_each_job_exactly_once() {
    let q = Arc::new(MemoryQueue::new(zero_delay(1)));
    for _ in 0..400 {
        q.enqueue(new_job(VideoId::new_v4())).await.unwrap();
    }
    let claimers: Vec<_> = (0..4)
        .map(|c| {
            let q = Arc::clone(&q);
            tokio::spawn(async move {
                let worker = WorkerId::new(format!("c{c}"));
                let mut got = Vec::new();
                while let Some(job) = q.claim(&worker, LONG).await.unwrap() {
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
    let mut all = Vec::new();
    for c in claimers {
        all.extend(c.await.unwrap());
    }
    let count = all.len();
    all.sort();
    all.dedup();
    assert_eq!((count, all.len()), (400, 400), "every job once");
}
