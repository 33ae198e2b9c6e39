//! The [`JobQueue`] operations of [`MemoryQueue`].

use std::time::Duration;

use async_trait::async_trait;
use uuid::Uuid;

use super::{after, lease_lost, MemoryQueue, State};
use crate::error::{Error, Result};
use crate::ids::{VideoId, WorkerId};
use crate::job::{Job, JobOutcome};
use crate::queue::{
    ClaimedJob, DeadJob, EnqueueOutcome, FinishOutcome, JobQueue, Lease, NewJob, Verdict,
};
use crate::time;
use crate::timing::TimingEvent;

#[async_trait]
impl JobQueue for MemoryQueue {
    async fn enqueue(&self, job: NewJob) -> Result<EnqueueOutcome> {
        let video = job.video;
        let at = {
            let mut jobs = self.lock();
            let active = jobs
                .jobs
                .get(&video)
                .is_some_and(|e| matches!(e.state, State::Queued | State::Running));
            if active {
                return Ok(EnqueueOutcome::AlreadyActive);
            }
            self.queue_now(&mut jobs, video, Some(job))
        };
        self.announce(video, at);
        Ok(EnqueueOutcome::Enqueued)
    }

    async fn claim(&self, worker: &WorkerId, lease: Duration) -> Result<Option<ClaimedJob>> {
        let now = time::now();
        let mut buried = Vec::new();
        let claimed = self.claim_locked(worker, lease, now, &mut buried);
        for event in buried {
            self.report(event);
        }
        Ok(claimed)
    }
    async fn heartbeat(&self, job: &ClaimedJob, lease: Duration) -> Result<Lease> {
        let video = job.job.video;
        let mut jobs = self.lock();
        match jobs.jobs.get_mut(&video) {
            Some(e) if e.state == State::Running && e.token == Some(job.lease.token) => {
                e.ready_at = after(time::now(), lease);
                Ok(Lease {
                    token: job.lease.token,
                    expires_at: e.ready_at,
                })
            }
            _ => Err(lease_lost(video)),
        }
    }

    async fn finish(&self, job: &ClaimedJob, outcome: &JobOutcome) -> Result<FinishOutcome> {
        let video = job.job.video;
        let mut jobs = self.lock();
        let seq = jobs.seq();
        let Some(e) = jobs
            .jobs
            .get_mut(&video)
            .filter(|e| e.token == Some(job.lease.token))
        else {
            return Err(lease_lost(video));
        };
        let now = time::now();
        match (e.state, outcome.failure()) {
            (State::Running, None) => {
                e.state = State::Done;
                e.last_error = None;
                e.finished_at = Some(now);
                Ok(FinishOutcome::Done)
            }
            (State::Running, Some((message, kind))) => {
                e.last_error = Some(message);
                let verdict = self.policy.verdict(e.tries, kind);
                match verdict {
                    Verdict::RetryAfter(wait) => {
                        e.state = State::Queued;
                        e.ready_at = after(now, wait);
                        e.seq = seq;
                    }
                    Verdict::Dead => {
                        e.state = State::Dead;
                        e.finished_at = Some(now);
                    }
                }
                Ok(verdict.finished(e.ready_at))
            }
            // The same finish again (a retry after a lost reply): the same answer.
            (State::Done, None) => Ok(FinishOutcome::Done),
            (State::Dead, Some(_)) => Ok(FinishOutcome::Dead),
            (State::Queued, Some(_)) => Ok(FinishOutcome::RetryScheduled { at: e.ready_at }),
            _ => Err(lease_lost(video)),
        }
    }

    async fn release(&self, job: &ClaimedJob) -> Result<()> {
        let video = job.job.video;
        let mut jobs = self.lock();
        let seq = jobs.seq();
        match jobs.jobs.get_mut(&video) {
            Some(e) if e.state == State::Running && e.token == Some(job.lease.token) => {
                e.state = State::Queued;
                e.tries = e.tries.saturating_sub(1);
                e.token = None;
                e.ready_at = time::now();
                e.seq = seq;
                Ok(())
            }
            _ => Err(lease_lost(video)),
        }
    }

    async fn dead_jobs(&self) -> Result<Vec<DeadJob>> {
        let jobs = self.lock();
        let mut dead: Vec<DeadJob> = jobs
            .jobs
            .iter()
            .filter(|(_, e)| e.state == State::Dead)
            .map(|(video, e)| DeadJob {
                video: *video,
                attempts: e.tries,
                reason: e.last_error.clone().unwrap_or_default(),
                died_at: e.finished_at.unwrap_or(e.ready_at),
            })
            .collect();
        dead.sort_by_key(|d| (d.died_at, d.video));
        Ok(dead)
    }

    async fn requeue_dead(&self, video: VideoId) -> Result<()> {
        let at = {
            let mut jobs = self.lock();
            if jobs.jobs.get(&video).map(|e| e.state) != Some(State::Dead) {
                return Err(Error::not_found(format!("dead job for video {video}")));
            }
            self.queue_now(&mut jobs, video, None)
        };
        self.announce(video, at);
        Ok(())
    }
}

impl MemoryQueue {
    /// The claim under the lock; jobs buried on the way are reported through `buried` (sent
    /// after the lock is released).
    fn claim_locked(
        &self,
        worker: &WorkerId,
        lease: Duration,
        now: crate::time::Timestamp,
        buried: &mut Vec<TimingEvent>,
    ) -> Option<ClaimedJob> {
        let mut jobs = self.lock();
        loop {
            let next = jobs
                .jobs
                .iter()
                .filter(|(_, e)| matches!(e.state, State::Queued | State::Running))
                .filter(|(_, e)| e.ready_at <= now)
                .min_by_key(|(_, e)| (e.ready_at, e.seq))
                .map(|(video, _)| *video);
            let video = next?;
            let seq = jobs.seq();
            let e = jobs.jobs.get_mut(&video)?;
            // An expired lease spent a try; with no retry left the job is buried.
            // Its video becomes FAILED, as the durable queues do.
            let refused = (e.state == State::Running)
                .then(|| {
                    let (tries, attempt) = (i64::from(e.tries), i64::from(e.attempt));
                    self.policy.refuse_redelivery(tries + 1, attempt + 1)
                })
                .flatten();
            if let Some(reason) = refused {
                buried.push(TimingEvent::JobBuried {
                    video,
                    attempt: e.attempt,
                    at: e.ready_at,
                    reason: reason.clone(),
                });
                e.state = State::Dead;
                e.last_error = Some(reason);
                e.finished_at = Some(now);
                e.token = None;
                continue;
            }
            let ready_at = e.ready_at;
            let announce = e.announced != Some(ready_at);
            e.announced = Some(ready_at);
            e.state = State::Running;
            e.attempt = e.attempt.saturating_add(1);
            e.tries = e.tries.saturating_add(1);
            e.ready_at = after(now, lease);
            e.seq = seq;
            let token = Uuid::new_v4();
            e.token = Some(token);
            let claimed = ClaimedJob {
                job: Job {
                    video,
                    attempt: e.attempt,
                    source: e.source.clone(),
                    owner: e.owner,
                },
                lease: Lease {
                    token,
                    expires_at: e.ready_at,
                },
                worker: worker.clone(),
                tries: e.tries,
            };
            drop(jobs);
            if announce {
                self.announce(video, ready_at);
            }
            return Some(claimed);
        }
    }
}
