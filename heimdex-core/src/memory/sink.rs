use std::sync::Mutex;

use async_trait::async_trait;

use crate::error::Result;
use crate::timing::{Flush, TimingEvent, TimingSink};

/// Keeps every event in order, for tests and debugging (like metrics' `DebuggingRecorder`).
#[derive(Debug, Default)]
pub struct MemorySink {
    events: Mutex<Vec<TimingEvent>>,
}

impl MemorySink {
    /// A copy of every event recorded so far, in order.
    pub fn snapshot(&self) -> Vec<TimingEvent> {
        self.events
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Removes and returns every event recorded so far.
    pub fn drain(&self) -> Vec<TimingEvent> {
        std::mem::take(&mut *self.events.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl TimingSink for MemorySink {
    fn record(&self, event: TimingEvent) {
        self.events
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(event);
    }
}

#[async_trait]
impl Flush for MemorySink {
    async fn flush(&self) -> Result<()> {
        Ok(())
    }

    async fn write_now(&self, events: Vec<TimingEvent>) -> Result<()> {
        events.into_iter().for_each(|event| self.record(event));
        Ok(())
    }
}
