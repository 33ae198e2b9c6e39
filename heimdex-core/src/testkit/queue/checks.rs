//! The checks of the queue conformance suite, one method per rule.

use std::time::Duration;

use chrono::TimeDelta;

use super::{failed, is_conflict, Suite, LONG, PAST_SHORT, SHORT};
use crate::error::Error;
use crate::ids::VideoId;
use crate::job::JobOutcome;
use crate::queue::{EnqueueOutcome, FinishOutcome};
use crate::time;

impl Suite<'_> {
    pub(super) async fn enqueue_claim_finish(&self) {
        let video = VideoId::new_v4();
        assert_eq!(self.enqueue(video).await, EnqueueOutcome::Enqueued);
        let before = time::now();
        let job = self.claim_one(video, LONG, "enqueued job").await;
        let after = time::now();
        assert_eq!(job.job.attempt, 1, "the first claim is attempt 1");
        assert_eq!(
            job.job.source,
            format!("/videos/{video}.mp4"),
            "source kept"
        );
        assert_eq!(job.worker, self.w, "the claimer holds the job");
        let slack = TimeDelta::seconds(1);
        let (lease, expires) = (TimeDelta::from_std(LONG).unwrap(), job.lease.expires_at);
        assert!(
            expires >= before + lease - slack && expires <= after + lease + slack,
            "lease expires about `lease` after the claim: {expires}"
        );
        assert!(
            self.claim(LONG).await.is_none(),
            "a leased job is not claimed twice"
        );
        assert_eq!(
            self.finish(&job, &JobOutcome::Succeeded).await,
            FinishOutcome::Done
        );
        let replay = self.finish(&job, &JobOutcome::Succeeded).await;
        assert_eq!(
            replay,
            FinishOutcome::Done,
            "a replayed finish gets the same answer"
        );
        assert!(
            self.claim(LONG).await.is_none(),
            "a done job is not claimed"
        );
    }

    pub(super) async fn one_active_job_per_video(&self) {
        let video = VideoId::new_v4();
        self.enqueue(video).await;
        assert_eq!(
            self.enqueue(video).await,
            EnqueueOutcome::AlreadyActive,
            "queued"
        );
        let first = self.claim_one(video, LONG, "queued once").await;
        assert!(
            self.claim(LONG).await.is_none(),
            "enqueued twice but queued once"
        );
        assert_eq!(
            self.enqueue(video).await,
            EnqueueOutcome::AlreadyActive,
            "running"
        );
        self.finish(&first, &JobOutcome::Succeeded).await;
        assert_eq!(
            self.enqueue(video).await,
            EnqueueOutcome::Enqueued,
            "done jobs are revived"
        );
        let again = self.claim_one(video, LONG, "revived job").await;
        assert_eq!(
            again.job.attempt, 2,
            "attempts keep counting across enqueues"
        );
        self.finish(&again, &JobOutcome::Succeeded).await;
    }

    pub(super) async fn oldest_first(&self) {
        let videos = [VideoId::new_v4(), VideoId::new_v4(), VideoId::new_v4()];
        for video in videos {
            self.enqueue(video).await;
            (self.sleep)(Duration::from_millis(2)).await;
        }
        for video in videos {
            let job = self.claim_one(video, LONG, "oldest first").await;
            self.finish(&job, &JobOutcome::Succeeded).await;
        }
    }

    pub(super) async fn heartbeat_keeps_the_lease(&self) {
        let video = VideoId::new_v4();
        self.enqueue(video).await;
        let job = self.claim_one(video, SHORT, "heartbeat").await;
        let lease = self.q.heartbeat(&job, LONG).await.expect("heartbeat");
        assert_eq!(lease.token, job.lease.token, "a heartbeat keeps the token");
        assert!(
            lease.expires_at > job.lease.expires_at,
            "a heartbeat extends the lease"
        );
        (self.sleep)(PAST_SHORT).await;
        assert!(
            self.claim(LONG).await.is_none(),
            "an extended lease is still held"
        );
        assert_eq!(
            self.finish(&job, &JobOutcome::Succeeded).await,
            FinishOutcome::Done
        );
    }

    pub(super) async fn expired_lease_is_redelivered(&self) {
        let video = VideoId::new_v4();
        self.enqueue(video).await;
        let stale = self.claim_one(video, SHORT, "lease expiry").await;
        (self.sleep)(PAST_SHORT).await;
        let fresh = self.claim_one(video, LONG, "an expired lease").await;
        assert_eq!(fresh.job.attempt, 2, "redelivery is a new attempt");
        assert_ne!(
            fresh.lease.token, stale.lease.token,
            "a new claim gets a new token"
        );
        let late = self.q.finish(&stale, &JobOutcome::Succeeded).await;
        assert!(is_conflict(&late), "finish with a lost lease: {late:?}");
        let beat = self.q.heartbeat(&stale, LONG).await;
        assert!(is_conflict(&beat), "heartbeat with a lost lease: {beat:?}");
        let gone = self.q.release(&stale).await;
        assert!(is_conflict(&gone), "release with a lost lease: {gone:?}");
        let mut forged = fresh.clone();
        forged.lease.token = uuid::Uuid::new_v4();
        let forged = self.q.finish(&forged, &JobOutcome::Succeeded).await;
        assert!(
            is_conflict(&forged),
            "finish with a forged token: {forged:?}"
        );
        self.q
            .heartbeat(&fresh, LONG)
            .await
            .expect("the new holder's heartbeat");
        assert_eq!(
            self.finish(&fresh, &JobOutcome::Succeeded).await,
            FinishOutcome::Done
        );
    }

    pub(super) async fn retries_then_dead_then_requeued(&self) {
        let video = VideoId::new_v4();
        self.enqueue(video).await;
        let mut last = None;
        for attempt in 1..=self.max_retries + 1 {
            let job = self.claim_one(video, LONG, "a due retry").await;
            assert_eq!(job.job.attempt, attempt);
            let ended = self
                .finish(&job, &failed(&format!("broke {attempt}")))
                .await;
            if attempt <= self.max_retries {
                let FinishOutcome::RetryScheduled { .. } = ended else {
                    panic!(
                        "failure {attempt} of {} retries: {ended:?}",
                        self.max_retries
                    );
                };
            } else {
                assert_eq!(ended, FinishOutcome::Dead, "no retry left");
            }
            last = Some(job);
        }
        let last = last.expect("at least one attempt");
        assert_eq!(
            self.finish(&last, &failed("again")).await,
            FinishOutcome::Dead,
            "replay"
        );
        assert!(
            self.claim(LONG).await.is_none(),
            "dead jobs are not claimed"
        );
        let dead = self.q.dead_jobs().await.expect("dead jobs");
        let entry = dead
            .iter()
            .find(|d| d.video == video)
            .expect("the dead job is listed");
        assert_eq!(entry.attempts, self.max_retries + 1, "attempts spent");
        let reason = format!("transcription: broke {}", self.max_retries + 1);
        assert_eq!(entry.reason, reason, "the last failure, with its stage");

        self.q.requeue_dead(video).await.expect("requeue_dead");
        let listed = self.q.dead_jobs().await.expect("dead jobs");
        assert!(
            listed.iter().all(|d| d.video != video),
            "requeued jobs are not dead"
        );
        let revived = self.claim_one(video, LONG, "a requeued job").await;
        assert_eq!(
            revived.job.attempt,
            self.max_retries + 2,
            "attempts keep counting"
        );
        let ended = self.finish(&revived, &failed("after requeue")).await;
        assert!(
            matches!(ended, FinishOutcome::RetryScheduled { .. }),
            "fresh budget: {ended:?}"
        );
        let retried = self.claim_one(video, LONG, "retry after requeue").await;
        let not_dead = self.q.requeue_dead(video).await;
        assert!(
            matches!(not_dead, Err(Error::NotFound { .. })),
            "running: {not_dead:?}"
        );
        self.finish(&retried, &JobOutcome::Succeeded).await;
        let unknown = self.q.requeue_dead(VideoId::new_v4()).await;
        assert!(
            matches!(unknown, Err(Error::NotFound { .. })),
            "unknown: {unknown:?}"
        );
    }

    pub(super) async fn expired_leases_spend_tries(&self) {
        let video = VideoId::new_v4();
        self.enqueue(video).await;
        for attempt in 1..=self.max_retries + 1 {
            let job = self.claim_one(video, SHORT, "redelivery").await;
            assert_eq!(job.job.attempt, attempt);
            (self.sleep)(PAST_SHORT).await;
        }
        assert!(
            self.claim(LONG).await.is_none(),
            "expired with no retry left: buried"
        );
        let dead = self.q.dead_jobs().await.expect("dead jobs");
        let entry = dead
            .iter()
            .find(|d| d.video == video)
            .expect("buried job is dead");
        let reason = format!(
            "lease expired on attempt {}, no retry left",
            self.max_retries + 1
        );
        assert_eq!(entry.reason, reason);
        assert_eq!(entry.attempts, self.max_retries + 1);
        self.q
            .requeue_dead(video)
            .await
            .expect("requeue the buried job");
        let job = self.claim_one(video, LONG, "a requeued buried job").await;
        self.finish(&job, &JobOutcome::Succeeded).await;
    }

    pub(super) async fn release_spends_no_try(&self) {
        let video = VideoId::new_v4();
        self.enqueue(video).await;
        let released = self.claim_one(video, LONG, "release").await;
        self.q.release(&released).await.expect("release");
        let again = self.q.release(&released).await;
        assert!(is_conflict(&again), "a second release: {again:?}");
        for n in 1..=self.max_retries + 1 {
            let job = self
                .claim_one(video, LONG, "claimable at once after release")
                .await;
            assert_eq!(
                job.job.attempt,
                n + 1,
                "a released claim was still an attempt"
            );
            let ended = self.finish(&job, &failed("x")).await;
            let expected_dead = n == self.max_retries + 1;
            assert_eq!(
                ended == FinishOutcome::Dead,
                expected_dead,
                "failure {n}: {ended:?}"
            );
            let late = self.q.release(&job).await;
            assert!(is_conflict(&late), "release after finish: {late:?}");
        }
        self.q.requeue_dead(video).await.expect("requeue");
        let job = self.claim_one(video, LONG, "requeued").await;
        self.finish(&job, &JobOutcome::Succeeded).await;
    }

    pub(super) async fn batches(&self) {
        let videos = [VideoId::new_v4(), VideoId::new_v4(), VideoId::new_v4()];
        for video in videos {
            self.enqueue(video).await;
            (self.sleep)(Duration::from_millis(2)).await;
        }
        let batch = self
            .q
            .claim_batch(&self.w, LONG, 2)
            .await
            .expect("claim_batch");
        let got: Vec<VideoId> = batch.iter().map(|j| j.job.video).collect();
        assert_eq!(got, videos[..2], "claim_batch takes the oldest, up to max");
        let rest = self.claim_one(videos[2], LONG, "the third").await;
        let mut stale = rest.clone();
        stale.lease.token = uuid::Uuid::new_v4();
        let jobs = [
            (batch[0].clone(), JobOutcome::Succeeded),
            (stale, JobOutcome::Succeeded),
            (batch[1].clone(), JobOutcome::Succeeded),
        ];
        let results = self.q.finish_batch(&jobs).await;
        assert_eq!(results.len(), 3, "one result per job");
        assert!(
            matches!(results[0], Ok(FinishOutcome::Done)),
            "{:?}",
            results[0]
        );
        assert!(
            is_conflict(&results[1]),
            "a lost lease in a batch: {:?}",
            results[1]
        );
        assert!(
            matches!(results[2], Ok(FinishOutcome::Done)),
            "{:?}",
            results[2]
        );
        self.finish(&rest, &JobOutcome::Succeeded).await;
    }
}
