//! The [`Worker`]: claims jobs from a [`JobQueue`] and runs them through a [`Pipeline`], N at a
//! time, until told to stop.
//!
//! - **Claiming.** A free slot claims at once; when nothing is claimable the worker sleeps until a
//!   [`WorkSignal`] announces a job (PostgreSQL `LISTEN`) or `poll_interval` passes. A failing
//!   queue is retried after `poll_interval` and never stops the worker.
//! - **Each job** runs in its own task inside a span with `video`, `attempt`, `worker` and the
//!   running `stage`. Heartbeats renew the lease every `lease / 3`. After `time_limit` the run is
//!   cancelled with [`CancelReason::TimeLimit`], so the pipeline records the failure (`timed_out`)
//!   at the stage that was running. A lost lease cancels the run and its outcome is not recorded:
//!   another claim owns the job. The event that ends an attempt is written without the store's
//!   droppable buffer before the queue is told, and heartbeats go on until the queue has it. A panicking pipeline fails the attempt (stage `worker`,
//!   `internal`) instead of the worker.
//! - **Shutdown.** When the `shutdown` future resolves the worker stops claiming; running jobs may
//!   finish within `grace`, then they are cancelled with [`CancelReason::Shutdown`] and released so
//!   another worker picks them up at once: the running stage is recorded as `cancelled` and the
//!   video goes back to the queue (PENDING), never FAILED, so a deploy moves no failure metric.
//!   [`Worker::run`] returns when every job has ended.
//!   Flush the store's sink afterwards so the last timing writes land.
//!
//! Jobs that cannot be decoded never reach the worker: the queue buries them as dead with the
//! reason when they are claimed.
//!
//! # Examples
//!
//! A worker process on a store and its queue (`heimdex_adapters::worker::open_backend` opens
//! both, and the wake-up signal, from configuration), stopped by SIGTERM or Ctrl-C:
//!
//! ```no_run
//! # use std::sync::Arc;
//! # use heimdex_core::{queue::JobQueue, Pipeline, Store, WorkSignal};
//! # async fn demo(
//! #     store: Arc<dyn Store>,
//! #     queue: Arc<dyn JobQueue>,
//! #     signal: Arc<dyn WorkSignal>,
//! #     pipeline: Arc<dyn Pipeline>,
//! # ) -> heimdex_core::Result<()> {
//! use heimdex_worker::{termination, Worker, WorkerConfig};
//!
//! let config = WorkerConfig::default().with_concurrency(2);
//! let worker = Worker::new(queue, pipeline, store.clone(), config).with_signal(signal);
//! let report = worker.run(termination()).await;
//! store.flush().await?; // the last timing writes
//! println!("{report:?}");
//! # Ok(()) }
//! ```
//!
//! [`CancelReason::TimeLimit`]: heimdex_core::CancelReason::TimeLimit
//! [`CancelReason::Shutdown`]: heimdex_core::CancelReason::Shutdown

mod config;
mod finisher;
mod job;
mod last_event;
mod log;
mod report;
mod stop;

use std::future::Future;
use std::sync::Arc;

use heimdex_core::queue::JobQueue;
use heimdex_core::{DurableSink, Pipeline, TimingSink, WorkerId};
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tracing::Instrument;

pub use config::WorkerConfig;
pub use heimdex_core::{Announcer, WorkSignal};
pub use report::WorkerReport;
pub use stop::termination;

use finisher::Finisher;
use job::{JobEnd, JobRunner};
use log::LoggingSink;

/// Claims and runs jobs; see the [module docs](self).
#[derive(Debug)]
pub struct Worker {
    id: WorkerId,
    queue: Arc<dyn JobQueue>,
    pipeline: Arc<dyn Pipeline>,
    sink: Arc<dyn TimingSink>,
    durable: Arc<dyn DurableSink>,
    config: WorkerConfig,
    signal: Option<Arc<dyn WorkSignal>>,
}

impl Worker {
    /// A worker taking jobs from `queue`, running them with `pipeline`, and recording timing into
    /// `sink` (the store's sink). A job is finished in the queue only after `sink` is flushed.
    /// Its id is [`default_worker_id`].
    pub fn new(
        queue: Arc<dyn JobQueue>,
        pipeline: Arc<dyn Pipeline>,
        sink: Arc<dyn DurableSink>,
        config: WorkerConfig,
    ) -> Self {
        let events: Arc<dyn TimingSink> = sink.clone();
        Self {
            id: default_worker_id(),
            queue,
            pipeline,
            sink: Arc::new(LoggingSink { inner: events }),
            durable: sink,
            config,
            signal: None,
        }
    }

    /// Names the worker (shown on claimed jobs and in logs).
    pub fn with_id(mut self, id: WorkerId) -> Self {
        self.id = id;
        self
    }

