//! A per-job sink that holds back the event ending the attempt, so the worker writes it itself,
//! without the droppable buffer, before it finishes or releases the job.

use std::sync::{Arc, Mutex};

use heimdex_core::{TimingEvent, TimingSink};

/// Forwards every event to `inner` except `JobFinished` and `JobInterrupted`, which it keeps.
#[derive(Debug)]
pub(super) struct HoldLastEvent {
    inner: Arc<dyn TimingSink>,
    held: Mutex<Option<TimingEvent>>,
}

impl HoldLastEvent {
    pub(super) fn new(inner: Arc<dyn TimingSink>) -> Self {
        Self {
            inner,
            held: Mutex::new(None),
        }
    }

    /// The event that ended the attempt, if the pipeline sent one.
    pub(super) fn take(&self) -> Option<TimingEvent> {
        self.held.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

impl TimingSink for HoldLastEvent {
    fn record(&self, event: TimingEvent) {
        match event {
            TimingEvent::JobFinished { .. } | TimingEvent::JobInterrupted { .. } => {
                *self.held.lock().unwrap_or_else(|e| e.into_inner()) = Some(event);
            }
            other => self.inner.record(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use heimdex_core::memory::MemorySink;
    use heimdex_core::{JobOutcome, VideoId};

    use super::*;

    #[test]
    fn the_ending_event_is_held_and_every_other_one_forwarded() {
        let inner = Arc::new(MemorySink::default());
        let sink = HoldLastEvent::new(inner.clone());
        let video = VideoId::new_v4();
        let at = heimdex_core::time::now();
        sink.record(TimingEvent::JobStarted {
            video,
            attempt: 1,
            at,
        });
        let end = TimingEvent::JobFinished {
            video,
            attempt: 1,
            at,
            elapsed: Duration::from_millis(3),
            outcome: JobOutcome::Succeeded,
        };
        sink.record(end.clone());
        assert_eq!(inner.snapshot().len(), 1, "only JobStarted went through");
        assert_eq!(sink.take(), Some(end));
        assert_eq!(sink.take(), None);
    }
}
