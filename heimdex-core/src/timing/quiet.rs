//! Recording without failing the work: [`record_quietly`] and [`wall_after`], for every writer
//! of timing events (the pipeline's stage timer, the in-memory queue).

use std::panic::{catch_unwind, AssertUnwindSafe};

use super::{TimingEvent, TimingSink};
use crate::time::Timestamp;

/// Hands `event` to `sink`, swallowing a panic: a sink that panics never fails the job
/// (architecture: timing never breaks work).
pub(crate) fn record_quietly(sink: &dyn TimingSink, event: TimingEvent) {
    let _ = catch_unwind(AssertUnwindSafe(|| sink.record(event)));
}

/// The wall-clock time `elapsed` (monotonic) after `start`. Ends are derived this way, so an end
/// minus its start is exactly the monotonic duration, whatever the wall clock does meanwhile (a
/// step backwards cannot put an end before its start either).
pub(crate) fn wall_after(start: Timestamp, elapsed: std::time::Duration) -> Timestamp {
    start + chrono::Duration::from_std(elapsed).unwrap_or(chrono::TimeDelta::MAX)
}