    /// Wakes the idle worker on announcements instead of waiting for the next poll.
    pub fn with_signal(mut self, signal: Arc<dyn WorkSignal>) -> Self {
        self.signal = Some(signal);
        self
    }

    /// The worker's id.
    pub fn id(&self) -> &WorkerId {
        &self.id
    }

    /// Runs until `shutdown` resolves, then drains (see the [module docs](self)).
    pub async fn run<F>(self, shutdown: F) -> WorkerReport
    where
        F: Future<Output = ()> + Send,
    {
        let config = self.config;
        let span = tracing::info_span!("worker", worker = %self.id);
        let durable: Arc<dyn heimdex_core::Flush> = self.durable.clone();
        let (finisher, finishing) = Finisher::start(Arc::clone(&self.queue), durable);
        let runner = Arc::new(JobRunner {
            queue: Arc::clone(&self.queue),
            pipeline: Arc::clone(&self.pipeline),
            sink: Arc::clone(&self.sink),
            timing: Arc::clone(&self.durable),
            config,
            finisher,
        });
        let mut report = WorkerReport::default();
        let slots = Arc::new(Semaphore::new(config.concurrency.max(1)));
        let (stop_tx, stop_rx) = watch::channel(None::<Instant>);
        let mut wake = self.signal.as_ref().map(|s| s.subscribe());
        let mut jobs = JoinSet::new();
        tokio::pin!(shutdown);
        async {
            tracing::info!(concurrency = config.concurrency, "worker started");
            loop {
                let first = tokio::select! {
                    biased;
                    _ = &mut shutdown => break,
                    permit = Arc::clone(&slots).acquire_owned() => match permit {
                        Ok(permit) => permit,
                        Err(_) => break,
                    },
                };
                let mut permits = vec![first];
                while let Ok(more) = Arc::clone(&slots).try_acquire_owned() {
                    permits.push(more);
                }
                while let Some(ended) = jobs.try_join_next() {
                    report.count(ended.unwrap_or(JobEnd::QueueError));
                }
                if let Some(rx) = wake.as_mut() {
                    rx.borrow_and_update();
                }
                // The claim is never raced with shutdown: a claim dropped after its commit would
                // strand its jobs until their leases expired.
                let claimed = self
                    .queue
                    .claim_batch(&self.id, config.lease, permits.len())
                    .await;
                let wait = match claimed {
                    Ok(mut claimed) if !claimed.is_empty() => {
                        for extra in claimed.split_off(permits.len().min(claimed.len())) {
                            // A queue that returned more than asked for: give the rest back.
                            tracing::warn!(video = %extra.job.video, "claimed beyond free slots; releasing");
                            if let Err(err) = self.queue.release(&extra).await {
                                tracing::warn!(error = %err, "release failed; redelivered after the lease");
                            }
                        }
                        for (claimed, permit) in claimed.into_iter().zip(permits) {
                            report.claimed();
                            let runner = Arc::clone(&runner);
                            let stop = stop_rx.clone();
                            let job_span = tracing::info_span!(
                                "job",
                                video = %claimed.job.video,
                                attempt = claimed.job.attempt,
                            );
                            jobs.spawn(
                                async move { runner.run(claimed, permit, stop).await }
                                    .instrument(job_span),
                            );
                        }
                        continue;
                    }
                    Ok(_) => config.poll_interval,
                    Err(err) => {
                        report.claim_error();
                        tracing::error!(error = %err, "claim failed; retrying after the poll interval");
                        config.poll_interval
                    }
                };
                drop(permits);
                tokio::select! {
                    biased;
                    _ = &mut shutdown => break,
                    _ = changed(wake.as_mut()) => {}
                    _ = tokio::time::sleep(wait) => {}
                }
            }
            tracing::info!(running = jobs.len(), grace_s = config.grace.as_secs_f64(), "worker stopping");
            let _ = stop_tx.send(Some(Instant::now() + config.grace));
            while let Some(ended) = jobs.join_next().await {
                report.count(ended.unwrap_or(JobEnd::QueueError));
            }
            drop(runner);
            let _ = finishing.await;
            tracing::info!(?report, "worker stopped");
        }
        .instrument(span)
        .await;
        report
    }
}

/// Resolves on the next announcement; never, without a signal (or once its source is gone).
async fn changed(wake: Option<&mut watch::Receiver<u64>>) {
    if let Some(rx) = wake {
        if rx.changed().await.is_ok() {
            return;
        }
    }
    std::future::pending().await
}

/// `host-pid-random`: unique per process, readable in logs and on claimed rows.
pub fn default_worker_id() -> WorkerId {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "worker".to_string());
    let suffix = &uuid::Uuid::new_v4().simple().to_string()[..8];
    WorkerId::new(format!("{host}-{}-{suffix}", std::process::id()))
}
