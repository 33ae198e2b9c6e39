//! Running one claimed job: the pipeline raced against its time limit, shutdown and a lost lease,
//! with heartbeats, then finish (or release on shutdown).
//!
//! The event that ends the attempt (`JobFinished`, or `JobInterrupted` when the job is released
//! or its lease lost) never goes through the store's droppable buffer: it is held back from the
//! pipeline's events and written with [`heimdex_core::Flush::write_now`] before the queue is told, so a
//! finished job's video is always READY or FAILED, and a released one's is queued again, never
//! FAILED. Heartbeats go on until the queue has recorded the end.

use std::sync::Arc;
use std::time::Duration;

use heimdex_core::job::JobOutcome;
use heimdex_core::queue::{ClaimedJob, FinishOutcome, JobQueue};
use heimdex_core::{
    CancelReason, Cancellation, DurableSink, Error, FailureKind, Pipeline, StageName, TimingEvent,
    TimingSink,
};
use tokio::sync::{watch, OwnedSemaphorePermit};
use tokio::time::{Instant, MissedTickBehavior};
use tracing::Instrument;

use super::finisher::Finisher;
use super::last_event::HoldLastEvent;
use super::WorkerConfig;

/// What a job run needs from its worker.
#[derive(Debug)]
pub(super) struct JobRunner {
    pub(super) queue: Arc<dyn JobQueue>,
    pub(super) pipeline: Arc<dyn Pipeline>,
    pub(super) sink: Arc<dyn TimingSink>,
    pub(super) timing: Arc<dyn DurableSink>,
    pub(super) config: WorkerConfig,
    pub(super) finisher: Finisher,
}

/// How a job run ended, for the worker's report.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum JobEnd {
    /// The queue recorded the outcome.
    Finished(FinishOutcome),
    /// Given back unrun at shutdown.
    Released,
    /// Another claim owns the job now; nothing was written to the queue.
    LeaseLost,
    /// The queue could not be told (it redelivers the job once the lease expires).
    QueueError,
}

/// Far enough to mean "not armed" (a timer is re-armed with a real deadline when needed).
const FAR: Duration = Duration::from_secs(365 * 24 * 3600);

/// The stage reported when the pipeline itself panicked (no stage result exists).
fn panic_stage() -> StageName {
    StageName::new("worker").unwrap_or(StageName::FINALIZING)
}

/// The shutdown deadline, once the worker stops (now, if the worker is gone).
async fn stop_deadline(shutdown: &mut watch::Receiver<Option<Instant>>) -> Instant {
    match shutdown.wait_for(Option::is_some).await {
        Ok(deadline) => deadline.unwrap_or_else(Instant::now),
        Err(_) => Instant::now(),
    }
}

