//! Timing events and the [`TimingSink`] port that receives them.
//!
//! A sink is synchronous, infallible and cheap: implementations buffer internally and write in the
//! background. Timing never breaks work (architecture rule): a sink that cannot write logs, counts
//! what it dropped, and retries where it can.

pub mod apply;
pub mod buffered;
mod fanout;
mod noop;
mod quiet;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::ids::VideoId;
use crate::job::JobOutcome;
use crate::stage::{Outcome, StageName};
use crate::time::Timestamp;

pub use fanout::FanoutSink;
pub use noop::NoopSink;
pub(crate) use quiet::{record_quietly, wall_after};

/// Something that happened to a job, at a stage boundary (docs/spec.md#timing-events).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
#[non_exhaustive]
pub enum TimingEvent {
    /// The job was put on the queue: `queued_at = at`, `processing_stage = 'queued'`.
    JobQueued {
        /// The video.
        video: VideoId,
        /// When.
        at: Timestamp,
    },
    /// A worker started an attempt: `processing_started_at = at`, `status = PROCESSING`.
    JobStarted {
        /// The video.
        video: VideoId,
        /// Attempt number (1-based).
        attempt: u32,
        /// When.
        at: Timestamp,
    },
    /// A stage began: `processing_stage = stage`.
    StageStarted {
        /// The video.
        video: VideoId,
        /// Attempt number.
        attempt: u32,
        /// The stage.
        stage: StageName,
        /// When.
        at: Timestamp,
    },
    /// A stage ended (one `video_stage_timings` row).
    StageFinished {
        /// The video.
        video: VideoId,
        /// Attempt number.
        attempt: u32,
        /// The stage.
        stage: StageName,
        /// Wall-clock start.
        started_at: Timestamp,
        /// Wall-clock end.
        finished_at: Timestamp,
        /// Duration from a monotonic clock.
        elapsed: Duration,
        /// How it ended.
        outcome: Outcome,
    },
    /// The attempt ended: READY or FAILED, `processing_finished_at`, `processing_duration_ms`.
    JobFinished {
        /// The video.
        video: VideoId,
        /// Attempt number.
        attempt: u32,
        /// Wall-clock end.
        at: Timestamp,
        /// Duration of the attempt from a monotonic clock.
        elapsed: Duration,
        /// How it ended.
        outcome: JobOutcome,
    },
    /// The attempt was stopped from outside (shutdown, a lost lease) and its job goes back to
    /// the queue: `status = PENDING`, `processing_stage = 'queued'`, no end time. No failure.
    JobInterrupted {
        /// The video.
        video: VideoId,
        /// Attempt number.
        attempt: u32,
        /// When.
        at: Timestamp,
    },
    /// The queue buried the job as dead outside a run (its lease expired with no retry left):
    /// a PENDING or PROCESSING video becomes `FAILED` with `reason`, its `processing_stage` kept.
    JobBuried {
        /// The video.
        video: VideoId,
        /// The attempt whose lease expired.
        attempt: u32,
        /// When the job became claimable with no retry left.
        at: Timestamp,
        /// Why (stored in `error_message`).
        reason: String,
    },
}

impl TimingEvent {
    /// The attempt the event belongs to (`None` for `JobQueued`, which belongs to the job).
    pub fn attempt(&self) -> Option<u32> {
        match self {
            TimingEvent::JobQueued { .. } => None,
            TimingEvent::JobStarted { attempt, .. }
            | TimingEvent::StageStarted { attempt, .. }
            | TimingEvent::StageFinished { attempt, .. }
            | TimingEvent::JobFinished { attempt, .. }
            | TimingEvent::JobInterrupted { attempt, .. }
            | TimingEvent::JobBuried { attempt, .. } => Some(*attempt),
        }
    }

    /// The video the event is about.
    pub fn video(&self) -> VideoId {
        match self {
            TimingEvent::JobQueued { video, .. }
            | TimingEvent::JobStarted { video, .. }
            | TimingEvent::StageStarted { video, .. }
            | TimingEvent::StageFinished { video, .. }
            | TimingEvent::JobFinished { video, .. }
            | TimingEvent::JobInterrupted { video, .. }
            | TimingEvent::JobBuried { video, .. } => *video,
        }
    }
}

/// Receives timing events. Must not block and must not panic; it cannot fail the pipeline.
pub trait TimingSink: Send + Sync + fmt::Debug {
    /// Takes one event. Implementations buffer and write in the background.
    fn record(&self, event: TimingEvent);
}

/// A sink (or store) whose buffered writes can be awaited, e.g. before shutdown or a query.
#[async_trait]
pub trait Flush: Send + Sync {
    /// Resolves once every event recorded before the call has been written (or given up on).
    async fn flush(&self) -> Result<()>;

    /// Writes `events` now, in order, after everything recorded before the call, without the
    /// buffer: never dropped for lack of room, and `Err` when they were not written. For the
    /// events a job's end depends on (its final status), which must not be lost under load.
    async fn write_now(&self, events: Vec<TimingEvent>) -> Result<()>;
}

/// A sink whose writes can be awaited. A worker needs one: it finishes a job in the queue only
/// after the job's timing has been flushed, so a worker that dies in between leaves the job to be
/// redelivered instead of a finished job whose video never became READY.
pub trait DurableSink: TimingSink + Flush {}

impl<T: TimingSink + Flush + ?Sized> DurableSink for T {}

impl<T: TimingSink + ?Sized> TimingSink for &T {
    fn record(&self, event: TimingEvent) {
        (**self).record(event)
    }
}

impl<T: TimingSink + ?Sized> TimingSink for Box<T> {
    fn record(&self, event: TimingEvent) {
        (**self).record(event)
    }
}

impl<T: TimingSink + ?Sized> TimingSink for Arc<T> {
    fn record(&self, event: TimingEvent) {
        (**self).record(event)
    }
}

#[cfg(any(test, feature = "mock"))]
mockall::mock! {
    /// A mock [`TimingSink`] for interaction tests.
    pub TimingSink {}
    impl TimingSink for TimingSink {
        fn record(&self, event: TimingEvent);
    }
    impl fmt::Debug for TimingSink {
        fn fmt<'a>(&self, f: &mut fmt::Formatter<'a>) -> fmt::Result;
    }
}
