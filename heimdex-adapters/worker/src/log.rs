//! A sink wrapper that turns stage boundaries into structured log lines inside the job's span.

use std::sync::Arc;

use heimdex_core::stage::Outcome;
use heimdex_core::{TimingEvent, TimingSink};

/// Forwards every event to the store's sink, and logs stage boundaries. The pipeline records
/// events from inside the job's span (`video`, `attempt`), so each line carries them, and each
/// stage line names its `stage` (a span field recorded per stage would pile up in fmt's output).
#[derive(Debug)]
pub(super) struct LoggingSink {
    pub(super) inner: Arc<dyn TimingSink>,
}

impl TimingSink for LoggingSink {
    fn record(&self, event: TimingEvent) {
        match &event {
            TimingEvent::StageStarted { stage, .. } => {
                tracing::debug!(stage = %stage, "stage started");
            }
            TimingEvent::StageFinished {
                stage,
                elapsed,
                outcome,
                ..
            } => match outcome {
                Outcome::Ok => {
                    tracing::info!(stage = %stage, elapsed_ms = elapsed.as_millis() as u64, "stage finished")
                }
                Outcome::Failed { kind, message } => tracing::warn!(
                    stage = %stage,
                    elapsed_ms = elapsed.as_millis() as u64,
                    kind = %kind,
                    message = %message,
                    "stage failed"
                ),
            },
            _ => {}
        }
        self.inner.record(event);
    }
}
