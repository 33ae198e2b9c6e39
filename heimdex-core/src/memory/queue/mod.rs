//! [`MemoryQueue`]: the [`JobQueue`](crate::queue::JobQueue) port in memory, with the same rules as the durable queues.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use uuid::Uuid;

use crate::error::Error;
use crate::ids::{UserId, VideoId};
use crate::queue::{NewJob, RetryPolicy};
use crate::time::{self, Timestamp};
use crate::timing::{record_quietly, TimingEvent, TimingSink};

mod port;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Queued,
    Running,
    Done,
    Dead,
}

/// One video's job (a video has at most one).
#[derive(Debug)]
struct Entry {
    source: String,
    owner: Option<UserId>,
    state: State,
    /// Claims ever made; never reset, so the stage timings of every attempt stay apart.
    attempt: u32,
    /// Claims since the last enqueue, releases not counted: what the retry budget is spent on.
    tries: u32,
    /// Queued: when it becomes claimable. Running: when the lease expires (claimable again).
    ready_at: Timestamp,
    /// First come, first served among jobs ready at the same instant.
    seq: u64,
    /// The last `queued_at` reported to the sink.
    announced: Option<Timestamp>,
    /// The last lease's token, kept after a finish so a replayed finish can be recognised.
    token: Option<Uuid>,
    last_error: Option<String>,
    finished_at: Option<Timestamp>,
}

#[derive(Debug, Default)]
struct Jobs {
    jobs: HashMap<VideoId, Entry>,
    next_seq: u64,
}

impl Jobs {
    fn seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }
}

/// An in-process job queue: the reference for the durable queues' rules and a queue for tests,
/// demos and single-process embedding. Nothing survives the process.
///
/// The rules are those of [`JobQueue`](crate::queue::JobQueue), checked by
/// `heimdex_core::testkit::queue::queue_conformance` (feature `testkit`):
///
/// - one job per video: enqueueing a video whose job is queued or running is
///   [`EnqueueOutcome::AlreadyActive`](crate::queue::EnqueueOutcome::AlreadyActive); a done or dead job is revived with a fresh retry budget;
/// - a claim takes the job that has been claimable longest and leases it under a new token; every
///   claim counts an attempt, and a job whose lease expires is claimable again (as a new attempt);
/// - heartbeat, finish and release must show the current token, or get [`Error::Conflict`];
///   replaying the finish that ended an attempt returns the same outcome;
/// - a failed attempt `k` is retried after [`RetryPolicy::delay_after`]`(k)`; when no retry is left
///   the job is dead (listed by [`JobQueue::dead_jobs`](crate::queue::JobQueue::dead_jobs)) until [`JobQueue::requeue_dead`](crate::queue::JobQueue::requeue_dead). A lease
///   that expires with no retry left buries the job as dead with the reason
///   `lease expired on attempt N, no retry left`;
/// - release (shutdown) makes the job claimable at once without spending a retry.
///
/// With a sink ([`MemoryQueue::with_sink`]) the queue reports every `queued_at` as
/// [`TimingEvent::JobQueued`]: on enqueue, and — like the durable queues — when a claim takes a
/// retried, released or redelivered job, with `at` = the moment it became claimable again, so
/// queue time measures waiting and not earlier attempts. The event is sent at claim time rather
/// than when the retry is scheduled, so a FAILED video keeps its failed stage
/// (docs/spec.md#stages) while it waits for its retry. A job buried because its lease expired with
/// no retry left is reported as [`TimingEvent::JobBuried`], so its video becomes `FAILED` as with
/// the durable queues.
///
/// Every operation is one short critical section; claims scan all jobs (O(n)).
#[derive(Debug)]
pub struct MemoryQueue {
    policy: RetryPolicy,
    sink: Option<Arc<dyn TimingSink>>,
    jobs: Mutex<Jobs>,
}

impl MemoryQueue {
    /// An empty queue retrying by `policy`.
    pub fn new(policy: RetryPolicy) -> Self {
        Self {
            policy,
            sink: None,
            jobs: Mutex::new(Jobs::default()),
        }
    }

    /// Also reports every `queued_at` as [`TimingEvent::JobQueued`] to `sink` (a panicking sink is
    /// ignored).
    pub fn with_sink(mut self, sink: Arc<dyn TimingSink>) -> Self {
        self.sink = Some(sink);
        self
    }

    /// The retry policy.
    pub fn policy(&self) -> RetryPolicy {
        self.policy
    }

    fn lock(&self) -> MutexGuard<'_, Jobs> {
        // Every write is complete before anything can panic, so a poisoned lock is still consistent.
        self.jobs.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn announce(&self, video: VideoId, at: Timestamp) {
        self.report(TimingEvent::JobQueued { video, at });
    }

    /// Sends `event` to the sink, if there is one.
    fn report(&self, event: TimingEvent) {
        if let Some(sink) = &self.sink {
            record_quietly(&**sink, event);
        }
    }

    /// Queues `video` now with a fresh retry budget (enqueue and requeue_dead).
    fn queue_now(&self, jobs: &mut Jobs, video: VideoId, job: Option<NewJob>) -> Timestamp {
        let now = time::now();
        let seq = jobs.seq();
        let entry = jobs.jobs.entry(video).or_insert_with(|| Entry {
            source: String::new(),
            owner: None,
            state: State::Queued,
            attempt: 0,
            tries: 0,
            ready_at: now,
            seq,
            announced: None,
            token: None,
            last_error: None,
            finished_at: None,
        });
        if let Some(job) = job {
            entry.source = job.source;
            entry.owner = job.owner;
        }
        entry.state = State::Queued;
        entry.tries = 0;
        entry.ready_at = now;
        entry.seq = seq;
        entry.announced = Some(now);
        entry.token = None;
        entry.last_error = None;
        entry.finished_at = None;
        now
    }
}

/// `at + d`, at the stores' microsecond precision, saturating.
fn after(at: Timestamp, d: Duration) -> Timestamp {
    let later = TimeDelta::from_std(d)
        .ok()
        .and_then(|d| at.checked_add_signed(d))
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    time::truncate_micros(later)
}

fn lease_lost(video: VideoId) -> Error {
    Error::Conflict(format!(
        "lease on the job of video {video} is no longer held"
    ))
}