impl JobRunner {
    /// Runs `claimed` to its end, holding `slot` while the pipeline runs. `shutdown` turns `Some(deadline)` when the worker stops: the job
    /// may go on until the deadline, then it is cancelled and released.
    pub(super) async fn run(
        &self,
        claimed: ClaimedJob,
        slot: OwnedSemaphorePermit,
        mut shutdown: watch::Receiver<Option<Instant>>,
    ) -> JobEnd {
        let cancel = Cancellation::new();
        let started = Instant::now();
        let wall_started = heimdex_core::time::now();
        tracing::info!("job started");
        let pipeline = Arc::clone(&self.pipeline);
        let held = Arc::new(HoldLastEvent::new(Arc::clone(&self.sink)));
        let sink: Arc<dyn TimingSink> = held.clone();
        let (job, signal) = (claimed.job.clone(), cancel.clone());
        // Its own task, so a panicking pipeline fails the job instead of the worker.
        let mut run = tokio::spawn(
            async move { pipeline.run(job, &*sink, &signal).await.outcome }
                .instrument(tracing::Span::current()),
        );
        let time_limit = tokio::time::sleep(self.config.time_limit);
        tokio::pin!(time_limit);
        let every = self.config.heartbeat_interval();
        let mut heartbeat = tokio::time::interval_at(Instant::now() + every, every);
        heartbeat.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let grace_end = tokio::time::sleep(FAR);
        tokio::pin!(grace_end);
        let (mut timed_out, mut stopping, mut lost) = (false, false, false);
        let result = loop {
            tokio::select! {
                result = &mut run => break result,
                _ = &mut time_limit, if !timed_out => {
                    timed_out = true;
                    tracing::warn!(limit_s = self.config.time_limit.as_secs_f64(), "time limit reached; cancelling");
                    cancel.cancel(CancelReason::TimeLimit);
                }
                _ = heartbeat.tick(), if !lost => match self.queue.heartbeat(&claimed, self.config.lease).await {
                    Ok(_) => {}
                    Err(Error::Conflict(_)) => {
                        lost = true;
                        tracing::warn!("lease lost to another claim; cancelling");
                        cancel.cancel(CancelReason::Shutdown);
                    }
                    Err(err) => tracing::warn!(error = %err, "heartbeat failed; retrying at the next beat"),
                },
                deadline = stop_deadline(&mut shutdown), if !stopping => {
                    stopping = true;
                    grace_end.as_mut().reset(deadline);
                }
                _ = &mut grace_end, if stopping => {
                    tracing::warn!("grace period over; cancelling for shutdown");
                    cancel.cancel(CancelReason::Shutdown);
                    grace_end.as_mut().reset(Instant::now() + FAR);
                }
            }
        };
        // The slot is for running pipelines: the next job may start while this one is finished.
        drop(slot);
        let outcome = result.unwrap_or_else(|err| {
            tracing::error!(error = %err, "pipeline panicked");
            JobOutcome::Failed {
                stage: panic_stage(),
                kind: FailureKind::Internal,
                message: format!("pipeline panicked: {err}"),
            }
        });
        let elapsed = started.elapsed();
        let elapsed_ms = elapsed.as_millis() as u64;
        let held = held.take();
        let (video, attempt) = (claimed.job.video, claimed.job.attempt);
        let at = heimdex_core::time::now().max(wall_started);
        if lost || (!outcome.is_success() && cancel.reason() == Some(CancelReason::Shutdown)) {
            // Whatever the pipeline sent, the attempt did not fail: its video is queued again.
            self.write_interrupted(TimingEvent::JobInterrupted { video, attempt, at })
                .await;
            if lost {
                tracing::warn!(
                    elapsed_ms,
                    "job ended without its lease; outcome not recorded"
                );
                return JobEnd::LeaseLost;
            }
            return self.beating(&claimed, self.release(&claimed)).await;
        }
        let last = match held {
            Some(event @ TimingEvent::JobFinished { .. }) => event,
            // A pipeline that panicked (or sent no end): the end is written from its outcome.
            _ => TimingEvent::JobFinished {
                video,
                attempt,
                at,
                elapsed,
                outcome: outcome.clone(),
            },
        };
        match &outcome {
            JobOutcome::Succeeded => tracing::info!(elapsed_ms, "job succeeded"),
            JobOutcome::Failed {
                stage,
                kind,
                message,
            } => {
                tracing::warn!(elapsed_ms, failed_stage = %stage, kind = %kind, message = %message, "job failed")
            }
        }
        self.beating(&claimed, self.finish(&claimed, &outcome, last))
            .await
    }

    /// Runs `work` (telling the queue how the job ended) while renewing the lease, so a slow
    /// write cannot let the lease expire and the job run twice.
    async fn beating(
        &self,
        claimed: &ClaimedJob,
        work: impl std::future::Future<Output = JobEnd>,
    ) -> JobEnd {
        tokio::pin!(work);
        let every = self.config.heartbeat_interval();
        let mut heartbeat = tokio::time::interval_at(Instant::now() + every, every);
        heartbeat.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut lost = false;
        loop {
            tokio::select! {
                end = &mut work => return end,
                _ = heartbeat.tick(), if !lost => {
                    if let Err(err) = self.queue.heartbeat(claimed, self.config.lease).await {
                        lost = matches!(err, Error::Conflict(_));
                        tracing::warn!(error = %err, "heartbeat while finishing failed");
                    }
                }
            }
        }
    }

    /// Writes the interruption of the attempt (best effort: the next attempt's start replaces it).
    async fn write_interrupted(&self, event: TimingEvent) {
        if let Err(err) = self.timing.write_now(vec![event]).await {
            tracing::warn!(error = %err, "could not write the interruption; the next attempt's start replaces it");
        }
    }

    async fn finish(
        &self,
        claimed: &ClaimedJob,
        outcome: &JobOutcome,
        last: TimingEvent,
    ) -> JobEnd {
        let mut backoff = Duration::from_millis(100);
        for attempt in 1..=4 {
            match self
                .finisher
                .finish(claimed.clone(), outcome.clone(), last.clone())
                .await
            {
                Ok(done) => {
                    tracing::debug!(?done, "finish recorded");
                    return JobEnd::Finished(done);
                }
                Err(Error::Conflict(msg)) => {
                    tracing::warn!(%msg, "finish refused: a newer claim owns the job");
                    return JobEnd::LeaseLost;
                }
                Err(err) if attempt < 4 => {
                    tracing::warn!(error = %err, "finish failed; retrying");
                    tokio::time::sleep(backoff).await;
                    backoff *= 4;
                }
                Err(err) => {
                    tracing::error!(error = %err, "finish failed; the job is redelivered when its lease expires")
                }
            }
        }
        JobEnd::QueueError
    }

    async fn release(&self, claimed: &ClaimedJob) -> JobEnd {
        match self.queue.release(claimed).await {
            Ok(()) => {
                tracing::info!("job released for another worker");
                JobEnd::Released
            }
            Err(Error::Conflict(_)) => JobEnd::LeaseLost,
            Err(err) => {
                tracing::error!(error = %err, "release failed; the job is redelivered when its lease expires");
                JobEnd::QueueError
            }
        }
    }
}
