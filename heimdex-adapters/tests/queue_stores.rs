//! What both durable queues promise beyond the generic conformance suite: the video-row timing
//! they write (docs/spec.md#stages), burial of jobs that cannot run, and the retry budget. Every
//! test runs against the embedded store and against PostgreSQL.

mod queue_support;

use std::time::Duration;

use heimdex_core::queue::{EnqueueOutcome, FinishOutcome, RetryPolicy};
use heimdex_core::{Error, JobOutcome, StageName, TimingEvent, VideoStatus, WorkerId};
use queue_support::{failed, policy, Fixture, LEASE, PAST_SHORT, SHORT};

macro_rules! both_stores {
    ($($name:ident => $body:ident;)*) => {$(
        mod $name {
            #[tokio::test]
            async fn embedded() {
                super::$body(crate::queue_support::embedded).await
            }
            #[tokio::test]
            async fn postgres() {
                super::$body(crate::queue_support::postgres).await
            }
        }
    )*};
}

type Make<F> = fn(RetryPolicy) -> F;

trait MakeFut: std::future::Future<Output = Option<Fixture>> {}
impl<T: std::future::Future<Output = Option<Fixture>>> MakeFut for T {}

both_stores! {
    enqueue_writes_queued_at_and_stage_queued_once => enqueue_writes_queued_at;
    a_retry_is_queued_from_when_it_became_claimable => retry_queue_time;
    retries_run_out_then_the_job_is_dead_until_requeued => retry_dead_requeue;
    an_expired_lease_is_redelivered_as_a_new_attempt => lease_expiry;
    an_expired_lease_with_no_retry_left_fails_the_video_at_its_stage => expiry_without_retries;
    a_job_without_a_source_is_buried_with_its_reason => undecodable;
    release_gives_the_job_back_without_using_a_retry => release_budget;
}

async fn enqueue_writes_queued_at<F: MakeFut>(make: Make<F>) {
    let Some(fx) = make(policy(3)).await else {
        return;
    };
    let video = fx.video().await;
    assert_eq!(fx.enqueue(video).await, EnqueueOutcome::Enqueued);
    let row = fx.row(video).await;
    assert_eq!(row.processing_stage.as_deref(), Some("queued"));
    assert_eq!(row.status, VideoStatus::Pending);
    let queued_at = row.queued_at.expect("queued_at written by enqueue");
    assert_eq!(fx.enqueue(video).await, EnqueueOutcome::AlreadyActive);
    assert_eq!(
        fx.row(video).await.queued_at,
        Some(queued_at),
        "a refused enqueue writes nothing"
    );
    fx.done().await;
}

async fn retry_queue_time<F: MakeFut>(make: Make<F>) {
    let slow = RetryPolicy {
        base_delay: Duration::from_millis(400),
        ..policy(3)
    };
    let Some(fx) = make(slow).await else {
        return;
    };
    let video = fx.video().await;
    fx.enqueue(video).await;
    let w = WorkerId::new("w");
    let first = fx.queue.claim(&w, LEASE).await.unwrap().unwrap();
    let FinishOutcome::RetryScheduled { at } =
        fx.queue.finish(&first, &failed("boom")).await.unwrap()
    else {
        panic!("a first failure is retried");
    };
    assert!(
        fx.queue.claim(&w, LEASE).await.unwrap().is_none(),
        "not claimable before its time"
    );
    let due = (at - heimdex_core::time::now())
        .to_std()
        .unwrap_or_default();
    tokio::time::sleep(due + Duration::from_millis(20)).await;
    let second = fx.queue.claim(&w, LEASE).await.unwrap().unwrap();
    assert_eq!(second.job.attempt, 2);
    assert_eq!(
        fx.row(video).await.queued_at,
        Some(at),
        "queue time counts from the retry's due time"
    );
    fx.done().await;
}

async fn retry_dead_requeue<F: MakeFut>(make: Make<F>) {
    let Some(fx) = make(policy(1)).await else {
        return;
    };
    let video = fx.video().await;
    fx.enqueue(video).await;
    let w = WorkerId::new("w");
    let a1 = fx.queue.claim(&w, LEASE).await.unwrap().unwrap();
    assert!(matches!(
        fx.queue.finish(&a1, &failed("one")).await.unwrap(),
        FinishOutcome::RetryScheduled { .. }
    ));
    tokio::time::sleep(Duration::from_millis(60)).await;
    let a2 = fx.queue.claim(&w, LEASE).await.unwrap().unwrap();
    assert_eq!(
        fx.queue.finish(&a2, &failed("two")).await.unwrap(),
        FinishOutcome::Dead
    );
    assert_eq!(
        fx.queue.finish(&a2, &failed("two")).await.unwrap(),
        FinishOutcome::Dead,
        "replayed finish"
    );
    let dead = fx.queue.dead_jobs().await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!((dead[0].video, dead[0].attempts), (video, 2));
    assert!(
        dead[0].reason.contains("two") && dead[0].reason.contains("transcription"),
        "{}",
        dead[0].reason
    );
    assert!(
        fx.queue.claim(&w, LEASE).await.unwrap().is_none(),
        "dead jobs are not claimed"
    );

    fx.queue.requeue_dead(video).await.unwrap();
    assert!(fx.queue.dead_jobs().await.unwrap().is_empty());
    assert_eq!(
        fx.row(video).await.processing_stage.as_deref(),
        Some("queued")
    );
    let a3 = fx.queue.claim(&w, LEASE).await.unwrap().unwrap();
    assert_eq!(
        a3.job.attempt, 3,
        "attempts keep counting so stage timings stay apart"
    );
    assert!(
        matches!(
            fx.queue.finish(&a3, &failed("three")).await.unwrap(),
            FinishOutcome::RetryScheduled { .. }
        ),
        "fresh budget"
    );
    let err = fx.queue.requeue_dead(video).await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err}");
    fx.done().await;
}

async fn lease_expiry<F: MakeFut>(make: Make<F>) {
    let Some(fx) = make(policy(3)).await else {
        return;
    };
    let video = fx.video().await;
    fx.enqueue(video).await;
    let stale = fx
        .queue
        .claim(&WorkerId::new("dies"), SHORT)
        .await
        .unwrap()
        .unwrap();
    assert!(
        fx.queue
            .claim(&WorkerId::new("other"), LEASE)
            .await
            .unwrap()
            .is_none(),
        "leased"
    );
    tokio::time::sleep(PAST_SHORT).await;
    let fresh = fx
        .queue
        .claim(&WorkerId::new("other"), LEASE)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((fresh.job.video, fresh.job.attempt), (video, 2));
    assert_ne!(fresh.lease.token, stale.lease.token);
    assert_eq!(
        fx.row(video).await.queued_at,
        Some(stale.lease.expires_at),
        "queued from the expiry"
    );

    let late = fx
        .queue
        .finish(&stale, &JobOutcome::Succeeded)
        .await
        .unwrap_err();
    assert!(matches!(late, Error::Conflict(_)), "{late}");
    assert!(matches!(
        fx.queue.heartbeat(&stale, LEASE).await,
        Err(Error::Conflict(_))
    ));
    assert!(matches!(
        fx.queue.release(&stale).await,
        Err(Error::Conflict(_))
    ));
    // The newer attempt is untouched: its lease still works and its finish counts.
    fx.queue.heartbeat(&fresh, LEASE).await.unwrap();
    assert_eq!(
        fx.queue
            .finish(&fresh, &JobOutcome::Succeeded)
            .await
            .unwrap(),
        FinishOutcome::Done
    );
    assert_eq!(
        fx.queue
            .finish(&fresh, &JobOutcome::Succeeded)
            .await
            .unwrap(),
        FinishOutcome::Done,
        "replay"
    );
    fx.done().await;
}

async fn expiry_without_retries<F: MakeFut>(make: Make<F>) {
    let Some(fx) = make(policy(0)).await else {
        return;
    };
    let video = fx.video().await;
    fx.enqueue(video).await;
    let held = fx
        .queue
        .claim(&WorkerId::new("dies"), SHORT)
        .await
        .unwrap()
        .unwrap();
    let at = heimdex_core::time::now();
    fx.store.record(TimingEvent::JobStarted {
        video,
        attempt: 1,
        at,
    });
    fx.store.record(TimingEvent::StageStarted {
        video,
        attempt: 1,
        stage: StageName::TRANSCRIPTION,
        at,
    });
    assert_eq!(fx.row(video).await.status, VideoStatus::Processing);
    tokio::time::sleep(PAST_SHORT).await;
    assert!(fx
        .queue
        .claim(&WorkerId::new("other"), LEASE)
        .await
        .unwrap()
        .is_none());
    let dead = fx.queue.dead_jobs().await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].attempts, 1);
    assert_eq!(dead[0].reason, "lease expired on attempt 1, no retry left");
    let row = fx.row(video).await;
    assert_eq!(row.status, VideoStatus::Failed);
    assert_eq!(
        row.processing_stage.as_deref(),
        Some("transcription"),
        "failure stays attributed"
    );
    assert_eq!(row.error_message.as_deref(), Some(dead[0].reason.as_str()));
    assert_eq!(row.processing_finished_at, Some(held.lease.expires_at));
    fx.done().await;
}

async fn undecodable<F: MakeFut>(make: Make<F>) {
    let Some(fx) = make(policy(3)).await else {
        return;
    };
    let (bad, good) = (fx.video().await, fx.video().await);
    (fx.raw_job)(bad).await;
    tokio::time::sleep(Duration::from_millis(2)).await;
    fx.enqueue(good).await;
    let claimed = fx
        .queue
        .claim(&WorkerId::new("w"), LEASE)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        claimed.job.video, good,
        "the bad row is skipped, the next job is claimed"
    );
    let dead = fx.queue.dead_jobs().await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!((dead[0].video, dead[0].attempts), (bad, 0));
    assert_eq!(dead[0].reason, "undecodable job: no source");
    let row = fx.row(bad).await;
    assert_eq!(row.status, VideoStatus::Failed);
    assert_eq!(
        row.error_message.as_deref(),
        Some("undecodable job: no source")
    );
    fx.done().await;
}

async fn release_budget<F: MakeFut>(make: Make<F>) {
    let Some(fx) = make(policy(1)).await else {
        return;
    };
    let video = fx.video().await;
    fx.enqueue(video).await;
    let w = WorkerId::new("w");
    let first = fx.queue.claim(&w, LEASE).await.unwrap().unwrap();
    fx.queue.release(&first).await.unwrap();
    let second = fx
        .queue
        .claim(&w, LEASE)
        .await
        .unwrap()
        .expect("claimable again at once");
    assert_eq!(second.job.attempt, 2);
    assert!(
        matches!(
            fx.queue.finish(&second, &failed("x")).await.unwrap(),
            FinishOutcome::RetryScheduled { .. }
        ),
        "the released attempt did not use the only retry"
    );
    fx.done().await;
}
